"""docs/events.md, the project's event reference, generated from the catalogue.

`render()` writes the whole document from events/catalogue.py (types, titles, keys, their
documentation), the rules below, and one example payload per type that the real normalizer makes
from the simulator's scenarios (fixed seed and start: the same text every time). Regenerate it
with `python manage.py events_reference`; `--check` says whether the committed file is current.
"""

import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings

from events.acdc import QueueInfo, diff_acdc
from events.catalogue import (
    FIELD_DOCS,
    KAZOO_FIELD_DOCS,
    KAZOO_KEYS,
    RESULTS,
    TAIL_KEYS,
    TYPE_DOCS,
    EventType,
)
from events.localize import Reader, localized
from events.normalizer import CallState, StaticDirectory, normalize
from events.normalizer.calls import BUSY_CAUSES, GAVE_UP_AFTER_SECONDS, NO_ANSWER_CAUSES
from events.normalizer.numbers import normalize_number
from events.normalizer.payload import GREGORIAN_OFFSET, NormalizedEvent
from kazoo_zapier.kazoo.simulator.crossbar import ACDC_CALL_STATS_COLUMNS
from kazoo_zapier.kazoo.simulator.scenarios import build_scenario
from kazoo_zapier.kazoo.simulator.world import World, demo_world

PATH = Path(settings.BASE_DIR) / "docs" / "events.md"
COMMAND = "python manage.py events_reference"

# Whom the examples are written for: an English reader in Berlin (the demo account's zone).
EXAMPLE_READER = Reader(language="en", zone="Europe/Berlin", region="DE")
# The scenarios the examples come from, in order of preference: the first event of a type wins.
EXAMPLE_SCENARIOS = (
    "inbound_answered",
    "outbound_answered",
    "missed_to_voicemail",
    "hold_resume",
    "park_retrieve",
    "park_abandoned",
    "queue_answered",
    "queue_abandoned",
    "agent_status_changes",
)
EXAMPLE_START = 1_767_261_600.0  # 2026-01-01T10:00:00Z
EXAMPLE_SEED = 1
REGION = "DE"  # the demo's KAZOO_DEFAULT_REGION

# The `result` values and the rule that picks each (events/normalizer/calls.py).
RESULT_RULES = {
    "answered": "The user's side was answered by a person: the user picked up, or the far end "
    "answered the user's outgoing call.",
    "missed": "The call rang the user, nobody answered it and it did not reach voicemail: the "
    "caller hung up, or the ringing timed out.",
    "voicemail": "Nobody answered and the callflow answered the caller after the user's ringing "
    "began (voicemail): receivers get it with call.missed; a user calling a colleague gets it too.",
    "answered_elsewhere": "The call rang the user and a colleague answered it (a ring group, a "
    "pickup): no call.missed.",
    "busy": "Every device of the receiving user answered busy, or (for a caller) a leg ended "
    f"with {', '.join(f'`{c}`' for c in sorted(BUSY_CAUSES))}.",
    "no_answer": "A user's outgoing call nobody answered: a leg ended with "
    f"{', '.join(f'`{c}`' for c in sorted(NO_ANSWER_CAUSES))}, or the user hung up after letting "
    f"it ring {GAVE_UP_AFTER_SECONDS} seconds or more (rule 10).",
    "failed": "A user's outgoing call that ended with any other cause that is not an ordinary "
    "clearing (e.g. `UNALLOCATED_NUMBER`, `DESTINATION_OUT_OF_ORDER`).",
    "cancelled": "A user's outgoing call that the user hung up within "
    f"{GAVE_UP_AFTER_SECONDS} seconds of ringing, before anyone answered (rule 10).",
}

