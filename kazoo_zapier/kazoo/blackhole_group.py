"""Several Blackhole sockets held as one: each has its own token bucket in Kazoo (it is named after
the socket's ip:port), so n sockets subscribe n times as many accounts a second.

Accounts are spread over the sockets by a stable hash of the account id: an account always uses
the same socket (its events arrive in order, on one dispatcher) and the spread does not depend
on which other accounts exist. The group offers the one-socket client's interface the listener
uses: set_subscriptions, snapshot (merged), start, stop.
"""

import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import Any

from kazoo_zapier.kazoo.blackhole import BlackholeClient, BlackholeStatus, Pair


def account_hash(account_id: str) -> int:
    """Stable across processes and Python versions (unlike hash())."""
    return zlib.crc32(account_id.encode())


def socket_index(account_id: str, sockets: int, *, shards: int = 1) -> int:
    """Which of `sockets` an account uses; the part of the hash the shard used is skipped, so a
    listener holding one shard of the accounts still spreads them over all its sockets."""
    return (account_hash(account_id) // max(1, shards)) % sockets


class BlackholeGroup:
    def __init__(
        self,
        urls: Sequence[str],
        token_provider: Callable[[], str],
        on_event: Callable[[dict[str, Any]], None],
        *,
        sockets: int = 1,
        shards: int = 1,
        **options: Any,
    ) -> None:
        if not urls:
            raise ValueError("at least one Blackhole URL is needed")
        count = max(int(sockets), len(urls))
        self.shards = shards
        self.clients = [
            BlackholeClient(urls[index % len(urls)], token_provider, on_event, **options)
            for index in range(count)
        ]

    @property
    def url(self) -> str:
        return ", ".join(dict.fromkeys(client.url for client in self.clients))

    def set_subscriptions(self, pairs: Iterable[Pair]) -> None:
        """The wanted pairs, in order; each socket gets its accounts' pairs in the same order."""
        per_socket: list[list[Pair]] = [[] for _ in self.clients]
        count = len(self.clients)
        for account, binding in pairs:
            per_socket[socket_index(account, count, shards=self.shards)].append((account, binding))
        for client, wanted in zip(self.clients, per_socket, strict=True):
            client.set_subscriptions(wanted)

    def snapshots(self) -> list[BlackholeStatus]:
        return [client.snapshot() for client in self.clients]

    def snapshot(self) -> BlackholeStatus:
        """All sockets as one: connected only if every socket is; counts summed."""
        statuses = self.snapshots()
        if len(statuses) == 1:
            return statuses[0]
        first = statuses[0]
        waits = [s.oldest_pending_seconds for s in statuses if s.oldest_pending_seconds is not None]
        last_frames = [s.last_frame_at for s in statuses if s.last_frame_at is not None]
        since = [s.connected_since for s in statuses if s.connected_since is not None]
        errors = [s.last_error for s in statuses if s.last_error]
        rejected: dict[str, int] = {}
        for status in statuses:
            for reason, count in status.rejected.items():
                rejected[reason] = rejected.get(reason, 0) + count
        return replace(
            first,
            connected=all(s.connected for s in statuses),
            connected_since=min(since) if len(since) == len(statuses) else None,
            reconnects=sum(s.reconnects for s in statuses),
            last_frame_at=max(last_frames) if last_frames else None,
            frames_received=sum(s.frames_received for s in statuses),
            events_dispatched=sum(s.events_dispatched for s in statuses),
            consumer_errors=sum(s.consumer_errors for s in statuses),
            queue_depth=sum(s.queue_depth for s in statuses),
            rejected=rejected,
            subscriptions={k: v for s in statuses for k, v in s.subscriptions.items()},
            subscription_errors={k: v for s in statuses for k, v in s.subscription_errors.items()},
            last_error=errors[-1] if errors else None,
            accounts={k: v for s in statuses for k, v in s.accounts.items()},
            oldest_pending_seconds=max(waits) if waits else None,
            rate_limited=sum(s.rate_limited for s in statuses),
            resent=sum(s.resent for s in statuses),
            messages_sent=sum(s.messages_sent for s in statuses),
        )

    def start(self) -> "BlackholeGroup":
        for client in self.clients:
            client.start()
        return self

    def dead_threads(self) -> list[str]:
        return [name for client in self.clients for name in client.dead_threads()]

    def stop(self, timeout: float = 5.0) -> bool:
        return all([client.stop(timeout) for client in self.clients])
