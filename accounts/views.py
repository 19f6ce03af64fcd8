"""The branded pages: sign-in, consent, the connect page, errors."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, LogoutView, redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST
from oauth2_provider.models import get_application_model
from oauth2_provider.views import AuthorizationView

from accounts.forms import KazooSignInForm, oauth_request_of
from accounts.services import authorized_applications, kazoo_profile, revoke_tokens


class SignInView(LoginView):
    template_name = "accounts/login.html"
    authentication_form = KazooSignInForm

    def get_default_redirect_url(self) -> str:
        return settings.LOGIN_REDIRECT_URL

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        return {**context, **sign_in_context(context.get("next") or "")}


def sign_in_context(next_url: str) -> dict[str, Any]:
    """Who asks when the sign-in is a step of an OAuth flow, and the way back to them."""
    return {"oauth_request": oauth_request_of(next_url)}


def home(request: HttpRequest) -> HttpResponse:
    """`/`: what this is, and where to go (the connect page, the API docs, the admin for staff)."""
    return render(request, "home.html", {"zapier_app_url": settings.ZAPIER_APP_URL})


class SignOutView(LogoutView):
    next_page = "connect"


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """django-axes' lock-out answer: the sign-in page again, branded, saying why (429).

    The form keeps the account name and username (never the password) so the user sees whose
    sign-in is paused.
    """
    posted = request.POST if request.method == "POST" else {}
    initial = {key: posted.get(key, "") for key in ("account_name", "username")}
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {
        "form": KazooSignInForm(request, initial=initial),
        "locked_out": ngettext(
            "Too many failed sign-ins for this user. For your security, sign-in is paused for "
            "%(minutes)d minute; try again later.",
            "Too many failed sign-ins for this user. For your security, sign-in is paused for "
            "%(minutes)d minutes; try again later.",
            minutes,
        )
        % {"minutes": minutes},
        "next": posted.get("next") or request.GET.get("next", ""),
    }
    context |= sign_in_context(context["next"])
    return render(request, "accounts/login.html", context, status=429)


class ConsentView(AuthorizationView):
    """django-oauth-toolkit's authorization view, for Kazoo users only.

    A token must speak for a Kazoo user; a staff session (the admin) is sent to the Kazoo sign-in.
    """

    template_name = "oauth2_provider/authorize.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        return {**context, "admin_powers": admin_powers(context.get("scopes") or [])}

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and kazoo_profile(request.user) is None:
            logout(request)
            return redirect_to_login(request.get_full_path())
        return super().dispatch(request, *args, **kwargs)


# What an app connected with a scope may do, as the connect page says it ("may place calls").
SCOPE_POWERS = {
    "events": gettext_lazy("receive your call events"),
    "calls": gettext_lazy("place calls"),
    "settings": gettext_lazy("change your call forwarding"),
    "callcentre": gettext_lazy("log you in and out of your queues"),
    "sms": gettext_lazy("send SMS"),
}


def scope_powers(scopes: list[str]) -> str:
    """"receive your call events and place calls", in the active language."""
    return get_text_list([str(SCOPE_POWERS.get(scope, scope)) for scope in scopes], _("and"))


def admin_powers(scopes: list[str]) -> str:
    """What an administrator's consent adds, as the consent page says it, in the active language."""
    powers = [
        _("receive the calls of everyone in the account")
        if "events" in scopes
        else _("act for everyone in the account")
    ]
    if "settings" in scopes:
        powers.append(_("change their call forwarding"))
    if "callcentre" in scopes:
        powers.append(_("log agents in and out"))
    if "sms" in scopes:
        powers.append(_("send SMS from any of its numbers"))
    return ", ".join(powers)


def connect(request: HttpRequest) -> HttpResponse:
    """The page the provider's portal links to: what the integration does, and your apps."""
    profile = kazoo_profile(request.user)
    context = {
        "profile": profile,
        "zapier_app_url": settings.ZAPIER_APP_URL,
        "authorized": [
            {**item, "powers": scope_powers(item["scopes"])}
            for item in (authorized_applications(request.user) if profile else [])
        ],
    }
    return render(request, "accounts/connect.html", context)


@require_POST
@login_required
def revoke_application(request: HttpRequest, application_id: int) -> HttpResponse:
    application = get_object_or_404(get_application_model(), pk=application_id)
    if revoke_tokens(request.user, application):
        messages.success(
            request, _("%(app)s is disconnected.") % {"app": application.name}
        )
    return redirect("connect")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    response = render(request, "errors/404.html", status=404)
    response.branded = True  # type: ignore[attr-defined]  # kazoo_zapier/errors.py
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    # Django's default renders 500.html without the request, so the page would lose the branding.
    return render(request, "errors/500.html", status=500)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/400.html", status=400)
