"""Call-centre events from polling Crossbar: stock Kazoo pushes no ACDC events to tenants.

`diff_acdc` is pure: the previous snapshot of an account (each queue call's status, each agent's
status) and what Crossbar lists now in, the events of every transition in between out, each
exactly once. A poll can miss a step (a caller answered and done within one interval): the
transitions the new status implies are emitted too, in order, so that a Zap on "Queue Call
Answered" does not miss a call that was quick.

The first poll of an account only takes a baseline: history is not replayed as news.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from events.catalogue import KAZOO_KEYS, EventType
from events.normalizer.directory import Directory
from events.normalizer.payload import GREGORIAN_OFFSET, NormalizedEvent, base_payload, event_id
from events.normalizer.summary import agent_summary, queue_summary

# The statuses of an acdc_call_stats row, in the order a queued call goes through them
# (REFERENCE.md §4), and the event each one is.
ANSWERED_PATH = ("waiting", "handled", "processed")
ABANDONED_PATH = ("waiting", "abandoned")
EVENT_OF_STATUS = {
    "waiting": EventType.QUEUE_CALL_WAITING,
    "handled": EventType.QUEUE_CALL_ANSWERED,
    "processed": EventType.QUEUE_CALL_COMPLETED,
    "abandoned": EventType.QUEUE_CALL_ABANDONED,
}
# What a status label means to a person (Kazoo's agent statuses, REFERENCE.md §4).


@dataclass(frozen=True)
class QueueInfo:
    id: str
    name: str | None


def _path(status: str) -> tuple[str, ...]:
    return ABANDONED_PATH if status == "abandoned" else ANSWERED_PATH


def _missing_steps(before: str | None, now: str) -> list[str]:
    """The statuses a row went through from `before` to `now`, `now` included."""
    path = _path(now)
    if now not in path:
        return []
    start = path.index(before) + 1 if before in path else 0
    return list(path[start : path.index(now) + 1])


def _int(value: Any) -> int | None:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return None


def _call_id(row: dict[str, Any]) -> str:
    """Kazoo keys a queue call's stats by the caller's Call-ID (sometimes with the queue)."""
    row_id = str(row.get("call_id") or row.get("id") or "")
    return row_id.split("::", 1)[0]


def diff_acdc(
    account_id: str,
    previous: dict[str, Any] | None,
    rows: list[dict[str, Any]],
    agents: dict[str, str],
    *,
    directory: Directory,
    queues: dict[str, QueueInfo],
    now: float | None = None,
    normalize_number: Callable[[str | None], str | None] = lambda number: number,
) -> tuple[list[NormalizedEvent], dict[str, Any]]:
    """(events, the snapshot to keep) for one account."""
    now = time.time() if now is None else now
    snapshot = {
        "calls": {
            str(row.get("id")): str(row.get("status") or "") for row in rows if row.get("id")
        },
        "agents": {str(agent): str(status) for agent, status in agents.items()},
    }
    if previous is None:
        return [], snapshot
    events: list[NormalizedEvent] = []
    account_name = directory.account_name(account_id)
    seen_calls = previous.get("calls", {})
    for row in rows:
        row_id = str(row.get("id") or "")
        status = str(row.get("status") or "")
        if not row_id or seen_calls.get(row_id) == status:
            continue
        for step in _missing_steps(seen_calls.get(row_id), status):
            events.append(
                _queue_event(
                    EVENT_OF_STATUS[step],
                    account_id,
                    account_name,
                    row,
                    directory,
                    queues,
                    now,
                    normalize_number,
                )
            )
    seen_agents = previous.get("agents", {})
    for agent_id, status in snapshot["agents"].items():
        if seen_agents.get(agent_id) not in (None, status):
            events.append(_agent_event(account_id, account_name, agent_id, status, directory, now))
        elif agent_id not in seen_agents and status != "logged_out":
            # An agent new to the listing has just logged in somewhere.
            events.append(_agent_event(account_id, account_name, agent_id, status, directory, now))
    return events, snapshot


def _unix(row: dict[str, Any], column: str) -> int | None:
    stamp = _int(row.get(column))
    return stamp - GREGORIAN_OFFSET if stamp and stamp > GREGORIAN_OFFSET else None


def queue_event_moment(kind: EventType, row: dict[str, Any], now: float) -> float:
    """When what the event describes happened (Unix seconds), from the row's own columns.

    The listing carries `handled_timestamp` (the agent answered), `wait_time` and `talk_time`
    only: the caller entered at handled - wait, the call ended at handled + talk. A newer Kazoo
    that lists `entered_timestamp`, `abandoned_timestamp` or `processed_timestamp` gives them
    directly. What no column tells (an abandon on a stock Kazoo) is the poll that saw it.
    """
    handled = _unix(row, "handled_timestamp")
    wait, talk = _int(row.get("wait_time")), _int(row.get("talk_time"))
    if kind == EventType.QUEUE_CALL_WAITING:
        entered = _unix(row, "entered_timestamp")
        if entered is None and handled is not None and wait is not None:
            entered = handled - wait
        return entered if entered is not None else now
    if kind == EventType.QUEUE_CALL_ANSWERED:
        return handled if handled is not None else now
    if kind == EventType.QUEUE_CALL_COMPLETED:
        ended = _unix(row, "processed_timestamp")
        if ended is None and handled is not None and talk is not None:
            ended = handled + talk
        return ended if ended is not None else now
    abandoned = _unix(row, "abandoned_timestamp")
    if abandoned is None and wait is not None and (entered := _unix(row, "entered_timestamp")):
        abandoned = entered + wait
    return abandoned if abandoned is not None else now


def _queue_event(
    kind: EventType,
    account_id: str,
    account_name: str | None,
    row: dict[str, Any],
    directory: Directory,
    queues: dict[str, QueueInfo],
    now: float,
    normalize_number: Callable[[str | None], str | None],
) -> NormalizedEvent:
    queue = queues.get(str(row.get("queue_id") or ""))
    agent_id = str(row.get("agent_id") or "") or None
    agent = directory.user(account_id, agent_id) if agent_id else None
    occurred = queue_event_moment(kind, row, now)
    call_id = _call_id(row)
    payload = base_payload(
        kind,
        id=event_id(account_id, str(row.get("id")), None, kind),
        occurred_at=occurred,
        account_id=account_id,
        account_name=account_name,
    )
    payload.update(
        call_id=call_id,
        from_number=normalize_number(row.get("caller_id_number") or None),
        from_name=row.get("caller_id_name") or None,
        queue_id=queue.id if queue else row.get("queue_id") or None,
        queue_name=queue.name if queue else None,
        agent_id=agent_id if kind != EventType.QUEUE_CALL_WAITING else None,
        agent_name=agent.name if agent and kind != EventType.QUEUE_CALL_WAITING else None,
        wait_seconds=_int(row.get("wait_time")),
        talk_seconds=_int(row.get("talk_time")) if kind == EventType.QUEUE_CALL_COMPLETED else None,
        # Kazoo's listing has no reason column; a row that carries one (a newer Kazoo) gives it.
        abandon_reason=row.get("abandoned_reason") or row.get("abandon_reason") or None,
        kazoo=_kazoo_ids(call_id=call_id, event_name=str(row.get("status") or "")),
    )
    payload["summary"] = queue_summary(payload)
    # Queue calls concern the agent who took them; waiting and abandoned calls the account.
    user_id = (
        agent_id
        if kind in (EventType.QUEUE_CALL_ANSWERED, EventType.QUEUE_CALL_COMPLETED)
        else None
    )
    return NormalizedEvent(type=kind, payload=payload, account_id=account_id, user_id=user_id)


def _agent_event(
    account_id: str,
    account_name: str | None,
    agent_id: str,
    status: str,
    directory: Directory,
    now: float,
) -> NormalizedEvent:
    kind = EventType.AGENT_STATUS_CHANGED
    # Crossbar's agent status listing has no time: the change happened by the poll that saw it.
    agent = directory.user(account_id, agent_id)
    payload = base_payload(
        kind,
        # One id per agent, status and poll second: the same change polled twice is one event.
        id=event_id(account_id, agent_id, agent_id, kind, f"{status}|{int(now)}"),
        occurred_at=now,
        account_id=account_id,
        account_name=account_name,
    )
    payload.update(
        agent_id=agent_id,
        agent_name=agent.name if agent else None,
        agent_status=status,
        user_id=agent_id,
        user_name=agent.name if agent else None,
        user_extension=agent.extension if agent else None,
        user_email=agent.email if agent else None,
        kazoo=_kazoo_ids(owner_id=agent_id, event_name=status),
    )
    payload["summary"] = agent_summary(payload)
    return NormalizedEvent(type=kind, payload=payload, account_id=account_id, user_id=agent_id)


def _kazoo_ids(**known: str) -> dict[str, str | None]:
    """Every raw-id key, null where a poll cannot know it: the live and sample shapes agree."""
    return {**dict.fromkeys(KAZOO_KEYS), **known}
