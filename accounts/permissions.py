"""DRF permissions for the API: who a token speaks for, and what it was granted."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from oauth2_provider.contrib.rest_framework import TokenHasScope
from rest_framework.permissions import BasePermission

from accounts.services import kazoo_profile


class IsKazooUser(BasePermission):
    """The token belongs to an active Kazoo user (not staff, not someone who lost access)."""

    message = _("This connection does not belong to an active phone system user; reconnect it.")
    code = "not_a_kazoo_user"

    def has_permission(self, request, view) -> bool:
        profile = kazoo_profile(request.user)
        return profile is not None and profile.is_active and request.user.is_active


class HasScopes(TokenHasScope):
    """DOT's scope check with an actionable message; set `required_scopes` on the view."""

    code = "insufficient_scope"

    def has_permission(self, request, view) -> bool:
        allowed = super().has_permission(request, view)
        if not allowed:
            scopes = ", ".join(self.get_scopes(request, view))
            self.message = gettext(
                "This connection was not allowed to use: %(scopes)s. Reconnect the app and allow it."
            ) % {"scopes": scopes}
        return allowed
