"""Legs and the Blackhole `data` objects Kazoo 4.3 pushes for them.

A Kazoo call is a set of FreeSWITCH channels (legs), each with its own Call-ID. This module holds
one leg's state and turns it into the exact `data` object blackhole pushes for CHANNEL_* and PARK_*
events: ecallmgr's generic call-event fields (`ecallmgr_call_events:generic_call_event_props/1`),
normalized as blackhole does (lower-case, '-' -> '_', recursively). Values that Kazoo leaves
undefined are dropped, as `props:filter_undefined` does, so keys appear when Kazoo would set them
(e.g. `to_tag` once the far end answered, `other_leg_call_id` once the leg has another leg).
See Kazoo's Blackhole and ecallmgr sources (tests/fixtures/kazoo/ holds its published examples).
"""

from __future__ import annotations

import copy
import math
import random
import string
from dataclasses import dataclass, field
from typing import Any

from kazoo_zapier.kazoo.simulator.world import Account

GREGORIAN_OFFSET = 62167219200  # seconds from 0000-01-01 to 1970-01-01, Kazoo's Timestamp epoch

# One media server: every leg of the simulator lives on it, as on a single-node install.
SWITCH_HOSTNAME = "fs1.sip.example.net"
SWITCH_IP = "10.20.0.11"
ECALLMGR_NODE = "ecallmgr@apps1.sip.example.net"
APPS_NODE = "kazoo_apps@apps1.sip.example.net"
CARRIER_IP = "203.0.113.10"
CARRIER_RESOURCE_ID = "5f2c9a1e7d3b4c8a9e0f1a2b3c4d5e6f"  # the provider's offnet carrier resource
ECALLMGR_VERSION = "4.3.0"
CALLFLOW_VERSION = "4.0.0"  # callflow's ?APP_VERSION, stamped on PARK_* events

# FreeSWITCH's SIP code for each hangup cause as seen on these legs (`Hangup-Code`).
HANGUP_CODES = {
    "NORMAL_CLEARING": "sip:200",
    "LOSE_RACE": "sip:487",
    "ORIGINATOR_CANCEL": "sip:487",
    "NO_ANSWER": "sip:480",
    "USER_BUSY": "sip:486",
    "UNALLOCATED_NUMBER": "sip:404",
}

USER_AGENTS = {
    "sip_device": "Yealink SIP-T46S 66.86.0.15",
    "softphone": "Zoiper rv2.10.19.3",
    "mobile": "Kazoo Mobile/3.1",
    "carrier": "Ribbon SBC 9.2",
}


def normalize_keys(value: Any) -> Any:
    """Blackhole's `kz_json:normalize_jobj/1`: lower-case keys and '-' -> '_', recursively."""
    if isinstance(value, dict):
        return {key.lower().replace("-", "_"): normalize_keys(item) for key, item in value.items()}
    if isinstance(value, list):
        return [normalize_keys(item) for item in value]
    return value


def gregorian(unix_seconds: float) -> int:
    return int(unix_seconds) + GREGORIAN_OFFSET


def uuid_call_id(rng: random.Random) -> str:
    """FreeSWITCH's own uuid, the Call-ID of every leg it originates (outbound-use-uuid-as-callid)."""
    hexes = f"{rng.getrandbits(128):032x}"
    return f"{hexes[:8]}-{hexes[8:12]}-4{hexes[13:16]}-{hexes[16:20]}-{hexes[20:]}"


def device_call_id(rng: random.Random, device_type: str) -> str:
    """The SIP Call-ID a phone sends; Kazoo keeps it as the A-leg's Call-ID (inbound-use-callid-as-uuid).

    Desk phones put '@' and '.' in it, which is exactly what trips naive routing-key parsing.
    """
    if device_type == "sip_device":
        return f"0_{rng.randrange(10**9, 10**10)}@192.168.1.{rng.randrange(20, 250)}"
    alphabet = string.ascii_lowercase + string.digits
    return "".join(rng.choice(alphabet) for _ in range(20))


def carrier_call_id(rng: random.Random) -> str:
    return f"{rng.getrandbits(128):032x}@{CARRIER_IP}"


def quickcall_call_id(rng: random.Random) -> str:
    """cb_quickcall's Outbound-Call-ID: 36 hex characters then '-quickcall'."""
    return f"{rng.getrandbits(144):036x}-quickcall"


def interaction_id(rng: random.Random, unix_seconds: float) -> str:
    """ecallmgr's ?CALL_INTERACTION_DEFAULT: Gregorian seconds, '-', 8 hex."""
    return f"{gregorian(unix_seconds)}-{rng.getrandbits(32):08x}"


def random_tag(rng: random.Random, length: int = 10) -> str:
    alphabet = string.ascii_letters + string.digits
    return "".join(rng.choice(alphabet) for _ in range(length))


def sdp(rng: random.Random, ip: str) -> str:
    session = rng.randrange(10**17, 10**18)
    port = rng.randrange(16384, 32768, 2)
    return (
        f"v=0\r\no=- {session} 2 IN IP4 {ip}\r\ns=-\r\nc=IN IP4 {ip}\r\nt=0 0\r\n"
        f"m=audio {port} RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n"
        "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:20\r\n"
    )


def account_ccvs(account: Account) -> dict[str, str]:
    return {
        "account_id": account.id,
        "account_name": account.name,
        "account_realm": account.realm,
        "realm": account.realm,
    }


