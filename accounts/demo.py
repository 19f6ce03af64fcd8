"""The demo that `make run` seeds: what a new user needs to try the service on the simulator."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from oauth2_provider.models import get_application_model

from accounts.services import sync_kazoo_user
from events.catalogue import EventType
from hooks.models import Hook
from kazoo_zapier.kazoo.simulator.world import DEMO_PASSWORD, demo_world

STAFF_USERNAME = "admin"
STAFF_PASSWORD = "admin"  # noqa: S105 - local demo only; seed_demo refuses to run in production

# A local OAuth client for trying the flow without Zapier: `zapier-platform invoke auth start`
# listens on http://localhost:9000 by default. Known credentials: local demo only.
DEMO_CLIENT_NAME = "Zapier (local demo)"
DEMO_CLIENT_ID = "demo-zapier-client"
DEMO_CLIENT_SECRET = "demo-zapier-secret"  # noqa: S105 - local demo only
DEMO_REDIRECT_URIS = ("http://localhost:9000", "http://127.0.0.1:9000")

# The demo's subscriptions deliver to the web process's own stand-in for Zapier (kazoo_zapier/demo.py).
DEMO_RECEIVER_URL = "http://127.0.0.1:8000/demo/receiver/{hook_id}/"


@dataclass(frozen=True)
class DemoCredentials:
    staff_username: str
    staff_password: str
    kazoo_account_name: str
    kazoo_usernames: tuple[str, ...]
    kazoo_password: str
    oauth_client_id: str
    oauth_client_secret: str
    oauth_redirect_uris: tuple[str, ...]


def seed_demo() -> DemoCredentials:
    """Create what is missing, change nothing that exists: running it twice is harmless."""
    if settings.PRODUCTION:
        raise RuntimeError("the demo is for local use; DJANGO_ENV is production")
    User = get_user_model()
    if not User.objects.filter(username=STAFF_USERNAME).exists():
        User.objects.create_superuser(STAFF_USERNAME, "admin@localhost", STAFF_PASSWORD)
    _seed_demo_client()
    world = demo_world()
    _seed_demo_subscriptions(world)
    return DemoCredentials(
        staff_username=STAFF_USERNAME,
        staff_password=STAFF_PASSWORD,
        kazoo_account_name=world.demo.name,
        kazoo_usernames=tuple(user.username for user in world.demo.users),
        kazoo_password=DEMO_PASSWORD,
        oauth_client_id=DEMO_CLIENT_ID,
        oauth_client_secret=DEMO_CLIENT_SECRET,
        oauth_redirect_uris=DEMO_REDIRECT_URIS,
    )


def _seed_demo_client() -> None:
    Application = get_application_model()
    if Application.objects.filter(client_id=DEMO_CLIENT_ID).exists():
        return
    Application.objects.create(
        name=DEMO_CLIENT_NAME,
        client_id=DEMO_CLIENT_ID,
        client_secret=DEMO_CLIENT_SECRET,  # hashed on save
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(DEMO_REDIRECT_URIS),
        skip_authorization=False,
    )


def _seed_demo_subscriptions(world) -> None:
    """alice, the demo account's administrator, follows every event of her account.

    She is mirrored as her first sign-in would mirror her, so the listener has an account to
    subscribe to from the start and the admin fills with events and deliveries.
    """
    account, alice = world.demo, world.demo.user_by_username("alice")
    owner = sync_kazoo_user(*kazoo_documents(account, alice))
    existing = set(
        Hook.objects.filter(
            owner=owner, target_url__startswith="http://127.0.0.1:8000/demo/"
        ).values_list("event", flat=True)
    )
    for kind in EventType:
        if kind.value in existing:
            continue
        hook = Hook.objects.create(
            owner=owner,
            account_id=account.id,
            kazoo_user_id=alice.id,
            event=kind.value,
            scope=Hook.Scope.ACCOUNT,
            target_url="http://127.0.0.1:8000/demo/",  # the real URL needs the hook's id
        )
        hook.target_url = DEMO_RECEIVER_URL.format(hook_id=hook.pk)
        hook.save(update_fields=["target_url"])


def kazoo_documents(account, user) -> tuple[dict, dict]:
    """The account and user documents Kazoo (the simulator) serves for a seeded user."""
    account_doc = {
        "id": account.id,
        "name": account.name,
        "enabled": True,
        "language": account.language,
        "timezone": account.timezone,
    }
    user_doc = {
        "id": user.id,
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "priv_level": user.priv_level,
        "enabled": user.enabled,
        "presence_id": user.extension,
        "language": user.language,
        "timezone": user.timezone,
    }
    return account_doc, user_doc
