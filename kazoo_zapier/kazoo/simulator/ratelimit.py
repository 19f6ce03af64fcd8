"""Blackhole's per-socket token bucket, as Kazoo 4.3 keeps it (REFERENCE.md §1.7).

`blackhole_socket_callback:rate/3` takes one token from the bucket named after the socket's
`ip:port` for every text frame the client sends, before anything else is looked at (so a refused
message does not authenticate either). The bucket (`kz_token_bucket`, started by `kz_buckets`
with `fill_as_block = true`) starts full at `max_bucket_tokens` (100) and, once per
`tokens_fill_rate_time` (a second), gets `tokens_fill_rate` (10) back in one block, never past the
maximum. A refused message costs nothing and is answered with an error; the socket stays open.

Protocol-level ping frames never reach `recv/2` (`websocket_handle('ping', ...)` returns at
once), so they are free; the application `{"action": "ping"}` is a message like any other.
"""

import time
from dataclasses import dataclass


@dataclass(frozen=True)
class RateLimit:
    """kz_buckets' settings for the `blackhole` app; Kazoo's defaults."""

    max_tokens: int = 100
    fill_rate: int = 10  # tokens added per fill_seconds, in one block
    fill_seconds: float = 1.0

    @classmethod
    def parse(cls, text: str) -> "RateLimit | None":
        """From the text "off", "MAX/RATE" (e.g. "100/10") or "MAX/RATE/SECONDS"."""
        if text.strip().lower() in ("off", "none", "0"):
            return None
        parts = [part.strip() for part in text.split("/")]
        if len(parts) not in (2, 3):
            raise ValueError(f"rate limit {text!r}: expected off, MAX/RATE or MAX/RATE/SECONDS")
        limit = cls(int(parts[0]), int(parts[1]), float(parts[2]) if len(parts) == 3 else 1.0)
        if limit.max_tokens < 1 or limit.fill_rate < 1 or limit.fill_seconds <= 0:
            raise ValueError(f"rate limit {text!r}: every figure must be positive")
        return limit


KAZOO_RATE_LIMIT = RateLimit()


class TokenBucket:
    """One socket's bucket. Filled lazily: the blocks due since the last look are added at once,
    which is what the Erlang timer would have done by then."""

    def __init__(self, limit: RateLimit, clock=time.monotonic) -> None:
        self.limit = limit
        self._clock = clock
        self._started = clock()
        self._fills = 0  # blocks added so far
        self.tokens = limit.max_tokens
        self.refused = 0

    def consume(self) -> bool:
        self._fill()
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        self.refused += 1
        return False

    def _fill(self) -> None:
        due = int((self._clock() - self._started) / self.limit.fill_seconds)
        if due > self._fills:
            added = (due - self._fills) * self.limit.fill_rate
            self.tokens = min(self.limit.max_tokens, self.tokens + added)
            self._fills = due
