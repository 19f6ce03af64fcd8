"""The staff console shows how far the listener's subscriptions are, from its health report."""

import pytest
from django.utils import timezone

from events.models import ListenerState

pytestmark = pytest.mark.django_db


def test_the_dashboard_shows_accounts_subscribed_pending_refused_and_the_oldest_wait(
    client, staff_user
):
    ListenerState.objects.create(
        name="default",
        heartbeat_at=timezone.now(),
        health={
            "connected": True,
            "accounts": 300,
            "accounts_subscribed": 180,
            "accounts_pending": 117,
            "accounts_refused": 3,
            "oldest_pending_seconds": 12.4,
        },
    )
    client.force_login(staff_user)
    page = client.get("/admin/console/").content.decode()
    assert "accounts subscribed / pending / refused" in page
    assert "180 / 117 / 3" in page
    assert "oldest waiting 12 s" in page
