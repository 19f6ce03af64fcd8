"""An event as one reader reads it: their language, their time zone, their country's numbers.

The event is stored once, in UTC and English. What each subscriber receives adds, in the
catalogue's order (EventType.delivered_keys):

- `occurred_at_local` and `timezone`: the moment in the reader's IANA zone, with its offset
  (zoneinfo knows the daylight-saving rules, so 14:05 stays 14:05 on either side of a change);
- `from_number_display` and `to_number_display`: national for numbers of the reader's country,
  international otherwise (phonenumbers), extensions as they are;
- `summary` written again in the reader's language, with those numbers.
"""

import zoneinfo
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import phonenumbers
from django.utils import translation

from events.catalogue import EventType
from events.normalizer.summary import summarize
from kazoo_zapier.display import parse_e164


@dataclass(frozen=True)
class Reader:
    language: str  # one of settings.LANGUAGES
    zone: str  # IANA
    region: str  # ISO 3166 country, e.g. "DE"

    @property
    def key(self) -> str:
        """Readers with the same key read every event alike (hooks.rendering)."""
        return f"{self.language}|{self.zone}|{self.region}"


@lru_cache(maxsize=1)
def _zone_countries() -> dict[str, str]:
    """IANA zone -> country, from the tz database's zone.tab where zoneinfo reads its zones."""
    for base in zoneinfo.TZPATH:
        try:
            lines = (Path(base) / "zone.tab").read_text(encoding="utf-8").splitlines()
        except OSError:
            continue
        rows = (line.split("\t") for line in lines if line and not line.startswith("#"))
        return {row[2]: row[0] for row in rows if len(row) >= 3}
    return {}


def zone_country(zone: str) -> str | None:
    """'Europe/Berlin' -> 'DE'; None for 'UTC' or where the tz database has no zone.tab."""
    return _zone_countries().get(zone)


@lru_cache(maxsize=65536)
def display_number(number: str | None, region: str) -> str | None:
    """'+493012345670' for a German reader: '030 12345670'; for a French one: '+49 30 12345670'."""
    parsed = parse_e164(number)
    if parsed is None:
        return number
    own = phonenumbers.region_code_for_number(parsed) == region
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if own
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(parsed, style)


def local_time(occurred_at: str, zone: str) -> str:
    """'2026-12-03T13:05:09Z' in Europe/Berlin: '2026-12-03T14:05:09+01:00' (seconds kept as
    the stored time has them)."""
    moment = datetime.fromisoformat(occurred_at)
    return moment.astimezone(zoneinfo.ZoneInfo(zone)).isoformat()


def localized(payload: dict[str, Any], reader: Reader, *, receiving: bool | None) -> dict[str, Any]:
    """The payload for this reader, keys in the catalogue's delivered order; keys the catalogue
    does not know follow, as they came."""
    try:
        kind = EventType(payload.get("type"))
    except ValueError:
        return dict(payload)
    extra: dict[str, Any] = {"timezone": reader.zone}
    if payload.get("occurred_at"):
        extra["occurred_at_local"] = local_time(payload["occurred_at"], reader.zone)
    for key in ("from_number", "to_number"):
        if key in kind.payload_keys:
            extra[f"{key}_display"] = display_number(payload.get(key), reader.region)

    def show(number: str | None) -> str | None:
        return display_number(number, reader.region)

    # A payload from before a catalogue change may lack a key: it keeps its stored sentence.
    with translation.override(reader.language), suppress(KeyError, TypeError, ValueError):
        extra["summary"] = summarize(payload, receiving=receiving, show=show)
    merged = payload | extra
    first = {key: merged.get(key) for key in kind.delivered_keys}
    return first | {key: value for key, value in merged.items() if key not in first}