# The rules of normalization as the service implements them, each with the tests that hold it.
RULES = (
    (
        "Direction",
        "Kazoo's `call_direction` is the media switch's view. A user's device leg with "
        "`call_direction: outbound` is that device being rung (the user receives a call: "
        "`call.ringing`); with `call_direction: inbound` the user is dialling out "
        "(`call.started`), and so is a user whose phone Crossbar's quickcall (click-to-call) rings "
        "first. The payload's `direction` is the user's: `inbound` from outside, `outbound` to "
        "outside, `internal` between two users of the account.",
        (
            "tests/test_normalizer_rules.py::test_rule1_device_leg_rung_outbound_is_an_incoming_call_for_its_user",
            "tests/test_normalizer_rules.py::test_rule1_inbound_device_leg_is_the_user_dialling_out",
            "tests/test_normalizer_rules.py::test_rule1_a_call_between_two_users_is_internal_for_both",
        ),
    ),
    (
        "One call, many legs",
        "The A-leg and each B-leg have their own Call-ID. They are tied together through "
        "`other_leg_call_id`, the `bridge_id` and `call_interaction_id` custom channel variables "
        "(and, for a queue's agent leg, ACDC's Call-ID format), so that `call_id` is one value, "
        "the A-leg's, in every event of a call.",
        (
            "tests/test_normalizer_rules.py::test_rule2_every_event_of_a_call_carries_the_a_legs_call_id",
            "tests/test_normalizer_rules.py::test_rule2_b_leg_seen_before_its_a_leg_still_gets_the_a_legs_id",
            "tests/test_normalizer_rules.py::test_rule2_legs_without_bridge_id_correlate_through_the_interaction_id",
        ),
    ),
    (
        "One user, many devices",
        "A user whose desk phone, softphone and mobile ring together gets ONE `call.ringing`. "
        "The legs that lose the race (`LOSE_RACE`, `ORIGINATOR_CANCEL`) make no event of their own.",
        (
            "tests/test_normalizer_rules.py::test_rule3_three_devices_ring_once_and_the_loser_makes_nothing",
        ),
    ),
    (
        "Ring groups",
        "Several users ring and one answers: that one gets `call.answered` and later "
        "`call.ended` with `result: answered`; the others get `call.ended` with "
        "`result: answered_elsewhere`, and no `call.missed`.",
        (
            "tests/test_normalizer_rules.py::test_rule4_ring_group_answerer_gets_answered_the_others_answered_elsewhere",
        ),
    ),
    (
        "Answered is a person",
        "An A-leg answered by the callflow itself (IVR, voicemail, a queue's music) is not an "
        "answer by a user. A call that only reached voicemail is `call.missed` and `call.ended` "
        "with `result: voicemail`; a caller who hangs up while it rings is `result: missed`.",
        (
            "tests/test_normalizer_rules.py::test_rule5_call_reaching_voicemail_is_missed_with_result_voicemail",
            "tests/test_normalizer_rules.py::test_rule5_caller_hanging_up_while_ringing_is_a_plain_miss",
        ),
    ),
    (
        "Every start has one end",
        "Every `call.ringing` and `call.started` is followed by exactly one `call.ended` for the "
        "same call and user, also when the listener restarts in between (it saves its state, "
        "and reconciles with Crossbar's `channels` and `cdrs` after every reconnect) and when a "
        "call goes silent (it is ended from what is known).",
        (
            "tests/test_normalizer_rules.py::test_rule6_every_ringing_or_started_has_exactly_one_ended",
            "tests/test_normalizer_state.py::test_expire_ends_a_call_that_went_silent_exactly_once",
            "tests/test_normalizer_state.py::test_reconcile_ends_gone_legs_from_their_cdrs_and_keeps_live_ones",
        ),
    ),
    (
        "Duplicates make one event",
        "A frame Kazoo repeats (after a reconnect, or PARK_RETRIEVED, which Kazoo sends twice "
        "for one pickup) makes one event; an event's `id` is derived from the account, the call, "
        "the user and the type, so a replay has the same id.",
        (
            "tests/test_normalizer_rules.py::test_rule7_every_frame_twice_gives_the_same_events_once",
            "tests/test_normalizer_rules.py::test_rule7_kazoos_double_park_retrieved_is_one_retrieved",
            "tests/test_normalizer_rules.py::test_rule7_ids_are_deterministic_across_fresh_processes",
        ),
    ),
    (
        "Bad input loses nothing",
        "A frame that is not JSON, not an object, of an unknown event name, without a Call-ID or "
        "an account, with fields of the wrong type or too large is counted with its reason and "
        "logged; it never stops the listener nor loses the events around it.",
        (
            "tests/test_normalizer_rules.py::test_rule8_bad_input_is_rejected_with_its_reason_and_leaves_state_alone",
            "tests/test_normalizer_rules.py::test_rule8_wrong_types_inside_a_frame_do_not_break_the_call",
        ),
    ),
    (
        "`to_number` of a call the user receives",
        "For `call.ringing` and the events after it, `to_number` and `to_name` are the receiving "
        "user's extension and name, not the number the caller dialled (the DID or the main "
        "number): a ring group's members each see themselves. For a call the user places, "
        "`to_number` is the number dialled.",
        (
            "tests/test_normalizer_rules.py::test_rule9_an_inbound_calls_to_number_is_the_ringing_users_extension_not_the_did",
        ),
    ),
    (
        "`no_answer` or `cancelled`",
        "A user's outgoing call that nobody answered, with no busy, no-answer or failure cause, "
        f"is `no_answer` when it rang {GAVE_UP_AFTER_SECONDS} seconds or more before the user "
        "hung up, and `cancelled` when the user hung up sooner. (A call the user receives and "
        "the caller abandons is `missed`.)",
        (
            "tests/test_normalizer_rules.py::test_rule10_a_caller_who_hangs_up_before_8_seconds_cancelled_after_no_answer",
        ),
    ),
    (
        "Dates",
        "`occurred_at` is Kazoo's `Timestamp` (Gregorian seconds minus "
        f"{GREGORIAN_OFFSET}), in UTC. Park frames carry no timestamp: a park event is dated "
        "when the listener received it, with its fraction of a second (a park frame that does "
        "carry one is dated by it). Queue events are dated "
        "by the `handled_timestamp` of Kazoo's call statistics when the row has one, otherwise "
        "(a caller waiting) by the poll that saw the change; agent events by the poll.",
        (
            "tests/test_normalizer_payload.py::test_occurred_at_is_kazoos_gregorian_timestamp_in_utc",
            "tests/test_normalizer_rules.py::test_rule11_park_events_are_dated_on_arrival_and_a_timestamp_when_kazoo_sends_one",
        ),
    ),
    (
        "Numbers",
        "Numbers are in E.164 when they are phone numbers (a national number is read in the "
        "deployment's `KAZOO_DEFAULT_REGION`); extensions, feature codes and SIP user names stay "
        "as they are. Summaries show numbers in the international format.",
        (
            "tests/test_normalizer_payload.py::test_numbers_are_e164_when_they_are_phone_numbers_and_extensions_stay",
        ),
    ),
    (
        "Call-centre events",
        "Stock Kazoo pushes no ACDC events: the listener polls Crossbar's `acdc_call_stats`, "
        "`agents/status` and `queues`. Each transition of a queue call is one event; steps a poll "
        "missed (a call answered and over between two polls) are filled in, in order. The first "
        "poll of an account is a baseline and replays no history.",
        (
            "tests/test_acdc.py::test_a_quick_call_between_two_polls_still_gives_every_transition_in_order",
            "tests/test_acdc.py::test_the_first_poll_is_a_baseline_and_replays_no_history",
        ),
    ),
)

