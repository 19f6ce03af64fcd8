"""Spending Blackhole messages no faster than Kazoo gives them back (REFERENCE.md §1.7).

Kazoo 4.3 charges every message a client sends on a socket to that socket's token bucket:
100 tokens to start with, 10 more each second (added in one block per second), and a message
finding the bucket empty is refused with "rate limiting threshold hit for <ip:port>!". A new
socket gets a new, full bucket (it is named after the client's ip:port).

The client keeps its own estimate of that bucket and sends only what it holds. The estimate
refills smoothly while Kazoo's refills in blocks, so it is kept `reserve` tokens below Kazoo's:
smooth refill is never more than one block ahead of block refill. After a refusal Kazoo's
bucket is known to be empty: the estimate drops below zero by the reserve, so the next message
waits for a block that has surely come.
"""

import threading
import time

KAZOO_MAX_TOKENS = 100
KAZOO_FILL_RATE = 10.0  # tokens per second
RATE_LIMITED = "rate limiting threshold hit for "  # blackhole_socket_callback.erl rate/3


def is_rate_limited(errors: list[str]) -> bool:
    """Whether a refusal is Kazoo's bucket saying "later", not "never"."""
    return bool(errors) and all(error.startswith(RATE_LIMITED) for error in errors)


class Pacer:
    """A token bucket mirrored on the client side; thread-safe."""

    def __init__(
        self,
        max_tokens: int = KAZOO_MAX_TOKENS,
        fill_rate: float = KAZOO_FILL_RATE,
        *,
        reserve: int | None = None,
        clock=time.monotonic,
    ) -> None:
        if max_tokens < 1 or fill_rate <= 0:
            raise ValueError("a Blackhole rate limit needs a positive size and refill rate")
        self.fill_rate = float(fill_rate)
        # One block of Kazoo's refill, but never the whole bucket.
        default_reserve = min(int(fill_rate) or 1, max_tokens // 2)
        self.reserve = default_reserve if reserve is None else reserve
        self.capacity = max(1, max_tokens - self.reserve)
        self._clock = clock
        self._lock = threading.Lock()
        self._tokens = float(self.capacity)
        self._at = clock()
        self.spent = 0

    def reset(self) -> None:
        """A new socket: Kazoo starts a new, full bucket for it."""
        with self._lock:
            self._tokens = float(self.capacity)
            self._at = self._clock()

    def available(self) -> int:
        """Whole messages that may be sent now."""
        with self._lock:
            self._refill()
            return max(0, int(self._tokens))

    def spend(self, count: int = 1) -> None:
        """Record messages sent (whether or not they were counted in `available`: pings)."""
        with self._lock:
            self._refill()
            self._tokens -= count
            self.spent += count

    def drain(self) -> None:
        """Kazoo refused a message: its bucket is empty now."""
        with self._lock:
            self._refill()
            self._tokens = min(self._tokens, -float(self.reserve))

    def seconds_until(self, count: int = 1) -> float:
        """How long until `count` messages may be sent."""
        with self._lock:
            self._refill()
            missing = count - self._tokens
            return max(0.0, missing / self.fill_rate)

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self.capacity, self._tokens + (now - self._at) * self.fill_rate)
        self._at = now
