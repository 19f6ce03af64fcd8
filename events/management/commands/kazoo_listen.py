import logging
import signal
import threading

from django.core.management.base import BaseCommand, CommandError

from events.listener import ListenerThreadDied, listener_from_settings

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Listen to Kazoo's Blackhole for the call events of every account with an active "
        "subscription, normalize them, and store them with their deliveries."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--name",
            default="default",
            help="this listener's name, when several listen to different Kazoo clusters",
        )

    def handle(self, *args, **options):
        stop = threading.Event()

        def request_stop(signum, frame):
            logger.info("signal %s: draining and stopping", signal.Signals(signum).name)
            stop.set()

        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
        listener = listener_from_settings(name=options["name"])
        self.stdout.write(f"Kazoo listener {options['name']!r}: {listener.blackhole.url}")
        self.stdout.flush()
        try:
            listener.run(stop)
        except ListenerThreadDied as died:
            # Exit non-zero so that the supervisor (honcho, systemd) starts a fresh listener.
            raise CommandError(f"{died}; exiting so that a fresh listener takes over") from died
