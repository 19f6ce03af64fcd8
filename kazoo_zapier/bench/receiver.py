"""The local receiver: Zapier's stand-in, recording when each POST arrives and how late it is.

Latency is arrival minus the Kazoo event's own time: `occurred_at` of a normalized event (the
benchmark's simulator gives sub-second timestamps, see simulator.py), or `msg_id` (FreeSWITCH's
microsecond event time) of a raw frame the bare forwarder passes on.

    GET /stats?since=<unix>&until=<unix>[&prefix=hook]   count and latency percentiles of the
        window's arrivals (those on paths under /<prefix>/ only, with a prefix)
    POST /dead/...   a target that accepts the request and never answers (the fairness step);
        GET /stats also says how many of those are open now and the most at once
"""

import asyncio
import json
import time
from array import array
from bisect import bisect_left
from datetime import datetime

from aiohttp import web


class Arrivals:
    """Arrival times and latencies, appended in arrival order (so windows are two bisects)."""

    def __init__(self) -> None:
        self.at = array("d")
        self.latency = array("d")
        self.unparsed = 0

    def add(self, body: bytes) -> None:
        now = time.time()
        occurred = event_time(body)
        if occurred is None:
            self.unparsed += 1
            return
        self.at.append(now)
        self.latency.append(now - occurred)

    def window(self, since: float, until: float) -> dict[str, float | int | None]:
        start = bisect_left(self.at, since)
        end = bisect_left(self.at, until)
        latencies = sorted(self.latency[start:end])
        return {
            "count": end - start,
            "total": len(self.at),
            "unparsed": self.unparsed,
            "p50_ms": percentile_ms(latencies, 0.50),
            "p95_ms": percentile_ms(latencies, 0.95),
            "p99_ms": percentile_ms(latencies, 0.99),
            "max_ms": latencies[-1] * 1000 if latencies else None,
        }


def event_time(body: bytes) -> float | None:
    try:
        message = json.loads(body)
    except ValueError:
        return None
    if not isinstance(message, dict):
        return None
    if "occurred_at" in message:
        return datetime.fromisoformat(message["occurred_at"]).timestamp()
    msg_id = message.get("msg_id")
    if isinstance(msg_id, str) and msg_id.isdigit():
        return int(msg_id) / 1_000_000
    return None


def percentile_ms(ordered: list[float], fraction: float) -> float | None:
    if not ordered:
        return None
    index = min(len(ordered) - 1, int(fraction * len(ordered)))
    return round(ordered[index] * 1000, 1)


def make_app() -> web.Application:
    arrivals = Arrivals()
    by_prefix: dict[str, Arrivals] = {}
    hanging = {"open": 0, "most": 0, "total": 0}

    async def receive(request: web.Request) -> web.Response:
        body = await request.read()
        arrivals.add(body)
        prefix = request.path.strip("/").split("/", 1)[0]
        by_prefix.setdefault(prefix, Arrivals()).add(body)
        return web.Response(text="ok")

    async def hang(request: web.Request) -> web.Response:
        # Each open request is a sender thread of the workers held until its deadline.
        await request.read()
        hanging["open"] += 1
        hanging["total"] += 1
        hanging["most"] = max(hanging["most"], hanging["open"])
        try:
            await asyncio.sleep(3600)
        finally:
            hanging["open"] -= 1
        return web.Response(text="too late")

    async def stats(request: web.Request) -> web.Response:
        since = float(request.query.get("since", 0))
        until = float(request.query.get("until", time.time() + 1))
        prefix = request.query.get("prefix")
        source = by_prefix.get(prefix, Arrivals()) if prefix else arrivals
        return web.json_response({**source.window(since, until), "hanging": dict(hanging)})

    async def reset_most(request: web.Request) -> web.Response:
        hanging["most"] = hanging["open"]
        return web.json_response(dict(hanging))

    app = web.Application()
    app.router.add_post("/dead/{tail:.*}", hang)
    app.router.add_post("/hanging/reset", reset_most)
    app.router.add_post("/{tail:.*}", receive)
    app.router.add_get("/stats", stats)
    return app


def serve(host: str = "127.0.0.1", port: int = 0) -> None:
    """Serve in the foreground; prints `receiver http://host:port` once listening."""

    async def main() -> None:
        runner = web.AppRunner(make_app(), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        bound = runner.addresses[0][1]
        print(f"receiver http://{host}:{bound}", flush=True)
        await asyncio.Event().wait()

    asyncio.run(main())
