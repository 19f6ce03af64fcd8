"""The bare forwarder: the least any listener must do, as the benchmark's yardstick.

Websocket read -> json parse -> POST to the receiver, nothing stored, nothing normalized. It reads
the way the listener's Blackhole client does (websocket-client, no UTF-8 validation, a reader
thread that only queues) and POSTs from a few keep-alive threads, as the workers do.
"""

import json
import queue
import threading
import time
import uuid

import requests
import websocket

from kazoo_zapier.kazoo.crossbar import CrossbarClient
from kazoo_zapier.kazoo.simulator.blackhole import CALL_EVENTS

POSTERS = 4


class BareForwarder:
    def __init__(self, api_url: str, api_key: str, ws_url: str, target_url: str) -> None:
        self.crossbar = CrossbarClient(api_url, api_key)
        self.ws_url = ws_url
        self.target_url = target_url
        self.frames: queue.Queue[bytes] = queue.Queue()
        self.received = 0  # reader thread
        self.posted = [0] * POSTERS  # one slot per poster thread
        self.failed = 0

    def run(self, account_ids: list[str]) -> None:
        ws = websocket.WebSocket(skip_utf8_validation=True, enable_multithread=True)
        ws.connect(self.ws_url)
        token = self.crossbar.token()
        for account_id in account_ids:
            for name in CALL_EVENTS:
                ws.send(
                    json.dumps(
                        {
                            "action": "subscribe",
                            "auth_token": token,
                            "request_id": str(uuid.uuid4()),
                            "data": {"account_id": account_id, "binding": f"call.{name}.*"},
                        }
                    )
                )
        for index in range(POSTERS):
            threading.Thread(target=self._post_loop, args=(index,), daemon=True).start()
        while True:
            opcode, frame = ws.recv_data_frame(True)
            if opcode == websocket.ABNF.OPCODE_CLOSE:
                return
            if opcode == websocket.ABNF.OPCODE_TEXT:
                self.received += 1
                self.frames.put(frame.data)

    def _post_loop(self, index: int) -> None:
        session = requests.Session()
        while True:
            message = json.loads(self.frames.get())
            if message.get("action") != "event":
                continue  # subscribe replies
            try:
                session.post(self.target_url, data=json.dumps(message["data"]), timeout=10).close()
                self.posted[index] += 1
            except requests.RequestException:
                self.failed += 1

    def stats(self) -> dict[str, int]:
        return {
            "received": self.received,
            "posted": sum(self.posted),
            "failed": self.failed,
            "queued": self.frames.qsize(),
        }


def serve(api_url: str, api_key: str, ws_url: str, target_url: str, accounts: list[str]) -> None:
    """Forward until killed; prints a JSON line of counters every second (the bench reads it)."""
    forwarder = BareForwarder(api_url, api_key, ws_url, target_url)
    threading.Thread(target=forwarder.run, args=(accounts,), daemon=True).start()
    while True:
        time.sleep(1.0)
        print(json.dumps(forwarder.stats()), flush=True)
