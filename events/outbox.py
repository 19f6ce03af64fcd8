"""The listener's outbox: normalized events on their way from the dispatcher to the store thread.

It is bounded by the events it holds, not by a byte count, because one event is about the same
size as another. When the store falls behind (the database is slow or away) and the outbox is
full, the dispatcher waits for room before it normalizes the next frame: the frames then wait,
unread, in the Blackhole client, and the health says the outbox is full (and since when) long
before anything could be lost. Nothing put in is ever dropped.

Control items (a state snapshot, the stop marker) are always taken, whatever the fill: the store
must always be able to learn that it should stop, and a snapshot is tiny.
"""

import queue
import threading
import time
from typing import Any


class Outbox:
    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._queue: queue.Queue[Any] = queue.Queue()
        self._room = threading.Condition()
        self._events = 0  # events in the queue, under _room
        self._full_since: float | None = None  # monotonic; under _room
        self.times_full = 0
        self.high_water = 0

    # --- the dispatcher's side ------------------------------------------------------------------
    def wait_for_room(self, timeout: float | None = None) -> bool:
        """Block while the outbox is full; False if still full after `timeout` seconds."""
        with self._room:
            if self._events < self.capacity:
                return True
            if self._full_since is None:
                self._full_since = time.monotonic()
                self.times_full += 1
            return self._room.wait_for(lambda: self._events < self.capacity, timeout)

    def put_events(self, events: list[Any]) -> None:
        """Queue a list of events (the caller holds the state lock, so the order is kept)."""
        with self._room:
            self._events += len(events)
            self.high_water = max(self.high_water, self._events)
        self._queue.put(events)

    def put_control(self, item: Any) -> None:
        self._queue.put(item)

    # --- the store thread's side ----------------------------------------------------------------
    def get(self, timeout: float | None = None) -> Any:
        """The next item (raises queue.Empty after `timeout`); events count as taken."""
        item = self._queue.get(timeout=timeout)
        if isinstance(item, list):
            with self._room:
                self._events -= len(item)
                if self._events < self.capacity:
                    self._full_since = None
                    self._room.notify_all()
        return item

    def get_nowait(self) -> Any:
        return self.get(timeout=0)

    def empty(self) -> bool:
        return self._queue.empty()

    # --- health -------------------------------------------------------------------------------
    @property
    def events(self) -> int:
        return self._events

    def full_for(self) -> float | None:
        """Seconds the outbox has been full, or None while it has room."""
        with self._room:
            since = self._full_since
        return None if since is None else time.monotonic() - since

    def status(self) -> dict[str, Any]:
        full_for = self.full_for()
        return {
            "events": self._events,
            "capacity": self.capacity,
            "full": full_for is not None,
            "full_for_seconds": round(full_for, 1) if full_for is not None else None,
            "times_full": self.times_full,
            "high_water": self.high_water,
        }
