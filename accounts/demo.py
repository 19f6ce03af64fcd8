"""The demo that `make run` seeds: what a new user needs to try the service on the simulator."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model

from kazoo_zapier.kazoo.simulator.world import DEMO_PASSWORD, demo_world

STAFF_USERNAME = "admin"
STAFF_PASSWORD = "admin"  # noqa: S105 - local demo only; seed_demo refuses to run in production


@dataclass(frozen=True)
class DemoCredentials:
    staff_username: str
    staff_password: str
    kazoo_account_name: str
    kazoo_usernames: tuple[str, ...]
    kazoo_password: str


def seed_demo() -> DemoCredentials:
    """Create what is missing, change nothing that exists: running it twice is harmless."""
    if settings.PRODUCTION:
        raise RuntimeError("the demo is for local use; DJANGO_ENV is production")
    User = get_user_model()
    if not User.objects.filter(username=STAFF_USERNAME).exists():
        User.objects.create_superuser(STAFF_USERNAME, "admin@localhost", STAFF_PASSWORD)
    world = demo_world()
    return DemoCredentials(
        staff_username=STAFF_USERNAME,
        staff_password=STAFF_PASSWORD,
        kazoo_account_name=world.demo.name,
        kazoo_usernames=tuple(user.username for user in world.demo.users),
        kazoo_password=DEMO_PASSWORD,
    )
