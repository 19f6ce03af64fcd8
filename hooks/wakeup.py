"""Waking a drainer the moment new deliveries are committed, instead of at its next poll.

On PostgreSQL the event store's transaction sends a NOTIFY, which PostgreSQL delivers when (and
only if) it commits; a draining worker LISTENs on a connection of its own and wakes at once. SQLite
has nothing of the kind, so there the drainer polls. Either way the drainer also wakes when one of
its senders finishes, so that it records and releases that hook at once.
"""

import logging
import threading
from typing import Any

import psycopg
from django.db import connection

logger = logging.getLogger(__name__)

CHANNEL = "kazoo_zapier_deliveries"
# Without notifications: how often a drainer looks for new work (the most a delivery waits).
POLL_SECONDS = 0.025
# With them: a look now and then all the same, for retries that fall due meanwhile.
FALLBACK_SECONDS = 1.0


def announce_deliveries() -> None:
    """Tell listening drainers, once this transaction commits, that deliveries are waiting."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"NOTIFY {CHANNEL}")  # PostgreSQL folds repeats in one transaction


class Wakeup:
    """Something may have changed: a notification came, or a sender finished. Use as a context."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._stop = threading.Event()
        self.listening = threading.Event()
        self._thread: threading.Thread | None = None
        if connection.vendor == "postgresql":
            params = connection.get_connection_params()
            self._thread = threading.Thread(
                target=self._listen, args=(params,), name="drainer-wakeup", daemon=True
            )

    def __enter__(self) -> "Wakeup":
        if self._thread is not None:
            self._thread.start()
            # Deliveries committed before LISTEN took effect are found by the first look anyway.
            self.listening.wait(timeout=2.0)
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=FALLBACK_SECONDS + 1)

    def set(self, *_: Any) -> None:
        self._event.set()

    def clear(self) -> None:
        self._event.clear()

    def wait(self) -> bool:
        """Until woken, or the poll interval passed; True if woken."""
        timeout = FALLBACK_SECONDS if self.listening.is_set() else POLL_SECONDS
        return self._event.wait(timeout)

    def _listen(self, params: dict[str, Any]) -> None:
        while not self._stop.is_set():
            try:
                with psycopg.connect(**params, autocommit=True) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.listening.set()
                    while not self._stop.is_set():
                        for _ in conn.notifies(timeout=FALLBACK_SECONDS):
                            self._event.set()
            except psycopg.Error as error:
                # Polling covers the gap; the next connection listens again.
                logger.warning("delivery notifications unavailable, polling: %s", error)
                self.listening.clear()
                self._stop.wait(FALLBACK_SECONDS)
        self.listening.clear()
