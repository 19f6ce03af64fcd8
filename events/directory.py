"""Names from Kazoo for the normalizer: accounts, users and devices, cached from Crossbar.

The listener asks for a name with every event, so answers come from memory. An account's users
and devices are loaded together and refreshed after `ttl` seconds, so a rename in Kazoo shows
within a minute; sooner when an event names a user or device the cache does not know (someone
was just added), at most once per `miss_pause`, so that a stream of events about an unknown id
cannot turn into a stream of Crossbar calls.
"""

import logging
import threading
import time
from dataclasses import dataclass, field

from events.normalizer.directory import DeviceInfo, UserInfo
from kazoo_zapier.kazoo.crossbar import CrossbarClient
from kazoo_zapier.kazoo.errors import KazooError

logger = logging.getLogger(__name__)


@dataclass
class _AccountNames:
    name: str | None = None
    users: dict[str, UserInfo] = field(default_factory=dict)
    by_extension: dict[str, UserInfo] = field(default_factory=dict)
    devices: dict[str, DeviceInfo] = field(default_factory=dict)
    loaded_at: float = 0.0  # monotonic; 0 = never


class CrossbarDirectory:
    """Implements events.normalizer.directory.Directory over Crossbar, with a cache."""

    def __init__(
        self, crossbar: CrossbarClient, *, ttl: float = 60.0, miss_pause: float = 30.0
    ) -> None:
        self.crossbar = crossbar
        self.ttl = ttl
        self.miss_pause = miss_pause
        self._accounts: dict[str, _AccountNames] = {}
        self._lock = threading.Lock()

    # --- the Directory protocol -----------------------------------------------------------------
    def account_name(self, account_id: str) -> str | None:
        return self._names(account_id).name

    def user(self, account_id: str, user_id: str) -> UserInfo | None:
        names = self._names(account_id)
        if user_id not in names.users:
            names = self._names(account_id, missed=True)
        return names.users.get(user_id)

    def device(self, account_id: str, device_id: str) -> DeviceInfo | None:
        names = self._names(account_id)
        if device_id not in names.devices:
            names = self._names(account_id, missed=True)
        return names.devices.get(device_id)

    def user_by_extension(self, account_id: str, extension: str) -> UserInfo | None:
        return self._names(account_id).by_extension.get(extension)

    # --- cache ----------------------------------------------------------------------------------
    def forget(self, account_id: str) -> None:
        """Drop an account's names: the next question reloads them (e.g. a user was renamed)."""
        with self._lock:
            self._accounts.pop(account_id, None)

    def _names(self, account_id: str, *, missed: bool = False) -> _AccountNames:
        with self._lock:
            names = self._accounts.get(account_id)
            age = time.monotonic() - names.loaded_at if names else None
            stale = age is None or age > self.ttl or (missed and age > self.miss_pause)
            if not stale:
                return names
            # Mark the attempt first: if Crossbar fails, the pause still applies.
            if names is None:
                names = self._accounts[account_id] = _AccountNames()
            names.loaded_at = time.monotonic()
        try:
            fresh = self._load(account_id)
        except KazooError as error:
            logger.warning("could not load the names of account %s: %s", account_id, error)
            return names
        fresh.loaded_at = names.loaded_at
        with self._lock:
            self._accounts[account_id] = fresh
        return fresh

    def _load(self, account_id: str) -> _AccountNames:
        account = self.crossbar.account(account_id)
        names = _AccountNames(name=account.get("name"))
        for item in self.crossbar.users(account_id):
            full_name = " ".join(
                part for part in (item.get("first_name"), item.get("last_name")) if part
            )
            extension = _extension(item.get("presence_id"))
            user = UserInfo(
                id=item["id"],
                name=full_name or item.get("username"),
                extension=extension,
                email=item.get("email") or None,
            )
            names.users[user.id] = user
            if extension:
                names.by_extension[extension] = user
        for item in self.crossbar.devices(account_id):
            device = DeviceInfo(id=item["id"], name=item.get("name"), owner_id=item.get("owner_id"))
            names.devices[device.id] = device
        return names


def _extension(presence_id: str | None) -> str | None:
    """Kazoo's presence_id is the user's extension, sometimes written as "201@realm"."""
    if not presence_id:
        return None
    return str(presence_id).split("@", 1)[0] or None
