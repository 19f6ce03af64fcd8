"""docs/events.md, the event reference: generated from the catalogue, current, complete, and true
of what the normalizer makes and of what a live delivery carries."""

import ast
import json

import pytest
from django.core.management import CommandError, call_command

from events import reference
from events.catalogue import (
    FIELD_DOCS,
    KAZOO_FIELD_DOCS,
    KAZOO_KEYS,
    RESULTS,
    TYPE_DOCS,
    EventType,
)
from events.localize import localized
from events.models import Event
from hooks.delivery import process_due_deliveries
from tests import test_listener
from tests.fixtures.hooks import wait_until
from tests.paths import EVENTS_REFERENCE, ROOT

REGENERATE = f"docs/events.md is not what the catalogue makes: run `{reference.COMMAND}`"
JSON_TYPES = {"string": str, "integer": int, "boolean": bool, "object": dict}
# The listener's fixtures (a Listener on the simulator, stopped after the test).
crossbar = test_listener.crossbar
make_listener = test_listener.make_listener


@pytest.fixture(scope="module")
def examples():
    return reference.example_events()


def test_the_committed_reference_is_what_the_generator_makes():
    assert EVENTS_REFERENCE.read_text() == reference.render(), REGENERATE


def test_the_command_checks_and_writes_the_reference(tmp_path, monkeypatch):
    call_command("events_reference", "--check")  # the committed file is current
    stale = tmp_path / "events.md"
    stale.write_text("# old\n")
    monkeypatch.setattr(reference, "PATH", stale)
    with pytest.raises(CommandError, match="events_reference"):
        call_command("events_reference", "--check")
    call_command("events_reference")
    assert stale.read_text() == reference.render()


def test_every_type_and_every_field_is_documented_in_the_catalogue():
    """A type or a key added to the catalogue needs its documentation there too."""
    assert set(TYPE_DOCS) == set(EventType), "add the type to TYPE_DOCS in events/catalogue.py"
    keys = {key for kind in EventType for key in kind.delivered_keys}
    assert keys == set(FIELD_DOCS), "document each payload key in FIELD_DOCS (events/catalogue.py)"
    assert tuple(KAZOO_FIELD_DOCS) == KAZOO_KEYS
    assert tuple(reference.RESULT_RULES) == RESULTS
    assert {doc.names for doc in TYPE_DOCS.values()} <= {"user", "account"}
    assert {doc.type for doc in FIELD_DOCS.values()} <= set(JSON_TYPES)


def test_the_documents_field_list_of_every_type_is_the_catalogues_payload_keys():
    documented = reference.fields_of_document(EVENTS_REFERENCE.read_text())
    assert documented == {kind.value: list(kind.delivered_keys) for kind in EventType}, REGENERATE
    table = EVENTS_REFERENCE.read_text().split("## The payload", 1)[1].split("### `kazoo`", 1)[0]
    for key in FIELD_DOCS:
        assert f"| `{key}` |" in table, key
    for key in KAZOO_KEYS:
        assert f"| `kazoo.{key}` |" in EVENTS_REFERENCE.read_text(), key


def test_the_examples_are_the_normalizers_payloads_with_the_documented_types(examples):
    text = EVENTS_REFERENCE.read_text()
    for kind, event in examples.items():
        assert list(event.payload) == list(kind.payload_keys)  # as stored
        # As delivered to the examples' reader: the stored keys and the reader's, in order.
        payload = localized(event.payload, reference.EXAMPLE_READER, receiving=event.receiving)
        assert list(payload) == list(kind.delivered_keys)
        assert payload["type"] == kind.value
        assert json.dumps(payload, indent=2, ensure_ascii=False) in text
        for key, value in payload.items():
            if value is not None:
                expected = JSON_TYPES[FIELD_DOCS[key].type]
                assert type(value) is expected, (kind.value, key, value)
        assert list(payload["kazoo"]) == list(KAZOO_KEYS)


def test_who_receives_each_type_is_who_its_events_name(examples):
    """ "user": the event names a user (their hooks and administrators' get it); "account": it
    names none, so only administrators' account-wide hooks get it (hooks.fanout.hook_wants)."""
    for kind, event in examples.items():
        names_a_user = event.user_id is not None
        assert names_a_user == (TYPE_DOCS[kind].names == "user"), kind.value
        if kind.admin_only:
            assert TYPE_DOCS[kind].names == "account", kind.value


def test_the_tests_each_rule_names_exist():
    for _, _, tests in reference.RULES:
        assert tests
        for test in tests:
            path, name = test.split("::")
            tree = ast.parse((ROOT / path).read_text())
            defined = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
            assert name in defined, test


def test_the_rules_state_the_normalizers_constants():
    from events.normalizer.calls import GAVE_UP_AFTER_SECONDS, NO_ANSWER_CAUSES

    text = EVENTS_REFERENCE.read_text()
    assert f"ring {GAVE_UP_AFTER_SECONDS} seconds or more" in text
    assert all(f"`{cause}`" in text for cause in NO_ANSWER_CAUSES)


# -- the document against live deliveries ---------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_a_live_delivery_of_every_type_carries_exactly_the_documented_fields(
    kazoo_sim, make_listener, kazoo_admin, make_hook, receiver, hook_settings
):
    """Simulated calls -> the real listener -> stored events -> signed POSTs to a receiver: the
    keys each delivery carries are the document's field list for its type."""
    for kind in EventType:
        make_hook(kazoo_admin, receiver.url(f"/{kind.value}"), event=kind.value, scope="account")
    listener = make_listener(acdc_interval=0.05)
    test_listener.settle(listener, accounts=1)
    listener.step()  # the call centre's baseline poll
    for name in reference.EXAMPLE_SCENARIOS:  # the scenarios that make every type
        kazoo_sim.play(name, wait=True)
        listener.step()

    def every_type_stored() -> bool:
        listener.step()
        return set(Event.objects.values_list("type", flat=True)) >= {k.value for k in EventType}

    wait_until(every_type_stored, timeout=60, what="an event of every type")

    def every_type_delivered() -> bool:
        process_due_deliveries()
        return {r.path for r in receiver.requests()} >= {f"/{k.value}" for k in EventType}

    wait_until(every_type_delivered, timeout=60, what="a delivery of every type")
    documented = reference.fields_of_document(EVENTS_REFERENCE.read_text())
    for request in receiver.requests():
        body = request.json()
        kind = request.path.lstrip("/")
        assert body["type"] == kind
        # As sets: PostgreSQL's jsonb keeps a payload's keys in an order of its own.
        assert set(body) == set(documented[kind]), kind
        assert set(body["kazoo"]) == set(KAZOO_KEYS), kind
