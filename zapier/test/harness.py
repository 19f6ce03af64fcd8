"""Run the Zapier app's jest tests against the live service: `make zapier-test`.

Starts, on free loopback ports and a throwaway database, what a provider runs: the Kazoo
simulator, migrations, the web (daphne), the workers (qcluster) and the listener; registers the
Zapier app as an OAuth client with create_zapier_client; then runs jest with where everything is
in the environment, and stops it all again, whatever happened.

The throwaway database is an SQLite file in a temporary folder, or, when DATABASE_URL names a
PostgreSQL server (CI's production profile), a database of its own created on that server and
dropped afterwards. With REDIS_URL set, the workers get a cluster name of their own so that no
other run on the machine takes their tasks.

    .venv/bin/python zapier/test/harness.py [jest arguments...]
"""

import os
import queue
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ZAPIER_DIR = Path(__file__).resolve().parent.parent
ROOT = ZAPIER_DIR.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
DAPHNE = str(ROOT / ".venv" / "bin" / "daphne")
# Never followed: the tests read the code off the Location header, as Zapier would receive it.
REDIRECT_URI = "http://127.0.0.1:9/zapier/oauth/return/"
START_TIMEOUT = 60.0


class Process:
    """A child process whose output goes to a log file and can be waited on for a line."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], log_dir: Path) -> None:
        self.name = name
        self.log_path = log_dir / f"{name}.log"
        self._lines: queue.Queue[str] = queue.Queue()
        self._log = self.log_path.open("w")
        self.popen = subprocess.Popen(  # noqa: S603 - our own commands, no shell
            args,
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # its own process group: stopping it stops its children
        )
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.popen.stdout is not None
        for line in self.popen.stdout:
            self._log.write(line)
            self._log.flush()
            self._lines.put(line)

    def wait_for_line(self, pattern: str, timeout: float = START_TIMEOUT) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self._lines.get(timeout=0.2)
            except queue.Empty:
                if self.popen.poll() is not None:
                    break
                continue
            match = re.search(pattern, line)
            if match:
                return match
        raise RuntimeError(f"{self.name} did not print /{pattern}/; see {self.log_path}")

    def stop(self, timeout: float = 15.0) -> None:
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(5)
        self._log.close()

    def tail(self, lines: int = 40) -> str:
        return "".join(self.log_path.read_text(errors="replace").splitlines(True)[-lines:])


def manage(*args: str, env: dict[str, str]) -> str:
    done = subprocess.run(  # noqa: S603 - our own command, no shell
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


@contextmanager
def throwaway_database(tmp: Path) -> Iterator[str]:
    """A DATABASE_URL of a database nobody else uses, removed afterwards."""
    configured = os.environ.get("DATABASE_URL", "")
    if not configured.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{tmp / 'db.sqlite3'}"
        return
    import psycopg  # the project's PostgreSQL driver, installed with it

    name = f"kazoo_zapier_zapier_{os.getpid()}"
    parts = urlsplit(configured)
    with psycopg.connect(configured, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(configured, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def wait_until(check: Callable[[], bool], what: str, timeout: float = START_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise RuntimeError(f"timed out waiting for {what}")


def answers_200(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback http
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def run(jest_args: list[str]) -> int:
    processes: list[Process] = []
    with (
        tempfile.TemporaryDirectory(prefix="zapier-test-") as tmp_name,
        throwaway_database(Path(tmp_name)) as database_url,
    ):
        tmp = Path(tmp_name)
        env = {
            **os.environ,
            "PYTHONUNBUFFERED": "1",
            "DJANGO_ENV": "development",
            "DATA_DIR": str(tmp),
            "DATABASE_URL": database_url,
            "Q_CLUSTER_NAME": f"zapier-test-{os.getpid()}",
            "LOG_LEVEL": "INFO",
            # Send an SMS is tested too: the service and the app both turn it on.
            "SMS_ENABLED": "true",
        }
        try:
            simulator = Process(
                "simulator",
                [
                    *(PYTHON, "manage.py", "kazoo_simulator", "--host", "127.0.0.1"),
                    *("--http-port", "0", "--ws-port", "0", "--speed", "0"),
                ],
                env,
                tmp,
            )
            processes.append(simulator)
            found = simulator.wait_for_line(r"crossbar (\S+) blackhole (\S+)")
            env["KAZOO_API_URL"], env["KAZOO_WS_URL"] = found.group(1), found.group(2)

            manage("migrate", "--noinput", env=env)
            registered = manage("create_zapier_client", "--redirect-uri", REDIRECT_URI, env=env)
            client = dict(re.findall(r"^(client_id|client_secret)=(\S+)$", registered, re.M))

            web = Process(
                "web", [DAPHNE, "-b", "127.0.0.1", "-p", "0", "kazoo_zapier.asgi:application"],
                env, tmp,
            )
            processes.append(web)
            port = web.wait_for_line(r"Listening on TCP address 127\.0\.0\.1:(\d+)").group(1)
            base_url = f"http://127.0.0.1:{port}"
            processes.append(Process("workers", [PYTHON, "manage.py", "qcluster"], env, tmp))
            processes.append(Process("listener", [PYTHON, "manage.py", "kazoo_listen"], env, tmp))
            wait_until(lambda: answers_200(f"{base_url}/readyz"), "the service to be ready")

            test_env = {
                **os.environ,
                "BASE_URL": base_url,
                "CLIENT_ID": client["client_id"],
                "CLIENT_SECRET": client["client_secret"],
                "REDIRECT_URI": REDIRECT_URI,
                "SMS_ENABLED": "true",
                "SIMULATOR_URL": env["KAZOO_API_URL"].removesuffix("/v2"),
                "DISABLE_ZAPIER_ANALYTICS": "1",
                "NO_UPDATE_NOTIFIER": "1",
            }
            jest = [str(ZAPIER_DIR / "node_modules" / ".bin" / "jest"), "--runInBand", *jest_args]
            code = subprocess.run(jest, cwd=ZAPIER_DIR, env=test_env).returncode  # noqa: S603
            if code != 0:
                for process in processes:
                    print(f"\n--- last lines of {process.name} ---\n{process.tail()}")
            return code
        except Exception:
            for process in processes:
                print(f"\n--- last lines of {process.name} ---\n{process.tail()}")
            raise
        finally:
            for process in reversed(processes):
                process.stop()


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
