"""Which accounts anybody wants events of: the listener asks, the apps built on events answer.

The listener subscribes Blackhole and polls ACDC only for accounts somebody wants. Who wants what
is the subscribers' business (the hooks app): it registers an `Interest` when Django starts, and
the events app never imports it. With none registered, nobody wants anything.
"""

from typing import Protocol


class Interest(Protocol):
    def accounts(self) -> list[str]:
        """Accounts wanted, the most wanted first (after a reconnect they are subscribed in
        this order)."""

    def call_centre_accounts(self) -> set[str]:
        """Accounts that want queue or agent events (EventType.is_call_centre)."""


class _Nobody:
    def accounts(self) -> list[str]:
        return []

    def call_centre_accounts(self) -> set[str]:
        return set()


_interest: Interest = _Nobody()


def register(interest: Interest) -> None:
    global _interest
    _interest = interest


def wanted_accounts() -> list[str]:
    return _interest.accounts()


def call_centre_accounts() -> set[str]:
    return _interest.call_centre_accounts()
