"""Delete finished deliveries and their attempts older than HOOKS_RETENTION_DAYS (also daily)."""

from django.core.management.base import BaseCommand

from hooks.delivery import prune_deliveries


class Command(BaseCommand):
    help = "Delete delivered, failed and cancelled deliveries older than HOOKS_RETENTION_DAYS."

    def handle(self, *args, **options) -> None:
        deleted = prune_deliveries()
        self.stdout.write(f"Deleted {deleted} rows (deliveries and their attempts).")
