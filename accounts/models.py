"""Kazoo accounts and users, mirrored locally from Kazoo at sign-in and on token refresh.

Kazoo stays the source of truth: these rows are a cache that lets the API answer `/me`, lets the
hooks and calls apps scope what a token may see, and lets staff see who is connected and why
someone lost access. A Django user with a `kazoo` profile is a Kazoo user; staff users (the admin)
are plain Django users without one.
"""

from django.conf import settings
from django.db import models


class KazooAccount(models.Model):
    kazoo_id = models.CharField("Kazoo account id", max_length=32, unique=True)
    name = models.CharField(max_length=200)
    language = models.CharField(
        max_length=35, blank=True, help_text='Kazoo\'s language for the account, e.g. "de-DE".'
    )
    created = models.DateTimeField(auto_now_add=True)
    last_synced = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "Kazoo account"

    def __str__(self) -> str:
        return self.name


class KazooUser(models.Model):
    """The Kazoo side of a Django user: who they are in Kazoo, and whether they still are."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="kazoo"
    )
    account = models.ForeignKey(KazooAccount, on_delete=models.PROTECT, related_name="users")
    kazoo_id = models.CharField("Kazoo user id", max_length=32, unique=True)
    username = models.CharField("Kazoo username", max_length=200)
    name = models.CharField(max_length=200, blank=True)
    email = models.CharField(max_length=254, blank=True)
    extension = models.CharField(max_length=40, blank=True)
    language = models.CharField(
        max_length=35,
        blank=True,
        help_text="The user's own language in Kazoo, e.g. \"de-DE\"; blank: the account's.",
    )
    timezone = models.CharField(
        "time zone",
        max_length=64,
        blank=True,
        help_text="As Kazoo resolves it: the user's, else the account's and its parents'.",
    )
    is_admin = models.BooleanField(
        "Kazoo administrator", default=False, help_text='Kazoo priv_level is "admin".'
    )
    is_active = models.BooleanField(
        default=True, help_text="Enabled in Kazoo when last checked (at sign-in or token refresh)."
    )
    last_synced = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(
        max_length=200,
        blank=True,
        help_text="Why this user lost access, e.g. disabled or deleted in Kazoo.",
    )

    class Meta:
        ordering = ["account__name", "username"]
        verbose_name = "Kazoo user"

    def __str__(self) -> str:
        return f"{self.name or self.username} ({self.account.name})"

    @property
    def kazoo_language(self) -> str:
        """The user's language tag, else the account's ("" when Kazoo names none)."""
        return self.language or self.account.language

    @property
    def zone_name(self) -> str:
        """The IANA zone this user's times are shown in."""
        return self.timezone or settings.TIME_ZONE
