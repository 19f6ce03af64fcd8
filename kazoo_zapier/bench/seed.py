"""The benchmark's subscribers: the simulator's users, each with a hook per call event type.

Every hook gets its own URL on the receiver (/hook/<n>): the workers send to one URL from one
thread and pace each URL, so one shared URL would measure the pacing, not the pipeline.
"""

from django.db import transaction

from accounts.services import sync_kazoo_user
from events.catalogue import EventType
from hooks.models import Hook
from kazoo_zapier.kazoo.simulator.world import World, demo_world

CALL_TYPES = [kind for kind in EventType if kind.value.startswith("call.")]


@transaction.atomic
def seed_hooks(receiver_url: str, world: World | None = None) -> int:
    """Replace every hook by the benchmark's; returns how many there are."""
    world = world or demo_world()
    Hook.objects.all().delete()
    hooks: list[Hook] = []
    for account in world.accounts:
        for kazoo_user in account.users:
            user = sync_kazoo_user(
                {"id": account.id, "name": account.name, "enabled": True},
                {
                    "id": kazoo_user.id,
                    "username": kazoo_user.username,
                    "first_name": kazoo_user.first_name,
                    "last_name": kazoo_user.last_name,
                    "email": kazoo_user.email,
                    "priv_level": kazoo_user.priv_level,
                    "enabled": True,
                    "presence_id": kazoo_user.extension,
                },
            )
            scopes = [Hook.Scope.USER]
            if kazoo_user.priv_level == "admin":
                scopes.append(Hook.Scope.ACCOUNT)
            for scope in scopes:
                for kind in CALL_TYPES:
                    if kind.admin_only and scope == Hook.Scope.USER:
                        continue
                    hooks.append(
                        Hook(
                            owner=user,
                            account_id=account.id,
                            kazoo_user_id=kazoo_user.id,
                            event=kind.value,
                            scope=scope,
                            target_url="",
                        )
                    )
    for number, hook in enumerate(hooks):
        hook.target_url = f"{receiver_url}/hook/{number}"
    Hook.objects.bulk_create(hooks)
    return len(hooks)
