"""KazooSimulator: Crossbar (HTTP) and Blackhole (websocket) on one asyncio loop.

Either in the foreground (`run_forever`, the management command; SIGINT/SIGTERM stop it) or in a
background thread with its own loop (`start`/`stop`, the tests). Every public method may be
called from any thread: work that touches the servers' state hops onto the loop.
"""

import asyncio
import concurrent.futures
import logging
import random
import signal
import threading
import time
from collections.abc import Callable, Coroutine
from typing import Any

from aiohttp import web

from kazoo_zapier.kazoo.simulator.blackhole import DEFAULT_MAX_QUEUED, BlackholeHub
from kazoo_zapier.kazoo.simulator.crossbar import CrossbarApi
from kazoo_zapier.kazoo.simulator.faults import Faults
from kazoo_zapier.kazoo.simulator.ratelimit import KAZOO_RATE_LIMIT, RateLimit
from kazoo_zapier.kazoo.simulator.state import LiveState
from kazoo_zapier.kazoo.simulator.tokens import TokenAuthority
from kazoo_zapier.kazoo.simulator.world import World, demo_world

logger = logging.getLogger(__name__)

START_TIMEOUT_SECONDS = 10.0


class UnknownScenario(LookupError):
    pass


def _scenarios():
    """The scenario engine, imported late: it is another module's work and may be absent."""
    from kazoo_zapier.kazoo.simulator import scenarios

    return scenarios


