"""Call-centre agents from a Zap: log in / out (all queues or one), pause, resume, end wrap-up,
and the agents for dropdowns and Find Agent.

Kazoo's status change is fire-and-forget (REFERENCE §8.6): Crossbar answers "status update sent"
whatever the agent does. So each change is confirmed by reading the agent's status back for a
moment; when it does not show, the answer says so (202, `confirmed: false`) instead of claiming
success. A change that is already true (logging in a logged-in agent) answers 200 with the state
and sends nothing.
"""

import time
from dataclasses import dataclass
from typing import Any

from accounts.models import KazooUser
from calls import tenancy
from calls.action_log import done, recorded
from calls.models import ActionRequest
from kazoo_zapier.api import APIError
from kazoo_zapier.kazoo.crossbar import get_crossbar

ACTIONS = {
    "login": ActionRequest.Action.AGENT_LOGIN,
    "logout": ActionRequest.Action.AGENT_LOGOUT,
    "pause": ActionRequest.Action.AGENT_PAUSE,
    "resume": ActionRequest.Action.AGENT_RESUME,
    "end_wrapup": ActionRequest.Action.AGENT_END_WRAPUP,
}
ON_A_CALL = ("connecting", "connected", "outbound")
MAX_PAUSE_MINUTES = 24 * 60
# How long a change is looked for in the agent's status before the answer says it is not shown.
CONFIRM_SECONDS = 3.0


@dataclass
class AgentState:
    status: str
    queue_ids: list[str]  # the queues the agent is logged in to (Kazoo's user doc `queues`)


def status_text(data: Any, agent_id: str) -> str:
    """An agent's status from Kazoo's answer: a string, {agent_id: status} or {"status": ...}."""
    if isinstance(data, str):
        return data
    if isinstance(data, dict):
        value = data.get(agent_id, data.get("status"))
        if isinstance(value, dict):
            value = value.get("status")
        if isinstance(value, str):
            return value
    return "logged_out"


def _account_queues(account_id: str) -> dict[str, dict[str, Any]]:
    return {q["id"]: q for q in get_crossbar().queues(account_id) if q.get("id")}


def member_queue_ids(agent_id: str, doc: dict[str, Any], queues: dict[str, dict]) -> list[str]:
    """The queues the user is an agent of: those listing them, and those on their document."""
    ids = [qid for qid, q in queues.items() if agent_id in (q.get("agents") or [])]
    ids += [qid for qid in doc.get("queues") or [] if qid in queues and qid not in ids]
    return ids


def read_state(account_id: str, agent_id: str) -> AgentState:
    crossbar = get_crossbar()
    status = status_text(crossbar.agent_status(account_id, agent_id), agent_id)
    doc = crossbar.user(account_id, agent_id)
    return AgentState(status=status, queue_ids=list(doc.get("queues") or []))


def _queue_refs(ids: list[str], queues: dict[str, dict]) -> list[dict[str, str]]:
    return [{"id": qid, "name": (queues.get(qid) or {}).get("name") or qid} for qid in ids]


def _expected(action: str, queue_id: str | None, members: list[str]):
    """Whether the agent's state shows the change (the check the confirmation waits for)."""
    if action == "login":
        wanted = [queue_id] if queue_id else members
        return lambda s: s.status != "logged_out" and all(q in s.queue_ids for q in wanted)
    if action == "logout":
        if queue_id:
            return lambda s: queue_id not in s.queue_ids
        return lambda s: s.status == "logged_out"
    if action == "pause":
        return lambda s: s.status == "paused"
    if action == "resume":
        return lambda s: s.status != "paused"
    return lambda s: s.status != "wrapup"


