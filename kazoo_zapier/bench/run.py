"""The whole benchmark: the bare forwarder, then each profile, in one run; then the report.

The phases run one after another, never together: on a 2-core machine they would measure each
other. Each phase is a process of its own, configured for its database by the environment.
"""

import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from kazoo_zapier.bench.report import write_report

ROOT = Path(__file__).resolve().parents[2]
OUT_DIR = ROOT / "data" / "bench"
POSTGRES_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
BENCH_DATABASE = "kazoo_bench"
REDIS_URL = "redis://127.0.0.1:6379/13"

# One receiver URL per hook is not enough on its own: the workers pace every target URL at
# HOOKS_RATE_PER_TARGET (25/s, Zapier's limit). The bench raises it, it does not measure pacing.
# DEBUG stays off as in production: with it on, Django keeps the text of every query.
BENCH_SETTINGS = {
    "HOOKS_RATE_PER_TARGET": "1000",
    "DJANGO_ENV": "development",
    "DJANGO_DEBUG": "false",
}


def profile_env(profile: str) -> dict[str, str]:
    env = {**os.environ, **BENCH_SETTINGS}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["DJANGO_SETTINGS_MODULE"] = "kazoo_zapier.settings"
    if profile == "production":
        env["DATABASE_URL"] = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{BENCH_DATABASE}"
        env["REDIS_URL"] = REDIS_URL
    else:
        env["DATABASE_URL"] = f"sqlite:///{OUT_DIR / 'embedded.sqlite3'}"
        env["REDIS_URL"] = ""
    return env


def fresh_storage(profile: str) -> None:
    """An empty database (and Redis database) for the profile: runs never see each other's rows."""
    if profile == "production":
        import psycopg
        import redis

        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {BENCH_DATABASE}")
        redis.Redis.from_url(REDIS_URL).flushdb()  # database 13 is the bench's alone
    elif profile == "embedded":
        for suffix in ("", "-wal", "-shm"):
            (OUT_DIR / f"embedded.sqlite3{suffix}").unlink(missing_ok=True)


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        memory_kb = 0

    def version(command: list[str]) -> str:
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=10)  # noqa: S603
            return result.stdout.strip().splitlines()[0]
        except (OSError, subprocess.SubprocessError, IndexError):
            return "unknown"

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(memory_kb / 2**20, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "postgresql": version(["psql", "--version"]),
        "redis": version(["redis-server", "--version"]),
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
    }


def run(
    *,
    profiles: list[str],
    rates: list[float],
    warmup: float,
    window: float,
    report: Path,
    hold_calls: int = 10_000,
    hold_rate: float = 400.0,
) -> dict[str, Any]:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {
        "machine": machine(),
        "rates": rates,
        "warmup_seconds": warmup,
        "window_seconds": window,
        "settings": BENCH_SETTINGS,
        "phases": {},
    }
    for profile in ["bare", *profiles]:
        print(f"phase {profile}", flush=True)
        fresh_storage(profile)
        out = OUT_DIR / f"{profile}.json"
        out.unlink(missing_ok=True)
        subprocess.run(  # noqa: S603 - our own interpreter and module
            [
                sys.executable,
                "-m",
                "kazoo_zapier.bench.phase",
                profile,
                str(out),
                ",".join(f"{rate:g}" for rate in rates),
                str(warmup),
                str(window),
                str(hold_calls),
                f"{hold_rate:g}",
            ],
            env=profile_env(profile),
            cwd=ROOT,
            check=True,
        )
        results["phases"][profile] = json.loads(out.read_text())
    (OUT_DIR / "results.json").write_text(json.dumps(results, indent=2))
    write_report(results, report)
    print(f"results: {OUT_DIR / 'results.json'}; report: {report}")
    return results
