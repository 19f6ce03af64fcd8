"""Storing that never stops silently: what the listener's store thread calls.

A database error is one of two kinds:
- transient (the connection dropped, the server restarts, a lock timed out): the same batch will
  go in later, so it is retried with a growing pause, and nothing behind it is lost meanwhile;
- permanent (a value longer than its column, a payload the database cannot encode): retrying the
  batch would fail forever and hold back every event behind it. The batch is split until the
  events that fail on their own are found; those are set aside as dead letters (events.DeadLetter)
  with their error, and all the others are stored.
"""

import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import InterfaceError, OperationalError, close_old_connections, connection
from django.utils import timezone

from events.models import DeadLetter, Event
from events.store import Normalized, store_events

logger = logging.getLogger(__name__)

# Errors a later try can cure. Everything else the database (or the encoding before it) raises
# for a batch is taken as caused by the events themselves.
TRANSIENT_ERRORS = (OperationalError, InterfaceError)


def is_transient(error: BaseException) -> bool:
    return isinstance(error, TRANSIENT_ERRORS)


@dataclass
class Backoff:
    """Pauses between retries: `initial`, doubling up to `maximum`."""

    initial: float = 0.5
    maximum: float = 30.0
    _next: float = field(default=0.0, init=False)

    def pause(self) -> float:
        self._next = min(self.maximum, self._next * 2) if self._next else self.initial
        return self._next

    def reset(self) -> None:
        self._next = 0.0


@dataclass
class StoreOutcome:
    stored: list[Event]
    set_aside: int


class ResilientStore:
    """store_events with retries for transient errors and dead letters for permanent ones.

    `on_retry(error, pause)` is told of every transient failure before the pause (the listener
    counts them and shows them in its health); `sleep` is replaceable so that a stop request can
    end the pause.
    """

    def __init__(
        self,
        *,
        listener: str = "default",
        backoff: Backoff | None = None,
        on_retry: Callable[[BaseException, float], None] | None = None,
        sleep: Callable[[float], Any] = time.sleep,
    ) -> None:
        self.listener = listener
        self.backoff = backoff or Backoff()
        self.on_retry = on_retry or (lambda error, pause: None)
        self.sleep = sleep

    def store(self, batch: Sequence[Normalized]) -> StoreOutcome:
        stored: list[Event] = []
        set_aside = 0
        pending = [list(batch)]
        while pending:
            part = pending.pop()
            try:
                stored.extend(self._with_retries(lambda part=part: store_events(part)))
            except Exception as error:  # permanent: the events themselves are the cause
                if len(part) > 1:
                    middle = len(part) // 2
                    pending.extend([part[middle:], part[:middle]])  # the first half first
                    continue
                self._set_aside(part[0], error)
                set_aside += 1
        return StoreOutcome(stored, set_aside)

    def _with_retries(self, attempt: Callable[[], Any]) -> Any:
        while True:
            try:
                close_old_connections()
                result = attempt()
            except Exception as error:
                if not is_transient(error):
                    connection.close()  # a failed statement may leave the connection unusable
                    raise
                pause = self.backoff.pause()
                logger.warning("storing failed (%s); retrying in %.1f s", error, pause)
                self.on_retry(error, pause)
                connection.close()
                self.sleep(pause)
            else:
                self.backoff.reset()
                return result

    def _set_aside(self, item: Normalized, error: BaseException) -> None:
        payload = item.payload
        logger.error(
            "event %s set aside, the database refuses it: %s", payload.get("id"), error
        )
        self._with_retries(
            lambda: DeadLetter.objects.create(
                event_id=str(payload.get("id", ""))[:255],
                type=str(payload.get("type", ""))[:255],
                account_id=str(item.account_id or "")[:255],
                user_id=str(item.user_id or "")[:255],
                payload=_jsonable(payload),
                error=f"{type(error).__name__}: {error}",
                listener=self.listener,
            )
        )


def _jsonable(payload: dict[str, Any]) -> Any:
    """The payload as JSON can hold it: a value it cannot encode is kept as its text."""
    return json.loads(json.dumps(payload, default=repr))


@dataclass(frozen=True)
class _Replayed:
    payload: dict[str, Any]
    account_id: str
    user_id: str | None


def replay(dead_letter: DeadLetter) -> bool:
    """Try to store a set-aside event again (with its deliveries); True if it is stored now.

    An event stored meanwhile (the same id came again) counts as replayed: it is in the store.
    """
    item = _Replayed(dead_letter.payload, dead_letter.account_id, dead_letter.user_id or None)
    try:
        store_events([item])
    except Exception as error:
        dead_letter.replay_error = f"{type(error).__name__}: {error}"
        dead_letter.save(update_fields=["replay_error"])
        return False
    dead_letter.replayed_at = timezone.now()
    dead_letter.replay_error = ""
    dead_letter.save(update_fields=["replayed_at", "replay_error"])
    return True