def change_status(
    profile: KazooUser,
    agent_id: str | None,
    action: str,
    *,
    queue_id: str | None = None,
    minutes: int | None = None,
) -> tuple[int, dict[str, Any]]:
    """(HTTP status, body) of one agent action; the ActionRequest row records it either way."""
    requested = {"action": action, "queue_id": queue_id or None, "minutes": minutes}
    account_id = profile.account.kazoo_id
    with recorded(profile, ACTIONS[action], requested, agent_id or profile.kazoo_id) as row:
        target = tenancy.target_user(profile, agent_id, doing="change the call-centre status")
        row.target_id, row.target_name = target.id, target.name
        queues = _account_queues(account_id)
        members = member_queue_ids(target.id, target.doc, queues)
        if not members:
            raise APIError(
                409,
                "not_an_agent",
                f"{target.name} is not an agent of a call-centre queue. Ask your administrator "
                "to add them to a queue first.",
            )
        if queue_id and queue_id not in queues:
            raise APIError(
                404,
                "queue_not_found",
                f"{profile.account.name} has no call-centre queue with the id '{queue_id}'. "
                "Choose one from the list.",
            )
        if queue_id and queue_id not in members:
            raise APIError(
                409,
                "not_an_agent_of_queue",
                f"{target.name} is not an agent of the {queues[queue_id]['name']} queue.",
            )
        before = read_state(account_id, target.id)
        shows = _expected(action, queue_id, members)
        body = {
            "agent_id": target.id,
            "agent_name": target.name,
            "action": action,
            "queue_id": queue_id or None,
            "previous_status": before.status,
            "request_id": row.id,
        }
        if action in ("pause", "resume", "end_wrapup") and before.status == "logged_out":
            raise APIError(
                409,
                "agent_logged_out",
                f"{target.name} is logged out of the call centre: log them in first.",
            )
        if action != "pause" and shows(before):
            body.update(_result(before, queues, changed=False, confirmed=True))
            body["detail"] = f"{target.name} is already {_words(before.status)}; nothing to change."
            done(row, 200, body["detail"])
            return 200, body

        answer = _send(account_id, target.id, action, queue_id, minutes, before, members)
        after = _wait_for(account_id, target.id, shows)
        confirmed = shows(after)
        body.update(_result(after, queues, changed=confirmed, confirmed=confirmed))
        if confirmed:
            body["detail"] = f"{target.name} is now {_words(after.status)}."
        elif after.status in ON_A_CALL:
            body["detail"] = (
                f"{target.name} is on a queue call: Kazoo makes the change when the call ends."
            )
        else:
            body["detail"] = (
                f"Kazoo took the request, but {target.name}'s status still shows "
                f"{_words(after.status)}; check again in a minute."
            )
        status = 200 if confirmed else 202
        done(row, status, body["detail"], answer, confirmed=confirmed)
        return status, body


def _send(account_id, agent_id, action, queue_id, minutes, before: AgentState, members):
    crossbar = get_crossbar()
    if queue_id:
        return crossbar.agent_queue_status(account_id, agent_id, action, queue_id)
    if action == "pause":
        # A JSON number of seconds, or "infinity": a string number would be dropped by Kazoo.
        timeout: int | str = minutes * 60 if minutes else "infinity"
        return crossbar.change_agent_status(account_id, agent_id, "pause", timeout=timeout)
    answer = crossbar.change_agent_status(account_id, agent_id, action)
    if action == "login":
        # "All queues": the queues they were logged out of one by one come back too.
        for qid in members:
            if qid not in before.queue_ids:
                crossbar.agent_queue_status(account_id, agent_id, "login", qid)
    return answer


def _wait_for(account_id: str, agent_id: str, shows) -> AgentState:
    deadline = time.monotonic() + CONFIRM_SECONDS
    while True:
        state = read_state(account_id, agent_id)
        if shows(state) or time.monotonic() >= deadline:
            return state
        time.sleep(0.2)


def _result(state: AgentState, queues, *, changed: bool, confirmed: bool) -> dict[str, Any]:
    return {
        "status": state.status,
        "queues": _queue_refs(state.queue_ids, queues),
        "changed": changed,
        "confirmed": confirmed,
    }


WORDS = {
    "logged_in": "logged in",
    "logged_out": "logged out",
    "ready": "logged in and ready",
    "connecting": "being connected to a call",
    "connected": "on a queue call",
    "wrapup": "wrapping up",
    "paused": "paused",
    "outbound": "on an outbound call",
}


def _words(status: str) -> str:
    return WORDS.get(status, status.replace("_", " "))


# --- agents for dropdowns and Find Agent --------------------------------------------------------
def agents_for(profile: KazooUser, query: str | None = None) -> list[dict[str, Any]]:
    """The account's agents (a user who is no administrator: only themself), with queues and
    status; `query` matches a name (any part) or an extension exactly."""
    crossbar = get_crossbar()
    account_id = profile.account.kazoo_id
    queues = _account_queues(account_id)
    users = {u["id"]: u for u in crossbar.users(account_id) if u.get("id")}
    agent_queues: dict[str, list[str]] = {}
    for qid, queue in queues.items():
        for agent in queue.get("agents") or []:
            agent_queues.setdefault(agent, []).append(qid)
    for agent in crossbar.agents(account_id):
        for qid in agent.get("queues") or []:
            if qid in queues and qid not in agent_queues.setdefault(agent.get("id"), []):
                agent_queues[agent["id"]].append(qid)
    statuses = crossbar.agents_status(account_id)
    statuses = statuses if isinstance(statuses, dict) else {}
    wanted = (query or "").strip().lower()
    found = []
    for agent_id, member_of in agent_queues.items():
        user = users.get(agent_id)
        if user is None or (not tenancy.may_see_account(profile) and agent_id != profile.kazoo_id):
            continue
        name = tenancy.display_name(user)
        extension = user.get("presence_id") or ""
        names = (extension.lower(), (user.get("username") or "").lower())
        if wanted and wanted not in names and wanted not in name.lower():
            continue
        found.append(
            {
                "id": agent_id,
                "name": name,
                "extension": extension,
                "email": user.get("email") or "",
                "status": status_text(statuses.get(agent_id, "logged_out"), agent_id),
                "queues": _queue_refs(member_of, queues),
            }
        )
    return sorted(found, key=lambda a: (a["name"].lower(), a["id"]))