SOURCES = """\
| source | what arrives | how |
|---|---|---|
| Blackhole websocket (Kazoo's `ws://…:5555`) | CHANNEL_CREATE, CHANNEL_ANSWER, CHANNEL_BRIDGE, CHANNEL_DESTROY, CHANNEL_HOLD, CHANNEL_UNHOLD, PARK_PARKED, PARK_RETRIEVED, PARK_ABANDONED | one `subscribe` per binding (`call.<EVENT>.*`) per account that has an active subscription |
| Crossbar (`/v2/accounts/{id}/channels`, `cdrs`) | the legs still up, and the records of those that ended | read after every (re)connect, to end what ended while nobody listened |
| Crossbar ACDC endpoints (`acdc_call_stats`, `agents/status`, `queues`) | call-centre queue calls and agent statuses | polled every few seconds for accounts with a queue or agent subscription |
"""


def example_events(world: World | None = None) -> dict[EventType, NormalizedEvent]:
    """The first event of each type that the normalizer makes from EXAMPLE_SCENARIOS."""
    world = world or demo_world()
    examples: dict[EventType, NormalizedEvent] = {}
    for index, name in enumerate(EXAMPLE_SCENARIOS):
        start = EXAMPLE_START + index * 600
        scenario = build_scenario(name, world, start=start, rng=random.Random(EXAMPLE_SEED))
        for event in _played(world, scenario, start):
            examples.setdefault(event.type, event)
    missing = [t.value for t in EventType if t not in examples]
    if missing:
        raise LookupError(
            f"no scenario of EXAMPLE_SCENARIOS (events/reference.py) makes {', '.join(missing)}: "
            "add one that does"
        )
    return {t: examples[t] for t in EventType}


