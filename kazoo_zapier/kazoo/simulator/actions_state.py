"""The state Zapier's actions change in the simulated Kazoo: agents' queues, user-document edits
(call forwarding, Do Not Disturb), the SMS set-up and the messages sent.

Part of LiveState (reset with it); only the simulator's loop thread touches it.
"""

from dataclasses import dataclass, field
from typing import Any

from kazoo_zapier.kazoo.simulator.world import Account, User, World

# What a user document's call_forward holds when nobody set it (users.json schema defaults).
CALL_FORWARD_DEFAULTS = {
    "enabled": False,
    "keep_caller_id": True,
    "require_keypress": True,
    "direct_calls_only": False,
    "substitute": True,
    "failover": False,
    "ignore_early_media": True,
}


def merge_patch(doc: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """kz_json:merge with merge_left as Crossbar's PATCH does: objects merge key by key, the
    request wins, and a null removes the key."""
    merged = dict(doc)
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge_patch(merged[key], value)
        else:
            merged[key] = value
    return merged


@dataclass
class SmsSetup:
    """What cb_sms checks before it sends (REFERENCE §8.5), per account; tests switch them."""

    account_enabled: bool = True
    sms_enabled: bool = True
    good_standing: bool = True
    reseller_sms_enabled: bool = True
    reseller_good_standing: bool = True
    numbers_without_sms: set[str] = field(default_factory=set)


def _queues_by_agent(account: Account) -> dict[str, list[str]]:
    queues: dict[str, list[str]] = {}
    for queue in account.queues:
        for agent in queue.agent_ids:
            queues.setdefault(agent, []).append(queue.id)
    return queues


class ActionsState:
    def __init__(self, world: World) -> None:
        self.world = world
        # account -> agent (user id) -> the queue ids on their user document (`queues`).
        self.agent_queues: dict[str, dict[str, list[str]]] = {
            account.id: _queues_by_agent(account) for account in world.accounts
        }
        # account -> user id -> what PATCHes merged into the seeded document.
        self.user_edits: dict[str, dict[str, dict[str, Any]]] = {}
        self.pause_timers: dict[tuple[str, str], Any] = {}  # (account, agent) -> TimerHandle
        self.sms_setup: dict[str, SmsSetup] = {a.id: SmsSetup() for a in world.accounts}
        self.sms_sent: list[dict[str, Any]] = []

    def cancel_timers(self) -> None:
        for handle in self.pause_timers.values():
            handle.cancel()
        self.pause_timers.clear()

    def user_doc(self, account: Account, user: User, seeded: dict[str, Any]) -> dict[str, Any]:
        """The user document as Crossbar serves it: the seeded one with every PATCH merged in."""
        doc = merge_patch(seeded, self.user_edits.get(account.id, {}).get(user.id, {}))
        doc["call_forward"] = {**CALL_FORWARD_DEFAULTS, **(doc.get("call_forward") or {})}
        doc["queues"] = list(self.agent_queues.get(account.id, {}).get(user.id, []))
        return doc

    def edit_user(self, account_id: str, user_id: str, patch: dict[str, Any]) -> None:
        edits = self.user_edits.setdefault(account_id, {})
        edits[user_id] = merge_patch(edits.get(user_id, {}), patch)

    def call_forward(self, account: Account, user: User) -> dict[str, Any]:
        edits = self.user_edits.get(account.id, {}).get(user.id, {})
        return {**CALL_FORWARD_DEFAULTS, **(edits.get("call_forward") or {})}

    def with_user_settings(self, name: str, params: dict[str, Any]) -> dict[str, Any]:
        """A scenario's parameters with the settings of the user it calls, where it reads them:
        inbound_to_user rings where the user's call forwarding says."""
        if name != "inbound_to_user" or "call_forward" in params:
            return params
        account = self.world.account(str(params.get("account_id") or self.world.demo.id))
        if account is None or not account.users:
            return params
        user_id = params.get("user_id")
        user = next((u for u in account.users if u.id == user_id), None)
        if user is None:
            user = account.users[min(1, len(account.users) - 1)]
        return {**params, "call_forward": self.call_forward(account, user)}
