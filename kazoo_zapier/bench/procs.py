"""Child processes of the benchmark: start, read their first line, measure memory, stop."""

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO


class Child:
    """A process started by the benchmark, its output in a log file (or followed line by line)."""

    def __init__(
        self,
        name: str,
        args: list[str],
        *,
        env: dict[str, str],
        log_dir: Path,
        follow: bool = False,
    ) -> None:
        self.name = name
        self.log_path = log_dir / f"{name}.log"
        self.log: IO[str] = self.log_path.open("w")
        self.lines: list[str] = []
        self._first_line = threading.Event()
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and modules
            [sys.executable, *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
            start_new_session=True,  # a Ctrl-C of the bench reaches children through stop()
        )
        self._follow = follow
        threading.Thread(target=self._read, daemon=True, name=f"{name}-stdout").start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.log.write(line)
            self.log.flush()
            if self._follow or not self.lines:
                self.lines.append(line.strip())
            self._first_line.set()
        self._first_line.set()

    def first_line(self, timeout: float = 60.0) -> str:
        if not self._first_line.wait(timeout) or not self.lines:
            raise RuntimeError(f"{self.name} printed nothing; see {self.log_path}")
        return self.lines[0]

    @property
    def pid(self) -> int:
        return self.process.pid

    def rss_bytes(self) -> int:
        """Resident memory of the process and all its descendants (qcluster forks workers)."""
        return sum(_rss(pid) for pid in [self.pid, *_descendants(self.pid)])

    def stop(self, timeout: float = 20.0) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)  # its own session: only its tree
                self.process.wait()
        self.log.close()


def _rss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _descendants(pid: int) -> list[int]:
    found: list[int] = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return found
    for task in tasks:
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in children:
            found.append(int(child))
            found.extend(_descendants(int(child)))
    return found
