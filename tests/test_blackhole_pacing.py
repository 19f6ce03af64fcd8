"""The client's copy of Kazoo's bucket: never ahead of a bucket that refills in whole blocks."""

from kazoo_zapier.kazoo.blackhole_pacing import Pacer, is_rate_limited
from kazoo_zapier.kazoo.simulator.ratelimit import RateLimit, TokenBucket


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_spending_what_the_pacer_allows_is_never_refused_by_kazoos_bucket():
    clock = Clock()
    kazoo = TokenBucket(RateLimit(100, 10, 1.0), clock)
    pacer = Pacer(100, 10, clock=clock)
    sent = 0
    for _ in range(6000):  # ten minutes in 0.1 s steps, always sending what it may
        clock.now += 0.1
        for _ in range(pacer.available()):
            pacer.spend()
            assert kazoo.consume()
            sent += 1
    assert kazoo.refused == 0
    assert sent > 100 + 10 * 590  # and it used the bucket, less the reserve


def test_after_a_refusal_the_pacer_waits_for_a_block_that_surely_came():
    clock = Clock()
    pacer = Pacer(100, 10, clock=clock)
    pacer.drain()
    assert pacer.available() == 0
    assert pacer.seconds_until(1) > 1.0


def test_only_kazoos_rate_limit_words_are_retryable():
    assert is_rate_limited(["rate limiting threshold hit for 10.0.0.1:5555!"])
    assert not is_rate_limited(["unauthorized account id"])
    assert not is_rate_limited([])
