"""Write lib/catalogue.json, the Zapier app's copy of the event catalogue (events/catalogue.py).

The app's triggers are built from this file; test/catalogue.test.js compares it with the running
service's GET /api/v1/event-types, so an event type added or renamed there fails the tests until
this is run again:

    .venv/bin/python zapier/scripts/dump_catalogue.py
"""

import json
import sys
from pathlib import Path

ZAPIER_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ZAPIER_DIR.parent))  # the project root, for `events`

from events.catalogue import KAZOO_KEYS, EventType  # noqa: E402 - after the path is set


def catalogue() -> dict:
    return {
        "kazoo_keys": list(KAZOO_KEYS),
        "event_types": [
            {
                "type": kind.value,
                "title": kind.title,
                "description": kind.description,
                "admin_only": kind.admin_only,
                "payload_keys": list(kind.delivered_keys),  # as delivered
            }
            for kind in EventType
        ],
    }


if __name__ == "__main__":
    target = ZAPIER_DIR / "lib" / "catalogue.json"
    target.write_text(json.dumps(catalogue(), indent=2) + "\n")
    print(f"wrote {target}")
