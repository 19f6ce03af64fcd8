from django.core.management.base import BaseCommand

from events.retention import prune_events


class Command(BaseCommand):
    help = "Delete events older than EVENTS_RETENTION_DAYS (not those with a pending delivery)."

    def handle(self, *args, **options) -> None:
        self.stdout.write(f"Deleted {prune_events()} events.")
