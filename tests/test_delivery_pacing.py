"""Pacing per target URL shared by workers through Redis (Redis profile only)."""

import pytest
from django.conf import settings

from hooks.pacing import Pacer, RedisPacer, _redis_client, pacer_for

needs_redis = pytest.mark.skipif(not settings.REDIS_URL, reason="Redis pacing needs REDIS_URL")


@needs_redis
def test_two_workers_reserve_slots_from_one_shared_pace():
    """Two pacers, as two workers would hold, for one URL: their reservations never overlap,
    so together they get no more than the rate (each slot one interval after the previous)."""
    client = _redis_client(settings.REDIS_URL)
    url = "https://hooks.zapier.com/hooks/standard/pacing-test"
    first, second = RedisPacer(client, url, 10.0), RedisPacer(client, url, 10.0)
    client.delete(first.key)
    seconds, micros = client.time()
    start = seconds * 1_000_000 + micros
    for _ in range(10):
        first.reserve(keys=[first.key], args=[first.interval_us])
        second.reserve(keys=[second.key], args=[second.interval_us])
    next_free = int(client.get(first.key))
    # 20 sends reserved: the next free slot is at least 20 intervals (2 s at 10/s) after start.
    assert next_free - start >= 20 * first.interval_us
    client.delete(first.key)


def test_the_embedded_profile_paces_in_process(settings):
    settings.REDIS_URL = ""
    assert isinstance(pacer_for("https://example.com/x"), Pacer)
