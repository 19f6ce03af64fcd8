"""Crossbar's ACDC agent control (cb_agents.erl, REFERENCE §8.6) for the simulator.

- `POST /agents/{USER_ID}/status` {"status": login|logout|pause|resume|end_wrapup, "timeout"}
  answers "status update sent" whatever becomes of it (an AMQP cast): the agent's status changes
  only if the agent can make that change, and a pause whose timeout is not a number (or
  "infinity") is dropped, as kapi_acdc_agent's pause_v drops it.
- `GET /agents/{USER_ID}/status`: the most recent status, a string.
- `GET|POST /agents/{USER_ID}/queue_status` {"action": login|logout, "queue_id"}: the queues on
  the user document, which the action adds to or removes from.
- `GET /agents`: the users with queues (agents/crossbar_listing).
"""

import asyncio
from typing import TYPE_CHECKING, Any

from aiohttp import web

from kazoo_zapier.kazoo.simulator.world import Account, User

if TYPE_CHECKING:
    from kazoo_zapier.kazoo.simulator.crossbar import CrossbarApi

STATUS_CHANGES = ("login", "logout", "pause", "resume", "end_wrapup")
DEFAULT_PAUSE_SECONDS = 600  # acdc.default_agent_pause_timeout
ON_A_CALL = ("connecting", "connected", "outbound")  # pause, resume, logout wait for the hang-up


class AgentsApi:
    def __init__(self, api: "CrossbarApi") -> None:
        self.api = api

    @property
    def state(self):
        return self.api.sim.state

    def routes(self, router: web.UrlDispatcher, prefix: str) -> None:
        router.add_get(prefix + "/agents", self.agents)
        router.add_route("*", prefix + "/agents/{user_id}/status", self.status)
        router.add_route("*", prefix + "/agents/{user_id}/queue_status", self.queue_status)

    def _error(self, status: int, *args: Any):
        from kazoo_zapier.kazoo.simulator.crossbar import CrossbarError

        return CrossbarError(status, *args)

    def _validation(self, field: str, rule: str, message: str, **extra: Any):
        return self._error(400, "validation error", {field: {rule: {"message": message, **extra}}})

    async def agents(self, request: web.Request) -> web.Response:
        account = self.api._account(request)
        queues = self.state.actions.agent_queues.get(account.id, {})
        items = [
            {
                "id": user.id,
                "first_name": user.first_name,
                "last_name": user.last_name,
                "queues": list(queues[user.id]),
            }
            for user in account.users
            if queues.get(user.id)
        ]
        return self.api.page(request, items)

    def _status_of(self, account: Account, user: User) -> str:
        return self.state.agent_status.get(account.id, {}).get(user.id, "logged_out")

    async def status(self, request: web.Request) -> web.Response:
        if request.method not in ("GET", "POST"):
            raise self._error(405)
        body = await self.api._body(request) if request.method == "POST" else {}
        account = self.api._account(request, body)
        user = self.api._find_user(account, request.match_info["user_id"])
        if request.method == "GET":
            return self.api.ok(request, self._status_of(account, user))
        data = body.get("data") if isinstance(body.get("data"), dict) else {}
        change = data.get("status")
        if change not in STATUS_CHANGES:
            raise self._validation("status", "enum", "value is not a valid status")
        timeout = data.get("timeout")
        if isinstance(timeout, int) and not isinstance(timeout, bool) and timeout < 0:
            raise self._validation("timeout", "minimum", "value must be at least 0", target=0)
        self._cast(account, user, change, timeout)
        return self.api.ok(request, "status update sent")

    def _cast(self, account: Account, user: User, change: str, timeout: Any) -> None:
        """What the agent's FSM does with the cast, if anything."""
        in_a_queue = any(user.id in queue.agent_ids for queue in account.queues)
        if not in_a_queue and not self.state.actions.agent_queues.get(account.id, {}).get(user.id):
            return  # not an agent: no FSM takes the message
        now = self._status_of(account, user)
        if change == "login":
            new = "ready" if now == "logged_out" else now
        elif change == "logout":
            new = now if now in ON_A_CALL else "logged_out"
        elif change == "pause":
            if now == "logged_out" or now in ON_A_CALL:
                return
            if timeout is None:
                timeout = DEFAULT_PAUSE_SECONDS
            elif timeout != "infinity" and (
                not isinstance(timeout, int) or isinstance(timeout, bool)
            ):
                return  # pause_v refuses it: the cast is never published (REFERENCE §8.6.3)
            new = "paused"
            self._pause_timer(account, user, None if timeout == "infinity" else timeout)
        elif change == "resume":
            new = "ready" if now == "paused" else now
        else:  # end_wrapup
            new = "ready" if now == "wrapup" else now
        if change != "pause":
            self._pause_timer(account, user, None)
        if new != now:
            self.state.apply_agent_status(account.id, {"agent_id": user.id, "status": new})

    def _pause_timer(self, account: Account, user: User, seconds: int | None) -> None:
        key = (account.id, user.id)
        timers = self.state.actions.pause_timers
        if key in timers:
            timers.pop(key).cancel()
        if seconds is None:
            return

        def resume() -> None:
            timers.pop(key, None)
            if self._status_of(account, user) == "paused":
                self.state.apply_agent_status(account.id, {"agent_id": user.id, "status": "ready"})

        timers[key] = asyncio.get_running_loop().call_later(seconds, resume)

    async def queue_status(self, request: web.Request) -> web.Response:
        if request.method not in ("GET", "POST"):
            raise self._error(405)
        body = await self.api._body(request) if request.method == "POST" else {}
        account = self.api._account(request, body)
        user = self.api._find_user(account, request.match_info["user_id"])
        queues = self.state.actions.agent_queues.setdefault(account.id, {})
        mine = queues.setdefault(user.id, [])
        if request.method == "GET":
            return self.api.ok(request, list(mine))
        data = body.get("data") if isinstance(body.get("data"), dict) else {}
        for key in ("action", "queue_id"):
            if not data.get(key):
                raise self._validation(key, "required", "Field is required but missing")
        if data["action"] not in ("login", "logout"):
            raise self._validation("action", "enum", "Value not found in enumerated list of values")
        queue_id = str(data["queue_id"])
        if data["action"] == "login":
            if queue_id not in mine:
                mine.append(queue_id)
            if self._status_of(account, user) == "logged_out":
                self.state.apply_agent_status(account.id, {"agent_id": user.id, "status": "ready"})
        elif queue_id in mine:
            mine.remove(queue_id)
        return self.api.ok(request, list(mine))
