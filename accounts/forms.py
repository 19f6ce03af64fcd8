"""The sign-in form: Kazoo account name, username and password."""

from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.http import HttpRequest

from kazoo_zapier.kazoo.errors import KazooError

BAD_CREDENTIALS = "The account name, username or password is not correct."
KAZOO_UNREACHABLE = "We cannot reach the phone system right now; try again in a minute."


class KazooSignInForm(forms.Form):
    """Shaped like Django's AuthenticationForm (request first, get_user()) for LoginView."""

    account_name = forms.CharField(
        label="Account name",
        max_length=200,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "organization"}),
    )
    username = forms.CharField(
        label="Username",
        max_length=200,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    password = forms.CharField(
        label="Password",
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
            raise forms.ValidationError(KAZOO_UNREACHABLE, code="kazoo_unreachable") from None
        if self.user_cache is None:
            raise forms.ValidationError(BAD_CREDENTIALS, code="invalid_login")
        return cleaned

    def get_user(self):
        return self.user_cache
