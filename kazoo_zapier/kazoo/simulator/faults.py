"""Faults the tests switch on: failing or slow Crossbar answers, expired tokens, dropped sockets."""

import threading
from collections.abc import Callable
from dataclasses import dataclass

from kazoo_zapier.kazoo.simulator.ratelimit import RateLimit


@dataclass
class _PlannedFailure:
    status: int
    remaining: int
    path_contains: str | None


class Faults:
    """Thread-safe switches read by the Crossbar handlers; socket and token faults call back into
    the simulator (which hops onto its loop)."""

    def __init__(
        self,
        drop_sockets: Callable[[], None],
        expire_tokens: Callable[[], None],
        set_rate_limit: Callable[[RateLimit | None], None] = lambda limit: None,
        drop_replies: Callable[[int], None] = lambda count: None,
    ) -> None:
        self._drop_sockets = drop_sockets
        self._expire_tokens = expire_tokens
        self._set_rate_limit = set_rate_limit
        self._drop_replies = drop_replies
        self._lock = threading.Lock()
        self._failures: list[_PlannedFailure] = []
        self._delay = 0.0

    def drop_sockets(self) -> None:
        """Close every Blackhole socket abruptly (no close frame), as a network cut would."""
        self._drop_sockets()

    def expire_tokens(self) -> None:
        """Every token issued so far answers 401 "token expired" (Blackhole: failed to authenticate)."""
        self._expire_tokens()

    def rate_limit(self, limit: RateLimit | None) -> None:
        """Blackhole's bucket for the sockets opened from now on (None: no limit); reset() goes
        back to the simulator's own."""
        self._set_rate_limit(limit)

    def drop_replies(self, count: int = 1) -> None:
        """The next `count` Blackhole replies are never sent, as 4.3 drops what it would send to
        a socket with more than 50 messages queued (REFERENCE.md §1.5)."""
        self._drop_replies(count)

    def fail_next(
        self, status: int = 500, count: int = 1, path_contains: str | None = None
    ) -> None:
        with self._lock:
            self._failures.append(_PlannedFailure(status, count, path_contains))

    def delay(self, seconds: float) -> None:
        with self._lock:
            self._delay = max(0.0, float(seconds))

    def clear(self) -> None:
        with self._lock:
            self._failures.clear()
            self._delay = 0.0

    # --- read by the Crossbar server ------------------------------------------------------------
    def take_failure(self, path: str) -> int | None:
        """The status this request must fail with, consuming one planned failure, or None."""
        with self._lock:
            for failure in self._failures:
                if failure.path_contains is None or failure.path_contains in path:
                    failure.remaining -= 1
                    if failure.remaining <= 0:
                        self._failures.remove(failure)
                    return failure.status
        return None

    @property
    def current_delay(self) -> float:
        with self._lock:
            return self._delay
