"""django-oauth-toolkit's validator, plus the one thing Kazoo adds: users can lose access.

OAUTH2_PROVIDER["OAUTH2_VALIDATOR_CLASS"] points here. Everything else is DOT as it is.
"""

import logging

from oauth2_provider.oauth2_validators import OAuth2Validator
from oauthlib.oauth2.rfc6749 import errors

from accounts.services import cut_off_user, kazoo_profile, recheck_kazoo_user
from kazoo_zapier.kazoo.errors import KazooError

logger = logging.getLogger(__name__)


class KazooUnavailable(errors.OAuth2Error):
    """RFC 6749's temporarily_unavailable, as a 503: "try later", not "your grant is bad"."""

    error = "temporarily_unavailable"
    status_code = 503


class KazooOAuth2Validator(OAuth2Validator):
    def validate_refresh_token(self, refresh_token, client, request, *args, **kwargs) -> bool:
        """On every refresh, ask Kazoo whether the user still exists and is enabled.

        A user disabled or deleted in Kazoo is cut off here at the latest (their tokens are
        revoked, the reason is kept for staff). If Kazoo cannot be asked, the refresh fails as
        "temporarily unavailable" (503): Zapier retries later, and the connection is neither
        extended on a guess nor broken for good.
        """
        if not super().validate_refresh_token(refresh_token, client, request, *args, **kwargs):
            return False
        profile = kazoo_profile(request.user)
        if profile is None or not request.user.is_active or not profile.is_active:
            return False
        try:
            reason = recheck_kazoo_user(profile)
        except KazooError as error:
            logger.warning("Cannot re-check Kazoo user %s on refresh: %s", profile.kazoo_id, error)
            raise KazooUnavailable(
                description="The phone system cannot be reached; try again later.",
                request=request,
            ) from error
        if reason is not None:
            cut_off_user(profile, reason)
            return False
        return True

    def validate_bearer_token(self, token, scopes, request) -> bool:
        """DOT's check, and the user must still be active (staff can switch a user off)."""
        if not super().validate_bearer_token(token, scopes, request):
            return False
        user = request.user
        if user is None or not user.is_active:
            request.oauth2_error = {
                "error": "invalid_token",
                "error_description": "The user of this token has no access any more.",
            }
            return False
        return True
