"""`make screenshots`: the main pages at 1280 and 390 px, from the demo, in Chromium.

    python -m tests.browser.screenshots docs/screenshots

Runs its own demo, as `make run` does but on free ports and a throw-away SQLite database (so it
never disturbs a `make run` on this machine): the Kazoo simulator with a brisk call mix, the web
process, a worker and the listener. Once deliveries have come in, it signs in as staff (admin)
and as alice (Demo Company), and saves one PNG per page and width.
"""

import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
CHROMIUM = "/usr/bin/chromium"
WIDTHS = (1280, 390)
ENOUGH_DELIVERIES = 25
WAIT_FOR_TRAFFIC = 120  # seconds at most


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(what: str, check, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            done = check()
        except (OSError, sqlite3.Error):  # not up yet
            done = False
        if done:
            return
        time.sleep(0.5)
    raise SystemExit(f"screenshots: gave up waiting for {what}")


class Demo:
    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.web_port, http_port, ws_port = free_port(), free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.web_port}"
        self.env = {
            key: value
            for key, value in os.environ.items()
            if key not in ("DATABASE_URL", "REDIS_URL", "DJANGO_ENV")
        } | {
            "DATA_DIR": str(workdir),
            "KAZOO_SIMULATOR_HTTP_PORT": str(http_port),
            "KAZOO_SIMULATOR_WS_PORT": str(ws_port),
        }
        self.processes: list[subprocess.Popen] = []
        self.log = open(workdir / "demo.log", "wb")  # noqa: SIM115  (closed in stop())

    def manage(self, *args: str) -> None:
        subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            check=True,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def start(self, *command: str) -> None:
        self.processes.append(
            subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT
            )
        )

    def run(self) -> None:
        self.manage("migrate", "--noinput")
        self.manage("seed_demo")
        # The demo's stand-in for Zapier lives in the web process: on this run's port.
        self.manage(
            "shell",
            "-c",
            "from hooks.models import Hook\n"
            "for hook in Hook.objects.filter(target_url__contains='127.0.0.1:8000/demo/'):\n"
            f"    hook.target_url = hook.target_url.replace('127.0.0.1:8000', '127.0.0.1:{self.web_port}')\n"
            "    hook.save(update_fields=['target_url'])",
        )
        self.start(
            PYTHON,
            "manage.py",
            "kazoo_simulator",
            "--load",
            "0.5",
            "--http-port",
            self.env["KAZOO_SIMULATOR_HTTP_PORT"],
            "--ws-port",
            self.env["KAZOO_SIMULATOR_WS_PORT"],
        )
        wait_for(
            "the simulator",
            lambda: (
                socket.create_connection(
                    ("127.0.0.1", int(self.env["KAZOO_SIMULATOR_WS_PORT"])), timeout=1
                ).close()
                or True
            ),
            30,
        )
        self.start(
            PYTHON,
            "-m",
            "daphne",
            "-b",
            "127.0.0.1",
            "-p",
            str(self.web_port),
            "kazoo_zapier.asgi:application",
        )
        self.start(PYTHON, "manage.py", "qcluster")
        self.start(PYTHON, "manage.py", "kazoo_listen")
        wait_for(
            "the web process", lambda: urlopen(f"{self.url}/healthz", timeout=2).status == 200, 60
        )
        database = self.workdir / "db.sqlite3"

        def delivered() -> bool:
            with sqlite3.connect(database) as db:
                (count,) = db.execute(
                    "select count(*) from hooks_delivery where status = 'delivered'"
                ).fetchone()
            return count >= ENOUGH_DELIVERIES

        wait_for(f"{ENOUGH_DELIVERIES} deliveries", delivered, WAIT_FOR_TRAFFIC)

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        self.log.close()


def sign_in_staff(page, url: str) -> None:
    page.goto(f"{url}/admin/login/?next=/admin/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "admin")
    page.click("input[type=submit]")
    page.wait_for_url(f"{url}/admin/")


def sign_in_user(page, url: str, next_url: str) -> None:
    page.goto(f"{url}/accounts/login/?{urlencode({'next': next_url})}")
    page.fill("#id_account_name", "Demo Company")
    page.fill("#id_username", "alice")
    page.fill("#id_password", "demo-password")
    page.click("button[type=submit]")
    page.wait_for_load_state()


def shoot(browser, url: str, out: Path) -> list[Path]:
    authorize = "/oauth/authorize/?" + urlencode(
        {
            "response_type": "code",
            "client_id": "demo-zapier-client",
            "redirect_uri": "http://localhost:9000",
            "scope": "events calls",
            "state": "demo",
        }
    )
    saved = []
    for width in WIDTHS:

        def save(page, name: str, width: int = width) -> None:
            page.wait_for_timeout(300)  # the live monitors' first rows
            path = out / f"{name}-{width}.png"
            page.screenshot(path=str(path), full_page=True)
            saved.append(path)

        size = {"width": width, "height": 900 if width > 600 else 844}
        visitor = browser.new_context(viewport=size, timezone_id="Europe/Berlin")
        page = visitor.new_page()
        page.goto(f"{url}/")
        save(page, "home")
        page.goto(f"{url}{authorize}")
        save(page, "sign-in")
        sign_in_user(page, url, authorize)
        save(page, "consent")
        page.goto(f"{url}/connect/")
        page.wait_for_selector("[data-monitor-rows] tr", timeout=20_000)
        save(page, "connect")
        visitor.close()

        staff = browser.new_context(viewport=size)
        page = staff.new_page()
        sign_in_staff(page, url)
        save(page, "admin")
        page.goto(f"{url}/admin/hooks/delivery/")
        save(page, "admin-deliveries")
        page.click("#result_list tbody tr:first-child th a")
        page.wait_for_load_state()
        save(page, "admin-delivery")
        page.goto(f"{url}/admin/console/")
        save(page, "console")
        page.goto(f"{url}/admin/console/monitor/")
        page.wait_for_selector("[data-monitor-rows] tr", timeout=20_000)
        save(page, "console-monitor")
        staff.close()
    return saved


def main(out_dir: str) -> None:
    out = (ROOT / out_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="kazoo-screenshots-") as workdir:
        demo = Demo(Path(workdir))
        try:
            demo.run()
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM,
                    headless=True,
                    args=[
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                    ],
                )
                try:
                    saved = shoot(browser, demo.url, out)
                finally:
                    browser.close()
        finally:
            demo.stop()
    for path in saved:
        print(path.relative_to(ROOT))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")