def _played(world: World, scenario, start: float) -> Iterator:
    """The scenario's steps through the normalizer (call and park frames) and through the
    call-centre poll (a poll after each ACDC step), as the listener would take them."""
    directory = StaticDirectory.from_world(world)
    state = CallState()
    account = next(a for a in world.accounts if a.id == scenario.account_id)
    queues = {q.id: QueueInfo(q.id, q.name) for q in account.queues}
    rows: dict[str, dict] = {}
    agents = {agent: "ready" for queue in account.queues for agent in queue.agent_ids}
    _, acdc = diff_acdc(account.id, None, [], dict(agents), directory=directory, queues=queues)
    for step in scenario.steps:
        now = start + step.at
        if step.kind == "event":
            yield from normalize(
                step.data,
                state,
                directory,
                now=datetime.fromtimestamp(now, UTC),
                default_region=REGION,
                account_id=step.account_id,
            )
            continue
        if step.kind == "acdc_call":
            # What Crossbar's listing shows of the row: its columns, "" when absent.
            row = step.data
            rows[str(row["id"])] = {c: row.get(c) or "" for c in ACDC_CALL_STATS_COLUMNS}
        elif step.kind == "agent_status":
            agents[step.data["agent_id"]] = step.data["status"]
        events, acdc = diff_acdc(
            account.id,
            acdc,
            list(rows.values()),
            dict(agents),
            directory=directory,
            queues=queues,
            now=now,
            normalize_number=lambda number: normalize_number(number, REGION),
        )
        yield from events


# -- rendering ------------------------------------------------------------------------------------
def render() -> str:
    examples = {
        kind: localized(event.payload, EXAMPLE_READER, receiving=event.receiving)
        for kind, event in example_events().items()
    }
    out = [
        "# Events: the triggers, their payloads and the rules",
        "",
        f"<!-- Generated by `{COMMAND}` from events/catalogue.py and events/reference.py. "
        "Do not edit by hand: change those files and run the command again. -->",
        "",
        "Kazoo speaks in channels (legs); people speak in calls. This is the contract for what "
        "the service turns Kazoo's traffic into: the events a Zap can start on, every field of "
        "their payloads, and the rules that decide them. Zaps are built on these fields, so a "
        "field, once shipped, keeps its name and meaning.",
        "",
        "## Where events come from",
        "",
        SOURCES,
        "## The triggers",
        "",
        "| type | Zapier title | fires when | once per | who receives it |",
        "|---|---|---|---|---|",
    ]
    for kind in EventType:
        doc = TYPE_DOCS[kind]
        when = kind.description + (f" {doc.note}" if doc.note else "")
        out.append(
            f"| `{kind.value}` | {kind.title} | {when} | {doc.once_per} | {_receivers(kind)} |"
        )
    out += [
        "",
        "A subscription (a Zap's REST hook) has a scope. With scope `user`, the subscriber "
        "receives the events that name them in `user_id`. A Kazoo account administrator "
        "(`priv_level: admin`) may subscribe with scope `account` and receives every event of "
        "the type in their account, including those that name no user. An administrator "
        "demoted since subscribing, or a user disabled in Kazoo, receives nothing more. A "
        "subscription's filters (e.g. a direction, a queue) narrow what it receives.",
        "",
        "## The payload",
        "",
        "Every event is one flat JSON object; only `kazoo` nests, one level deep (Zapier "
        "flattens it into `kazoo__call_id` and so on). Every key of a type is always there: an "
        "absent value is `null`, never a missing key, so Zapier's sample and a live payload "
        "have the same keys. The lists of keys per type are under "
        "[Every type](#every-type-its-fields-and-an-example).",
        "",
        "| field | type | in | not null | meaning | example |",
        "|---|---|---|---|---|---|",
    ]
    for key in _all_keys():
        doc = FIELD_DOCS[key]
        example = "see below" if key == "kazoo" else _example_value(key, examples)
        out.append(
            f"| `{key}` | {doc.type} | {_types_having(key)} | {doc.present} | {doc.meaning} "
            f"| {example} |"
        )
    out += [
        "",
        "### `kazoo`: Kazoo's raw ids",
        "",
        "Each is a string, or `null` when the event's source does not have it (a poll knows no "
        "leg).",
        "",
        "| field | meaning |",
        "|---|---|",
    ]
    out += [f"| `kazoo.{key}` | {KAZOO_FIELD_DOCS[key]} |" for key in KAZOO_KEYS]
    out += [
        "",
        "## `result`",
        "",
        "`call.ended` and `call.missed` say in `result` how the user's part of the call ended. "
        "The first rule that holds picks it, in this order for a call the user receives: "
        "answered, answered_elsewhere, voicemail, busy, missed; for a call the user places: "
        "answered, voicemail (a colleague's), busy, no_answer, failed, then no_answer or "
        "cancelled by how long it rang.",
        "",
        "| value | when |",
        "|---|---|",
    ]
    out += [f"| `{value}` | {RESULT_RULES[value]} |" for value in RESULTS]
    out += ["", "## Rules of normalization", ""]
    for number, (title, text, tests) in enumerate(RULES, 1):
        out.append(f"{number}. **{title}.** {text}")
        out.append(f"   Tested by {', '.join(f'`{test}`' for test in tests)}.")
    out += [
        "",
        "## Every type, its fields and an example",
        "",
        "The examples are real: the service's normalizer made them from the Kazoo simulator's "
        f"scenarios (seed {EXAMPLE_SEED}), with the simulator's demo account.",
    ]
    for kind in EventType:
        out += [
            "",
            f"### `{kind.value}`: {kind.title}",
            "",
            "Fields: " + ", ".join(f"`{key}`" for key in kind.delivered_keys) + ".",
            "",
            "```json",
            json.dumps(examples[kind], indent=2, ensure_ascii=False),
            "```",
        ]
    return "\n".join(out) + "\n"


