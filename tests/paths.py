"""Where the tests' reference files lie: inside the project, so that a clone anywhere passes."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Kazoo's own example payloads, verbatim; their sources are in the README beside them.
KAZOO_EXAMPLES = ROOT / "tests" / "fixtures" / "kazoo"
# The project's event reference, generated from events/catalogue.py (manage.py events_reference).
EVENTS_REFERENCE = ROOT / "docs" / "events.md"
