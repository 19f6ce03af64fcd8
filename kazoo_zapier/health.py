"""Liveness and readiness for operators and orchestrators."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from kazoo_zapier.kazoo.crossbar import get_crossbar
from kazoo_zapier.kazoo.errors import KazooError

logger = logging.getLogger(__name__)


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """The process answers: nothing else is checked, so a slow dependency never restarts it."""
    return JsonResponse({"status": "ok", "version": settings.VERSION})


def _check_database() -> str | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return None


def _check_broker() -> str | None:
    """django-q2's broker: Redis when REDIS_URL is set, else the ORM (the database above)."""
    if not settings.REDIS_URL:
        return None
    from django_q.brokers import get_broker

    if not get_broker().ping():
        return "the broker did not answer"
    return None


def _check_kazoo() -> str | None:
    get_crossbar().ping()
    return None


# A listener silent for this long has died or hangs; its calls are not being turned into events.
LISTENER_STALE_AFTER = timedelta(seconds=30)


def _check_listeners() -> str | None:
    """Every listener that has run reports fresh heartbeats and holds its Blackhole socket.

    Accounts pending (paced under Kazoo's rate limit after a start) or refused (an account the
    API key may not reach) do not make the web unready: `subscriptions` reports them.

    A deployment that never started a listener is not failed for it: the web process serves
    the API and the sign-in on its own.
    """
    from events.models import ListenerState

    problems = []
    for listener in ListenerState.objects.exclude(heartbeat_at=None):
        if timezone.now() - listener.heartbeat_at > LISTENER_STALE_AFTER:
            problems.append(
                f"listener {listener.name} silent since {listener.heartbeat_at:%H:%M:%S}"
            )
        elif not listener.health.get("connected"):
            problems.append(f"listener {listener.name} is not connected to Blackhole")
    return "; ".join(problems) or None


def _listener_subscriptions() -> dict[str, dict]:
    """Per listener: accounts subscribed / pending / refused and the oldest pending wait."""
    from events.models import ListenerState

    keys = ("accounts_subscribed", "accounts_pending", "accounts_refused", "oldest_pending_seconds")
    try:
        listeners = list(ListenerState.objects.exclude(heartbeat_at=None))
    except Exception:  # the database check above reports it
        return {}
    return {
        listener.name: {key.removeprefix("accounts_"): listener.health.get(key) for key in keys}
        for listener in listeners
    }


CHECKS = {
    "database": _check_database,
    "broker": _check_broker,
    "kazoo": _check_kazoo,
    "listener": _check_listeners,
}


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready to serve: the database, the broker and Kazoo answer. 503 names what does not.

    The public (an orchestrator, anyone) gets each check's name and state only; what went wrong
    (error text can carry host names and database users) goes to the log, and to signed-in staff.
    """
    problems: dict[str, str | None] = {}
    for name, check in CHECKS.items():
        try:
            problem = check()
        except KazooError as error:
            problem = str(error)
        except Exception as error:  # a readiness probe reports every failure, whatever its kind
            problem = f"{type(error).__name__}: {error}"
        if problem is not None:
            logger.warning("readiness check %s failed: %s", name, problem)
        problems[name] = problem
    ready = all(problem is None for problem in problems.values())
    body: dict = {
        "status": "ok" if ready else "unavailable",
        "checks": {
            name: "ok" if problem is None else "failing" for name, problem in problems.items()
        },
    }
    if getattr(request.user, "is_staff", False):
        body["details"] = {name: problem or "ok" for name, problem in problems.items()}
    body["subscriptions"] = _listener_subscriptions()  # counts per listener: no internals
    return JsonResponse(body, status=200 if ready else 503)