class KazooSimulator:
    def __init__(
        self,
        world: World | None = None,
        host: str = "127.0.0.1",
        http_port: int = 0,
        ws_port: int = 0,
        speed: float = 1.0,
        token_ttl: float = 3600,
        rate_limit: RateLimit | None = KAZOO_RATE_LIMIT,
        max_queued: int = DEFAULT_MAX_QUEUED,
    ) -> None:
        self.world = world if world is not None else demo_world()
        self.host = host
        self.http_port = http_port
        self.ws_port = ws_port
        self.speed = speed
        self.tokens = TokenAuthority(token_ttl)
        self.state = LiveState(self.world)
        self.rate_limit = rate_limit  # Blackhole's bucket; reset() comes back to it
        self.hub = BlackholeHub(self.world, self.tokens, max_queued, rate_limit)
        self.crossbar = CrossbarApi(self)
        self.faults = Faults(
            drop_sockets=lambda: self._call(self.hub.drop_all),
            expire_tokens=self.tokens.expire_all,
            set_rate_limit=lambda limit: self._call(setattr, self.hub, "rate_limit", limit),
            drop_replies=lambda count: self._call(self.hub.drop_replies, count),
        )
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread_id: int | None = None
        self._thread: threading.Thread | None = None
        self._runners: list[web.AppRunner] = []
        self._stop_event: asyncio.Event | None = None
        self._plays: set[asyncio.Task] = set()
        self._leg_waiters: dict[str, asyncio.Future] = {}
        self._load_task: asyncio.Task | None = None
        self._load_started = 0

    # --- addresses ------------------------------------------------------------------------------
    @property
    def api_url(self) -> str:
        return f"http://{self.host}:{self.http_port}/v2"

    @property
    def ws_url(self) -> str:
        return f"ws://{self.host}:{self.ws_port}"

    # --- lifecycle ------------------------------------------------------------------------------
    def start(self) -> "KazooSimulator":
        """Serve from a background thread; returns once both ports listen."""
        if self._thread is not None:
            raise RuntimeError("the simulator is already running")
        ready: concurrent.futures.Future[None] = concurrent.futures.Future()

        def serve() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            self._bind(loop)
            try:
                loop.run_until_complete(self._start_servers())
            except BaseException as error:  # handed to the starting thread
                ready.set_exception(error)
                loop.close()
                return
            ready.set_result(None)
            loop.run_forever()
            loop.run_until_complete(self._shutdown())
            loop.close()

        self._thread = threading.Thread(target=serve, name="kazoo-simulator", daemon=True)
        self._thread.start()
        try:
            ready.result(timeout=START_TIMEOUT_SECONDS)
        except BaseException:
            self._thread = None
            raise
        return self

    def stop(self) -> None:
        loop = self._loop
        if loop is None:
            return
        if self._thread is not None:
            loop.call_soon_threadsafe(loop.stop)
            self._thread.join(timeout=START_TIMEOUT_SECONDS)
            self._thread = None
        elif self._stop_event is not None:
            loop.call_soon_threadsafe(self._stop_event.set)

    def run_forever(self, on_ready: Callable[["KazooSimulator"], None] | None = None) -> None:
        """Serve in the foreground until SIGINT or SIGTERM (or stop() from another thread)."""
        asyncio.run(self._serve_until_stopped(on_ready))

    async def _serve_until_stopped(self, on_ready) -> None:
        loop = asyncio.get_running_loop()
        self._bind(loop)
        self._stop_event = asyncio.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, self._stop_event.set)
        await self._start_servers()
        if on_ready is not None:
            on_ready(self)
        await self._stop_event.wait()
        await self._shutdown()

    def _bind(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._loop_thread_id = threading.get_ident()

    async def _start_servers(self) -> None:
        http_app = web.Application(middlewares=[self.crossbar.middleware])
        self.crossbar.routes(http_app)
        self._control_routes(http_app)
        ws_app = web.Application()
        ws_app.router.add_get("/{tail:.*}", self.hub.handle)
        self.http_port = await self._listen(http_app, self.http_port)
        self.ws_port = await self._listen(ws_app, self.ws_port)

    async def _listen(self, app: web.Application, port: int) -> int:
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        self._runners.append(runner)
        site = web.TCPSite(runner, self.host, port, reuse_address=True)
        await site.start()
        return runner.addresses[0][1]

    async def _shutdown(self) -> None:
        self._stop_load()
        for task in list(self._plays):
            task.cancel()
        await self.hub.close_all()
        for runner in self._runners:
            await runner.cleanup()
        self._runners.clear()

    # --- running things on the loop -------------------------------------------------------------
    def _in_loop(self) -> bool:
        return self._loop_thread_id == threading.get_ident()

    def _call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run a plain function on the loop and return its result (directly if already there)."""
        if self._loop is None or self._in_loop():
            return fn(*args, **kwargs)

        async def run() -> Any:
            return fn(*args, **kwargs)

        return asyncio.run_coroutine_threadsafe(run(), self._loop).result()

    def _await(self, coro: Coroutine[Any, Any, Any]) -> Any:
        assert self._loop is not None and not self._in_loop()
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result()

    # --- events ---------------------------------------------------------------------------------
    def publish(self, account_id: str, event_name: str, data: dict[str, Any]) -> int:
        """Push one call event (Blackhole-normalized `data`) and update channels / CDRs from it.
        Returns how many frames were queued to sockets."""
        return self._call(self._publish_now, account_id, event_name, data)

    def _publish_now(self, account_id: str, event_name: str, data: dict[str, Any]) -> int:
        self.state.apply_event(account_id, event_name, data)
        if event_name == "CHANNEL_CREATE":
            waiter = self._leg_waiters.pop(str(data.get("call_id")), None)
            if waiter is not None and not waiter.done():
                waiter.set_result(True)
        return self.hub.publish(account_id, event_name, data)

    def send_raw(self, frame: str | bytes) -> None:
        self._call(self.hub.send_raw, frame)

    def expect_leg(self, call_id: str) -> asyncio.Future:
        """A future resolved when a CHANNEL_CREATE for `call_id` is published (loop thread only)."""
        assert self._loop is not None
        future = self._loop.create_future()
        self._leg_waiters[call_id] = future
        return future

    def forget_leg(self, call_id: str) -> None:
        self._leg_waiters.pop(call_id, None)

    # --- scenarios ------------------------------------------------------------------------------
    def _build(self, name: str, params: dict[str, Any]):
        scenarios = _scenarios()
        if name not in getattr(scenarios, "SCENARIOS", {}):
            raise UnknownScenario(f"no scenario named {name!r}")
        seed = params.pop("seed", None)
        params = self.state.actions.with_user_settings(name, params)
        return scenarios.build_scenario(
            name, self.world, start=time.time(), rng=random.Random(seed), **params
        )

    @staticmethod
    def _result(scenario) -> dict[str, Any]:
        return {"name": scenario.name, "call_id": scenario.call_id, **scenario.result}

    def play(self, name: str, *, wait: bool = False, **params: Any) -> dict[str, Any]:
        """Play a scenario from scenarios.py; with wait=True, return after its last step is sent."""
        scenario = self._build(name, params)
        if self._in_loop():
            self._start_play(scenario)
        elif wait:
            self._await(self._play_steps(scenario))
        else:
            self._call(self._start_play, scenario)
        return self._result(scenario)

    def play_in_loop(self, name: str, **params: Any) -> dict[str, Any] | None:
        """For Crossbar's quickcall: play if the scenario engine has it, else say so and go on."""
        try:
            scenario = self._build(name, params)
        except (ImportError, UnknownScenario):
            logger.warning("scenario %r unavailable: nothing is played", name)
            call_id = params.get("call_id")
            if call_id in self._leg_waiters:
                self._leg_waiters.pop(call_id).set_result(False)
            return None
        self._start_play(scenario)
        return self._result(scenario)

    def _start_play(self, scenario) -> asyncio.Task:
        task = asyncio.ensure_future(self._play_steps(scenario))
        self._plays.add(task)
        task.add_done_callback(self._plays.discard)
        return task

    async def _play_steps(self, scenario) -> None:
        loop = asyncio.get_running_loop()
        began = loop.time()
        for step in scenario.steps:
            if self.speed > 0:
                # Against the scenario's clock, not step to step: delays do not accumulate drift.
                delay = began + step.at / self.speed - loop.time()
                await asyncio.sleep(max(0.0, delay))
            else:
                await asyncio.sleep(0)  # in order, as fast as the loop goes, letting writers run
            self._apply_step(step)

    def _apply_step(self, step) -> None:
        if step.kind == "event":
            self._publish_now(step.account_id, step.name, step.data)
        elif step.kind == "acdc_call":
            self.state.apply_acdc_call(step.account_id, step.data)
        elif step.kind == "agent_status":
            self.state.apply_agent_status(step.account_id, step.data)
        else:
            logger.warning("unknown scenario step kind %r", step.kind)

    # --- steady load ----------------------------------------------------------------------------
    def start_load(
        self, calls_per_second: float, *, duration: float | None = None, seed: int = 0
    ) -> None:
        """A seeded random mix of call scenarios, `calls_per_second` new calls each second."""
        if calls_per_second <= 0:
            raise ValueError("calls_per_second must be positive")
        _scenarios()  # fail here, in the caller's thread, if the engine is missing
        self._call(self._begin_load, calls_per_second, duration, seed)

    def stop_load(self) -> None:
        self._call(self._stop_load)

    def _begin_load(self, calls_per_second: float, duration: float | None, seed: int) -> None:
        self._stop_load()
        self._load_started = 0
        self._load_task = asyncio.ensure_future(self._load(calls_per_second, duration, seed))

    def _stop_load(self) -> None:
        if self._load_task is not None:
            self._load_task.cancel()
            self._load_task = None

    async def _load(self, calls_per_second: float, duration: float | None, seed: int) -> None:
        scenarios = _scenarios()
        rng = random.Random(seed)
        loop = asyncio.get_running_loop()
        began = loop.time()
        while True:
            elapsed = loop.time() - began
            if duration is not None and elapsed >= duration:
                return
            due = int(elapsed * calls_per_second) + 1
            # Catch up after a stall, but never more than a second's worth at once.
            behind = min(due - self._load_started, max(1, int(calls_per_second)))
            for _ in range(behind):
                # One at a time: random_mix staggers a batch's starts, the load paces them itself.
                for scenario in scenarios.random_mix(
                    self.world, rng=rng, start=time.time(), count=1
                ):
                    self._start_play(scenario)
                self._load_started += 1
            next_due = began + self._load_started / calls_per_second
            await asyncio.sleep(max(0.0005, next_due - loop.time()))

    # --- inspection and reset -------------------------------------------------------------------
    def stats(self) -> dict[str, Any]:
        return self._call(self._stats_now)

    def _stats_now(self) -> dict[str, Any]:
        return {
            **self.hub.stats(),
            "requests_served": self.crossbar.requests_served,
            "plays_running": len(self._plays),
            "load": {
                "running": self._load_task is not None and not self._load_task.done(),
                "calls_started": self._load_started,
            },
            "live_channels": sum(len(c) for c in self.state.channels.values()),
        }

    def reset(self) -> None:
        """Between tests: faults cleared (the rate limit back to the simulator's own), load and
        plays stopped, live call state emptied. Sockets stay open and tokens keep their state."""
        self.faults.clear()
        self._call(self._reset_now)

    def _reset_now(self) -> None:
        self.hub.rate_limit = self.rate_limit
        self.hub.drop_replies(0)
        self._stop_load()
        for task in list(self._plays):
            task.cancel()
        for waiter in self._leg_waiters.values():
            waiter.cancel()
        self._leg_waiters.clear()
        self.state.reset()

    # --- the /sim/ control API (drives a simulator in another process) --------------------------
    def _control_routes(self, app: web.Application) -> None:
        app.router.add_post("/sim/play/{name}", self._http_play)
        app.router.add_post("/sim/load", self._http_load)
        app.router.add_post("/sim/faults", self._http_faults)
        app.router.add_post("/sim/publish", self._http_publish)
        app.router.add_post("/sim/reset", self._http_reset)
        app.router.add_get("/sim/stats", self._http_stats)

    @staticmethod
    async def _json(request: web.Request) -> dict[str, Any]:
        if not request.can_read_body:
            return {}
        body = await request.json()
        if not isinstance(body, dict):
            raise web.HTTPBadRequest(text="a JSON object is expected")
        return body

    async def _http_play(self, request: web.Request) -> web.Response:
        params = await self._json(request)
        wait = bool(params.pop("wait", False))
        try:
            scenario = self._build(request.match_info["name"], params)
        except UnknownScenario as error:
            return web.json_response({"error": str(error)}, status=404)
        except ImportError as error:
            return web.json_response({"error": f"no scenario engine: {error}"}, status=503)
        except (TypeError, ValueError, KeyError, StopIteration) as error:
            return web.json_response({"error": f"bad parameters: {error!r}"}, status=400)
        task = self._start_play(scenario)
        if wait:
            await task
        return web.json_response(self._result(scenario))

    async def _http_load(self, request: web.Request) -> web.Response:
        body = await self._json(request)
        rate = float(body.get("calls_per_second") or 0)
        if body.get("stop") or rate <= 0:
            self._stop_load()
        else:
            duration = body.get("duration")
            self._begin_load(rate, float(duration) if duration else None, int(body.get("seed", 0)))
        return web.json_response(self._stats_now()["load"])

    async def _http_faults(self, request: web.Request) -> web.Response:
        """{"action": "drop_sockets" | "expire_tokens" | "fail_next" | "delay" | "rate_limit" |
        "drop_replies" | "clear", ...}"""
        body = await self._json(request)
        action = body.pop("action", None)
        if action == "drop_sockets":
            self.hub.drop_all()
        elif action == "expire_tokens":
            self.faults.expire_tokens()
        elif action == "fail_next":
            self.faults.fail_next(
                int(body.get("status", 500)), int(body.get("count", 1)), body.get("path_contains")
            )
        elif action == "delay":
            self.faults.delay(float(body.get("seconds", 0)))
        elif action == "rate_limit":
            try:
                self.hub.rate_limit = RateLimit.parse(str(body.get("limit", "100/10")))
            except ValueError as error:
                return web.json_response({"error": str(error)}, status=400)
        elif action == "drop_replies":
            self.hub.drop_replies(int(body.get("count", 1)))
        elif action == "clear":
            self.faults.clear()
        else:
            return web.json_response({"error": f"unknown fault action {action!r}"}, status=400)
        return web.json_response({"ok": True})

    async def _http_publish(self, request: web.Request) -> web.Response:
        body = await self._json(request)
        sent = self._publish_now(body["account_id"], body["event_name"], body["data"])
        return web.json_response({"sent": sent})

    async def _http_reset(self, request: web.Request) -> web.Response:
        self.faults.clear()
        self._reset_now()
        return web.json_response({"ok": True})

    async def _http_stats(self, request: web.Request) -> web.Response:
        return web.json_response(self._stats_now())
