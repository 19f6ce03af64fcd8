"""Target URL safety: https, allowed http hosts, private addresses, allowlist, and at send time.

Only loopback names and literal addresses are used: these tests never ask a public DNS server.
"""

import re

import pytest

from hooks.delivery import process_due_deliveries
from hooks.fanout import create_deliveries
from hooks.models import Delivery
from hooks.transport import TargetNotAllowed, check_target_url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("hook_settings")]


@pytest.fixture
def production_like(settings):
    settings.HOOKS_HTTP_HOSTS = []
    settings.HOOKS_ALLOWED_NETWORKS = []
    return settings


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("https://127.0.0.1/hook", "127.0.0.1"),
        ("https://localhost:8443/hook", "loopback"),  # a name that resolves to 127.0.0.1
        ("https://10.1.2.3/hook", "private"),
        ("https://192.168.0.10/hook", "private"),
        ("https://169.254.169.254/latest/meta-data", "link-local"),
        ("https://[::1]/hook", "::1"),
        ("https://0.0.0.0/hook", "0.0.0.0"),  # noqa: S104 - a URL, not a bind
        ("http://127.0.0.1/hook", "https://"),
        ("https://user:pw@127.0.0.1/hook", "user name or password"),
    ],
)
def test_private_loopback_and_link_local_targets_are_refused(production_like, url, words):
    with pytest.raises(TargetNotAllowed, match=re.escape(words)):
        check_target_url(url)


def test_an_operator_may_allow_a_network_and_plain_http_for_a_host(settings, production_like):
    settings.HOOKS_HTTP_HOSTS = ["127.0.0.1"]
    settings.HOOKS_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    check_target_url("http://127.0.0.1:8000/hook")
    with pytest.raises(TargetNotAllowed):
        check_target_url("https://10.0.0.1/hook")


def test_the_host_allowlist_refuses_other_hosts_before_any_lookup(settings):
    settings.HOOKS_TARGET_HOSTS = ["hooks.zapier.com", "*.example.test"]
    with pytest.raises(TargetNotAllowed, match=re.escape("hooks.zapier.com")):
        check_target_url("https://evil.example.com/hook")
    with pytest.raises(TargetNotAllowed):
        check_target_url("https://hooks.zapier.com.evil.example/hook")


def test_subscribing_to_a_target_resolving_to_127_0_0_1_is_refused(
    api_client, kazoo_user, production_like
):
    response = api_client(kazoo_user, ["events"]).post(
        "/api/v1/hooks",
        {"target_url": "https://localhost/hook", "event": "call.ringing"},
        format="json",
    )
    assert response.status_code == 400
    assert "127.0.0.1" in response.json()["target_url"][0] or "::1" in response.json()["target_url"][0]


def test_the_target_is_checked_again_at_send_time(
    receiver, make_hook, make_event, kazoo_user, settings
):
    make_hook(kazoo_user, receiver.url("/ok"))  # allowed when it subscribed
    (delivery,) = create_deliveries([make_event(kazoo_user)])
    settings.HOOKS_ALLOWED_NETWORKS = []  # the operator closes loopback (or DNS changed)

    process_due_deliveries()
    delivery.refresh_from_db()
    assert receiver.requests() == []  # no connection was made
    assert delivery.status == Delivery.Status.FAILED
    assert "127.0.0.1" in delivery.last_error
    attempt = delivery.attempt_log.get()
    assert attempt.status_code is None and attempt.outcome == "failed"