@dataclass
class Leg:
    """One FreeSWITCH channel as ecallmgr reports it. Mutable: a scenario advances it in time."""

    call_id: str
    direction: str  # the switch's view: "inbound" enters FreeSWITCH, "outbound" is originated by it
    channel_name: str
    caller_id_name: str
    caller_id_number: str
    callee_id_name: str
    callee_id_number: str
    from_: str
    from_uri: str
    to: str
    to_uri: str
    request: str
    presence_id: str
    user_agent: str
    remote_ip: str
    ccvs: dict[str, Any]
    sip_headers: dict[str, str] = field(default_factory=dict)
    from_tag: str = ""
    to_tag: str | None = None
    created_at: float = 0.0  # unix seconds
    answered_at: float | None = None
    disposition: str = ""
    held: bool = False
    other_leg: Leg | None = None
    other_leg_destination: str | None = None
    # Display name kept for results and debugging; not part of any event.
    label: str = ""

    def generic(self, event_name: str, unix: float) -> dict[str, Any]:
        """ecallmgr's generic call-event props, already normalized, undefined values dropped."""
        data: dict[str, Any] = {
            "event_name": event_name,
            "event_category": "call_event",
            "app_name": "ecallmgr",
            "app_version": ECALLMGR_VERSION,
            "msg_id": str(int(unix * 1_000_000)),  # ecallmgr uses FreeSWITCH's µs event time
            "call_id": self.call_id,
            "call_direction": self.direction,
            "caller_id_name": self.caller_id_name,
            "caller_id_number": self.caller_id_number,
            "callee_id_name": self.callee_id_name,
            "callee_id_number": self.callee_id_number,
            "channel_call_state": self.call_state(event_name),
            "channel_created_time": int(self.created_at * 1_000_000),
            "channel_name": self.channel_name,
            "channel_state": self.channel_state(event_name),
            "custom_channel_vars": copy.deepcopy(self.ccvs),
            "custom_sip_headers": dict(self.sip_headers),
            "custom_application_vars": {},
            "disposition": self.disposition,
            "from": self.from_,
            "from_tag": self.from_tag,
            "from_uri": self.from_uri,
            "to": self.to,
            "to_uri": self.to_uri,
            "request": self.request,
            "presence_id": self.presence_id,
            "media_server": SWITCH_HOSTNAME,
            "switch_hostname": SWITCH_HOSTNAME,
            "switch_nodename": f"freeswitch@{SWITCH_HOSTNAME}",
            "switch_uri": f"sip:{SWITCH_IP}:11000",
            "switch_url": f"sip:mod_sofia@{SWITCH_IP}:11000",
            "timestamp": gregorian(unix),
        }
        if self.to_tag is not None:
            data["to_tag"] = self.to_tag
        if self.other_leg is not None:
            data["other_leg_call_id"] = self.other_leg.call_id
            data["other_leg_caller_id_name"] = self.other_leg.caller_id_name
            data["other_leg_caller_id_number"] = self.other_leg.caller_id_number
            data["other_leg_destination_number"] = self.other_leg_destination
            data["other_leg_direction"] = self.other_leg.direction
        return data

    def call_state(self, event_name: str) -> str:
        if event_name == "CHANNEL_CREATE":
            return "DOWN"
        if event_name == "CHANNEL_DESTROY":
            return "HANGUP"
        if self.held:
            return "HELD"
        return "ACTIVE" if self.answered_at is not None else "RINGING"

    def channel_state(self, event_name: str) -> str:
        """FreeSWITCH's CS_* state, with the 'CS_' prefix ecallmgr strips."""
        if event_name == "CHANNEL_CREATE":
            return "INIT"
        if event_name == "CHANNEL_DESTROY":
            return "DESTROY"
        # A-legs run the callflow's applications; originated legs just exchange media.
        return "EXECUTE" if self.direction == "inbound" else "EXCHANGE_MEDIA"

    def destroy_fields(
        self, unix: float, cause: str, rng: random.Random, progress_seconds: int = 0
    ) -> dict[str, Any]:
        """CHANNEL_DESTROY's extra fields; the seconds are integers in 4.3 (`get_*_seconds/1`)."""
        duration = max(0, math.ceil(unix - self.created_at))
        billing = 0
        if self.answered_at is not None:
            billing = min(duration, max(1, math.ceil(unix - self.answered_at)))
        fields: dict[str, Any] = {
            "hangup_cause": cause,
            "hangup_code": HANGUP_CODES.get(cause, "sip:500"),
            "duration_seconds": duration,
            "billing_seconds": billing,
            "ringing_seconds": max(0, duration - billing - progress_seconds),
            "user_agent": self.user_agent,
            "remote_sdp": sdp(rng, self.remote_ip),
            "local_sdp": sdp(rng, SWITCH_IP),
        }
        return fields


def park_data(
    leg: Leg, event_name: str, unix: float, slot: str, account: Account
) -> dict[str, Any]:
    """cf_park:publish_event/3 as blackhole pushes it: callflow's default headers, no Timestamp."""
    ccvs = copy.deepcopy(leg.ccvs)
    ccvs["realm"] = account.realm
    return {
        "event_name": event_name,
        "event_category": "call_event",
        "app_name": "callflow",
        "app_version": CALLFLOW_VERSION,
        "msg_id": str(int(unix * 1_000_000)),
        "call_id": leg.call_id,
        "caller_id_name": leg.caller_id_name,
        "caller_id_number": leg.caller_id_number,
        "callee_id_name": leg.callee_id_name,
        "callee_id_number": leg.callee_id_number,
        "custom_channel_vars": ccvs,
        "parking_slot": str(slot),
    }
