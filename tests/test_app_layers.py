"""The apps depend one way: the Kazoo seam imports no app, events builds on the seam only, hooks on
events. Where events must set off work in hooks it announces it (events.signals, events.interest,
events.retention) instead of importing hooks; these tests keep it that way."""

import ast
from pathlib import Path

import pytest

from events import interest
from events.models import Event
from events.signals import events_stored
from hooks.selectors import HookInterest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("accounts", "calls", "events", "hooks")


def imported_apps(package: Path) -> dict[str, set[str]]:
    """Each module of the package (migrations aside) -> the project apps it imports, at any depth
    (imports inside functions count: they are dependencies too)."""
    found: dict[str, set[str]] = {}
    for path in package.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
            elif isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
        found[str(path.relative_to(ROOT))] = names & set(APPS)
    return found


@pytest.mark.parametrize(
    ("package", "allowed"),
    [("kazoo_zapier/kazoo", set()), ("events", {"events"})],
)
def test_lower_layers_import_no_app_above_them(package, allowed):
    offenders = {
        module: apps - allowed
        for module, apps in imported_apps(ROOT / package).items()
        if apps - allowed
    }
    assert offenders == {}


def test_the_hooks_app_answers_what_events_asks_and_announces():
    # Registered by hooks' AppConfig.ready(): the fan-out hears stored events, the listener's
    # interest is the accounts with hooks.
    assert events_stored.has_listeners(Event)
    assert isinstance(interest._interest, HookInterest)
