"""Send deliveries in a loop of its own, as healthchecks' `sendalerts` does (hooks.tasks).

An alternative to the django-q2 cluster's on-demand drainer for the sender: while it runs, it
marks the drainer alive, so commits enqueue no task, and it does the sweep's work (retries, expired
leases) itself. The cluster is still needed for the schedules (prune). SIGTERM or Ctrl-C stops it
after the sends in flight are recorded.
"""

import signal
import threading

from django.core.management.base import BaseCommand

from hooks.tasks import send_forever


class Command(BaseCommand):
    help = "Send due deliveries until stopped (SIGTERM or Ctrl-C): the dedicated sender loop."

    def handle(self, *args, **options) -> None:
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        self.stdout.write("Sending deliveries; SIGTERM or Ctrl-C stops.", ending="\n")
        self.stdout.flush()
        attempts = send_forever(stop)
        self.stdout.write(f"Stopped after {attempts} attempt(s).")
