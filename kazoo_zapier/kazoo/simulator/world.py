"""The simulator's seeded Kazoo data: the provider's master account and its customer accounts.

Ids are fixed 32-hex strings so that the demo, the tests and the benchmark can name them. The
provider's API key authenticates as the master account; customer accounts are its descendants,
as on a real reseller install, so one Blackhole connection may subscribe to all of them.
"""

import hashlib
from dataclasses import dataclass, field

from django.conf import settings

from kazoo_zapier.kazoo.crossbar import md5_credentials  # noqa: F401 - the simulator checks with it


def kazoo_id(label: str) -> str:
    """A stable 32-hex id, the shape of Kazoo's CouchDB ids."""
    return hashlib.md5(label.encode(), usedforsecurity=False).hexdigest()


@dataclass(frozen=True)
class Device:
    id: str
    name: str
    owner_id: str
    sip_username: str
    device_type: str  # sip_device | softphone | mobile
    registered: bool = True


@dataclass(frozen=True)
class User:
    id: str
    username: str
    password: str
    first_name: str
    last_name: str
    email: str
    extension: str
    priv_level: str  # "admin" | "user"
    enabled: bool = True
    language: str = ""  # Kazoo's tag, e.g. "de-DE"; "" leaves it to the account
    timezone: str = "inherit"  # an IANA zone, or the account's

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class RingGroup:
    id: str
    name: str
    extension: str
    member_ids: tuple[str, ...]  # user ids


@dataclass(frozen=True)
class Queue:
    id: str
    name: str
    extension: str
    agent_ids: tuple[str, ...]  # user ids


@dataclass
class Account:
    id: str
    name: str
    realm: str
    parent_id: str | None
    main_number: str = ""  # E.164 DID that reaches the account's ring group
    language: str = "en-US"
    timezone: str = "inherit"  # an IANA zone, or the parent's
    users: list[User] = field(default_factory=list)
    devices: list[Device] = field(default_factory=list)
    ring_groups: list[RingGroup] = field(default_factory=list)
    queues: list[Queue] = field(default_factory=list)
    parking_slots: tuple[str, ...] = ()

    def user(self, user_id: str) -> User:
        return next(u for u in self.users if u.id == user_id)

    def user_by_username(self, username: str) -> User | None:
        return next((u for u in self.users if u.username == username.lower()), None)

    def devices_of(self, user_id: str) -> list[Device]:
        return [d for d in self.devices if d.owner_id == user_id]

    def device(self, device_id: str) -> Device:
        return next(d for d in self.devices if d.id == device_id)


@dataclass
class World:
    master: Account
    accounts: list[Account]  # customer accounts, descendants of master
    api_key: str

    @property
    def demo(self) -> Account:
        return self.accounts[0]

    @property
    def other(self) -> Account:
        return self.accounts[1]

    def account(self, account_id: str) -> Account | None:
        return next((a for a in [self.master, *self.accounts] if a.id == account_id), None)

    def account_by_name(self, name: str) -> Account | None:
        wanted = name.strip().lower()
        return next((a for a in [self.master, *self.accounts] if a.name.lower() == wanted), None)

    def is_descendant(self, ancestor_id: str, account_id: str) -> bool:
        """Kazoo's is_in_account_hierarchy(Ancestor, Account, IncludeSelf=true)."""
        if ancestor_id == account_id:
            return True
        account = self.account(account_id)
        while account is not None and account.parent_id is not None:
            if account.parent_id == ancestor_id:
                return True
            account = self.account(account.parent_id)
        return False


DEMO_PASSWORD = "demo-password"  # noqa: S105 - the simulator's published demo credentials


def demo_world() -> World:
    """The provider, a demo customer with an office, and another customer for tenancy tests."""
    master = Account(
        id=kazoo_id("account:master"),
        name="Example Telecom",
        realm="sip.example.net",
        parent_id=None,
        timezone="Europe/Berlin",  # the customers' accounts inherit it
    )

    demo_id = kazoo_id("account:demo")
    alice = User(
        kazoo_id("user:alice"),
        "alice",
        DEMO_PASSWORD,
        "Alice",
        "Admin",
        "alice@demo.example.com",
        "201",
        "admin",
    )
    bob = User(
        kazoo_id("user:bob"),
        "bob",
        DEMO_PASSWORD,
        "Bob",
        "Berger",
        "bob@demo.example.com",
        "202",
        "user",
    )
    carol = User(
        kazoo_id("user:carol"),
        "carol",
        DEMO_PASSWORD,
        "Carol",
        "Clark",
        "carol@demo.example.com",
        "203",
        "user",
    )
    demo = Account(
        id=demo_id,
        name="Demo Company",
        realm="demo.sip.example.net",
        parent_id=master.id,
        main_number="+4930555010",
        timezone="Europe/Berlin",  # Other Ltd inherits the provider's instead
        users=[alice, bob, carol],
        devices=[
            Device(
                kazoo_id("device:alice-desk"),
                "Alice Desk Phone",
                alice.id,
                "alice_desk",
                "sip_device",
            ),
            Device(
                kazoo_id("device:alice-soft"),
                "Alice Softphone",
                alice.id,
                "alice_soft",
                "softphone",
            ),
            Device(kazoo_id("device:bob-desk"), "Bob Desk Phone", bob.id, "bob_desk", "sip_device"),
            Device(kazoo_id("device:bob-soft"), "Bob Softphone", bob.id, "bob_soft", "softphone"),
            Device(
                kazoo_id("device:carol-desk"),
                "Carol Desk Phone",
                carol.id,
                "carol_desk",
                "sip_device",
            ),
            # Carol's mobile app is installed but offline: quickcall to it must fail.
            Device(
                kazoo_id("device:carol-mobile"),
                "Carol Mobile App",
                carol.id,
                "carol_mobile",
                "softphone",
                registered=False,
            ),
        ],
        ring_groups=[
            RingGroup(kazoo_id("ringgroup:sales"), "Sales", "500", (alice.id, bob.id, carol.id))
        ],
        queues=[Queue(kazoo_id("queue:support"), "Support", "600", (bob.id, carol.id))],
        parking_slots=("1", "2", "3"),
    )

    dave = User(
        kazoo_id("user:dave"),
        "dave",
        DEMO_PASSWORD,
        "Dave",
        "Other",
        "dave@other.example.com",
        "201",
        "admin",
    )
    other = Account(
        id=kazoo_id("account:other"),
        name="Other Ltd",
        realm="other.sip.example.net",
        parent_id=master.id,
        main_number="+4940555020",
        users=[dave],
        devices=[
            Device(
                kazoo_id("device:dave-desk"), "Dave Desk Phone", dave.id, "dave_desk", "sip_device"
            )
        ],
    )
    return World(master=master, accounts=[demo, other], api_key=settings.KAZOO_SIMULATOR_API_KEY)
