"""`manage.py kazoo_simulator` as an operator runs it: starts, serves both ports, stops on SIGTERM."""

import json
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import requests
import websocket

ROOT = Path(__file__).resolve().parent.parent
READY = re.compile(r"crossbar (http://\S+) blackhole (ws://\S+)")


def read_ready_line(process: subprocess.Popen, timeout: float = 30.0) -> re.Match:
    """The command's one ready line, read in a thread so that a silent process cannot hang us."""
    found: list[re.Match] = []

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            match = READY.search(line)
            if match:
                found.append(match)
                return

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout)
    assert found, "the simulator never said it was ready"
    return found[0]


def test_the_command_serves_crossbar_and_blackhole_and_stops_on_sigterm():
    process = subprocess.Popen(
        [sys.executable, "manage.py", "kazoo_simulator", "--http-port", "0", "--ws-port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        api_url, ws_url = read_ready_line(process).groups()
        assert api_url.startswith("http://127.0.0.1:")
        stats = requests.get(api_url.removesuffix("/v2") + "/sim/stats", timeout=5)
        assert stats.status_code == 200
        from kazoo_zapier.kazoo.simulator.world import demo_world

        key = demo_world().api_key
        token = requests.put(f"{api_url}/api_auth", json={"data": {"api_key": key}}, timeout=5)
        assert token.status_code == 201
        ws = websocket.create_connection(ws_url, timeout=5)
        ws.send(json.dumps({"action": "ping", "auth_token": token.json()["auth_token"]}))
        assert json.loads(ws.recv())["data"] == {"response": "pong"}

        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0
        ws.close()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