def _receivers(kind: EventType) -> str:
    if TYPE_DOCS[kind].names == "user":
        return "the user it names (scope `user`); administrators (scope `account`)"
    return "administrators (scope `account`): it names no user"


def _all_keys() -> list[str]:
    """Every payload key once, in the catalogue's order, `summary` and `kazoo` last."""
    keys: dict[str, None] = {}
    for kind in EventType:
        keys.update(dict.fromkeys(k for k in kind.delivered_keys if k not in TAIL_KEYS))
    return [*keys, *TAIL_KEYS]


def _types_having(key: str) -> str:
    having = [kind for kind in EventType if key in kind.delivered_keys]
    if len(having) == len(EventType):
        return "every type"
    names = []
    for prefix in dict.fromkeys(kind.value.split(".")[0] for kind in having):
        group = [kind for kind in EventType if kind.value.startswith(prefix + ".")]
        if all(kind in having for kind in group):
            names.append(f"`{prefix}.*`")
        else:
            names += [f"`{kind.value}`" for kind in group if kind in having]
    return ", ".join(names)


def _example_value(key: str, examples: dict[EventType, dict]) -> str:
    for payload in examples.values():
        if key in payload and payload[key] is not None:
            return f"`{json.dumps(payload[key], ensure_ascii=False)}`".replace("|", "\\|")
    return "(null in every example)"


def fields_of_document(text: str) -> dict[str, list[str]]:
    """Each type's field list as the document states it (its "Fields:" line)."""
    fields = {}
    for section in text.split("\n### `")[1:]:
        type_value = section.split("`", 1)[0]
        line = next((x for x in section.splitlines() if x.startswith("Fields: ")), None)
        if line is not None:
            fields[type_value] = [part.strip("`., ") for part in line[8:].split(", ")]
    return fields


def write(path: Path | None = None) -> bool:
    """Write the document (docs/events.md unless told); True when it changed."""
    path = path or PATH
    text = render()
    if path.exists() and path.read_text() == text:
        return False
    path.write_text(text)
    return True
