"""Write docs/events.md from the event catalogue, or check that it is current (--check)."""

from django.core.management.base import BaseCommand, CommandError

from events import reference


class Command(BaseCommand):
    help = "Generate docs/events.md, the event reference, from events/catalogue.py."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="change nothing; fail when docs/events.md differs from what would be written",
        )

    def handle(self, *args, check: bool = False, **options):
        if check:
            current = reference.PATH.read_text() if reference.PATH.exists() else ""
            if current != reference.render():
                raise CommandError(
                    f"{reference.PATH.name} is out of date: run `{reference.COMMAND}`"
                )
            self.stdout.write(f"{reference.PATH} is current")
            return
        changed = reference.write()
        self.stdout.write(f"{'wrote' if changed else 'unchanged:'} {reference.PATH}")
