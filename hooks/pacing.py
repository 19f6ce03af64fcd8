"""At most HOOKS_RATE_PER_TARGET requests a second to one target URL (Zapier throttles above 30/s).

Embedded (no REDIS_URL): one in-process pacer per URL spaces this process's sends evenly.
With REDIS_URL: the pace is kept in Redis, so every worker of the cluster shares it: each send
reserves the next free slot of its URL with one atomic script (a GCRA-style "next free time"
per URL), and waits until that slot. If Redis cannot be reached the process falls back to its
own pacer rather than stop sending.
"""

import hashlib
import logging
import threading
import time

from django.conf import settings

logger = logging.getLogger(__name__)


class Pacer:
    """In one process: evenly spaced, `rate` a second."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate
        self.next_at = 0.0
        self.lock = threading.Lock()

    def wait(self) -> None:
        with self.lock:
            now = time.monotonic()
            at = max(now, self.next_at)
            self.next_at = at + self.interval
        if at > now:
            time.sleep(at - now)


# Reserve the next slot of a URL: KEYS[1] holds the time (µs, Redis' clock) the next send may go.
# Returns how many µs the caller waits. The key expires soon after the last reserved slot.
RESERVE_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local at = tonumber(redis.call('GET', KEYS[1]) or '0')
if at < now then at = now end
redis.call('SET', KEYS[1], at + interval, 'PX', math.floor((at + interval - now) / 1000) + 1000)
return at - now
"""


class RedisPacer:
    """Across processes: every worker reserves its slot from the same Redis key for the URL."""

    def __init__(self, client, url: str, rate: float) -> None:
        self.key = "hooks:pace:" + hashlib.sha256(url.encode()).hexdigest()[:32]
        self.interval_us = int(1_000_000 / rate)
        self.reserve = client.register_script(RESERVE_SCRIPT)
        self.fallback = Pacer(rate)

    def wait(self) -> None:
        try:
            wait_us = int(self.reserve(keys=[self.key], args=[self.interval_us]))
        except Exception:
            logger.warning("Redis pacing unavailable; pacing in this process", exc_info=True)
            self.fallback.wait()
            return
        if wait_us > 0:
            time.sleep(wait_us / 1_000_000)


_pacers: dict[tuple[str, float, str], Pacer | RedisPacer] = {}
_pacers_lock = threading.Lock()
_redis_clients: dict[str, object] = {}


def _redis_client(url: str):
    import redis

    if url not in _redis_clients:
        _redis_clients[url] = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    return _redis_clients[url]


def pacer_for(url: str) -> Pacer | RedisPacer:
    rate = settings.HOOKS_RATE_PER_TARGET
    redis_url = getattr(settings, "REDIS_URL", "")
    key = (url, rate, redis_url)
    with _pacers_lock:
        if key not in _pacers:
            _pacers[key] = (
                RedisPacer(_redis_client(redis_url), url, rate) if redis_url else Pacer(rate)
            )
        return _pacers[key]
