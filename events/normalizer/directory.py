"""Names from Kazoo: what the normalizer may ask about accounts, users and devices.

The listener implements `Directory` over its cache of Crossbar answers; `StaticDirectory` is the
dict-backed one for tests, the simulator's world and anything else that already has the data.
"""

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True, slots=True)
class UserInfo:
    id: str
    name: str | None
    extension: str | None = None
    email: str | None = None


@dataclass(frozen=True, slots=True)
class DeviceInfo:
    id: str
    name: str | None
    owner_id: str | None = None


class Directory(Protocol):
    def account_name(self, account_id: str) -> str | None: ...

    def user(self, account_id: str, user_id: str) -> UserInfo | None: ...

    def device(self, account_id: str, device_id: str) -> DeviceInfo | None: ...

    def user_by_extension(self, account_id: str, extension: str) -> UserInfo | None: ...


@dataclass
class StaticDirectory:
    """A Directory over plain dicts keyed by account id."""

    accounts: dict[str, str] = field(default_factory=dict)  # account id -> name
    users: dict[str, dict[str, UserInfo]] = field(default_factory=dict)
    devices: dict[str, dict[str, DeviceInfo]] = field(default_factory=dict)

    def account_name(self, account_id: str) -> str | None:
        return self.accounts.get(account_id)

    def user(self, account_id: str, user_id: str) -> UserInfo | None:
        return self.users.get(account_id, {}).get(user_id)

    def device(self, account_id: str, device_id: str) -> DeviceInfo | None:
        return self.devices.get(account_id, {}).get(device_id)

    def user_by_extension(self, account_id: str, extension: str) -> UserInfo | None:
        for user in self.users.get(account_id, {}).values():
            if user.extension == extension:
                return user
        return None

    @classmethod
    def from_world(cls, world) -> "StaticDirectory":
        """From the simulator's seeded world (kazoo_zapier.kazoo.simulator.world.World)."""
        directory = cls()
        for account in [world.master, *world.accounts]:
            directory.accounts[account.id] = account.name
            directory.users[account.id] = {
                u.id: UserInfo(u.id, u.name, u.extension, u.email) for u in account.users
            }
            directory.devices[account.id] = {
                d.id: DeviceInfo(d.id, d.name, d.owner_id) for d in account.devices
            }
        return directory
