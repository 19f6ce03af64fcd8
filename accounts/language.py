"""Which language a page or an API answer speaks (issue 18).

Pages, in this order: the language picked with the switcher (Django's language cookie, set by
`set_language`), the signed-in Kazoo user's language (their own, else their account's, as Kazoo
records it), the browser's Accept-Language, LANGUAGE_CODE. URLs carry no language prefix.

The API's bearer tokens are authenticated by DRF inside the view, after every middleware: the
authentication class below switches to the token owner's language there, so a German user's
Zap reads German errors whatever language Zapier's servers ask for.
"""

from typing import Any

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from drf_spectacular.contrib.django_oauth_toolkit import DjangoOAuthToolkitScheme
from oauth2_provider.contrib.rest_framework import OAuth2Authentication

from accounts.preferences import supported_language
from accounts.services import kazoo_profile


def user_language(user: Any) -> str | None:
    """The Kazoo user's language as one of ours, or None (staff, anonymous, an unknown tag)."""
    profile = kazoo_profile(user)
    return supported_language(profile.kazoo_language) if profile is not None else None


def chosen_language(request: Any) -> str | None:
    """The switcher's choice, kept in the language cookie, if it names one of our languages."""
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if not cookie:
        return None
    try:
        return translation.get_supported_language_variant(cookie)
    except LookupError:
        return None


def page_language(request: Any) -> str:
    return (
        chosen_language(request)
        or user_language(getattr(request, "user", None))
        # Django's own order from here: cookie (already refused), Accept-Language, LANGUAGE_CODE.
        or translation.get_language_from_request(request)
    )


class UserLanguageMiddleware(LocaleMiddleware):
    """LocaleMiddleware with the Kazoo user's language between the cookie and the browser's.

    Must come after AuthenticationMiddleware. Its response half is LocaleMiddleware's own
    (Content-Language, Vary: Accept-Language); then the thread goes back to LANGUAGE_CODE, so a
    German request leaves nothing German behind for whatever this thread runs next.
    """

    def process_request(self, request):
        translation.activate(page_language(request))
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        try:
            return super().process_response(request, response)
        finally:
            translation.deactivate()


class OAuth2UserLanguageAuthentication(OAuth2Authentication):
    """DOT's bearer-token authentication, then the token owner's language for the rest."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            language = user_language(result[0])
            if language:
                translation.activate(language)
                request.LANGUAGE_CODE = language
        return result


class OAuth2UserLanguageScheme(DjangoOAuthToolkitScheme):
    """The OpenAPI schema's oauth2 scheme for the class above, as for DOT's own (drf-spectacular
    matches extensions by exact class)."""

    target_class = "accounts.language.OAuth2UserLanguageAuthentication"
