"""The sign-in form: Kazoo account name, username and password."""

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from django import forms
from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from oauth2_provider.models import get_application_model

from kazoo_zapier.kazoo.errors import KazooError

# In English here (tests compare with them); translated as they are raised.
BAD_CREDENTIALS = gettext_noop("The account name, username or password is not correct.")
KAZOO_UNREACHABLE = gettext_noop(
    "We cannot reach the phone system right now; try again in a minute."
)


class KazooSignInForm(forms.Form):
    """Shaped like Django's AuthenticationForm (request first, get_user()) for LoginView."""

    account_name = forms.CharField(
        label=_("Account name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "organization"}),
    )
    username = forms.CharField(
        label=_("Username"),
        max_length=200,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, request: HttpRequest | None = None, *args: Any, **kwargs: Any) -> None:
        self.request = request
        self.user_cache = None
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        account_name = cleaned.get("account_name")
        username = cleaned.get("username")
        password = cleaned.get("password")
        if not (account_name and username and password):
            return cleaned
        try:
            self.user_cache = authenticate(
                self.request, account_name=account_name, username=username, password=password
            )
        except KazooError:
            raise forms.ValidationError(gettext(KAZOO_UNREACHABLE), code="kazoo_unreachable") from None
        if self.user_cache is None:
            raise forms.ValidationError(gettext(BAD_CREDENTIALS), code="invalid_login")
        return cleaned

    def get_user(self):
        return self.user_cache


@dataclass(frozen=True)
class OAuthRequest:
    """The app that sent the user to sign in (an /oauth/authorize/ link), and how to go back."""

    app_name: str
    cancel_url: str  # the app's redirect URI with error=access_denied, as OAuth says to cancel


def oauth_request_of(next_url: str) -> OAuthRequest | None:
    """The OAuth request inside a sign-in's `next`, if it names a registered app; else None.

    Only a redirect URI registered for the app is used as the way back: `next` comes from the
    address bar, and an unchecked URI would make the sign-in page an open redirect.
    """
    parts = urlsplit(next_url or "")
    if parts.scheme or parts.netloc or parts.path != reverse("oauth2_provider:authorize"):
        return None
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    client_id = query.get("client_id", "")
    app = get_application_model().objects.filter(client_id=client_id).first() if client_id else None
    if app is None:
        return None
    redirect_uri = query.get("redirect_uri") or app.default_redirect_uri
    cancel = ""
    if redirect_uri and app.redirect_uri_allowed(redirect_uri):
        answer = {"error": "access_denied"} | (
            {"state": query["state"]} if "state" in query else {}
        )
        cancel = f"{redirect_uri}{'&' if '?' in redirect_uri else '?'}{urlencode(answer)}"
    return OAuthRequest(app_name=app.name, cancel_url=cancel)
