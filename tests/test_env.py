"""Settings come from the environment through helpers that fail loudly on bad values."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from kazoo_zapier.env import env_bool, env_choice, env_float, env_int, env_list, env_url

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("raw", "expected"), [("true", True), ("On", True), ("0", False), ("no", False)]
)
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("SOME_FLAG", raw)
    assert env_bool("SOME_FLAG", not expected) is expected


def test_unset_or_empty_variables_take_the_default(monkeypatch):
    monkeypatch.setenv("EMPTY", "  ")
    monkeypatch.delenv("UNSET", raising=False)
    assert env_int("EMPTY", 7) == 7
    assert env_bool("UNSET", True) is True
    assert env_list("UNSET", ["a"]) == ["a"]


@pytest.mark.parametrize(
    ("reader", "raw", "words"),
    [
        (lambda: env_bool("BAD", False), "maybe", "is not a boolean"),
        (lambda: env_int("BAD", 1), "12x", "is not an integer"),
        (lambda: env_int("BAD", 1, minimum=1), "0", "must be at least 1"),
        (lambda: env_float("BAD", 1.0), "fast", "is not a number"),
        (lambda: env_choice("BAD", "a", ("a", "b")), "c", "must be one of a, b"),
        (lambda: env_url("BAD", "http://x", schemes=("ws", "wss")), "http://x", "ws:// or wss://"),
    ],
)
def test_a_bad_value_names_the_variable_and_the_problem(monkeypatch, reader, raw, words):
    monkeypatch.setenv("BAD", raw)
    with pytest.raises(ImproperlyConfigured) as caught:
        reader()
    assert "BAD=" in str(caught.value)
    assert words in str(caught.value)


def test_env_list_splits_on_commas_and_trims(monkeypatch):
    monkeypatch.setenv("HOSTS", " a.example , b.example,, ")
    assert env_list("HOSTS", []) == ["a.example", "b.example"]


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "KAZOO_"))}
    clean.pop("DATABASE_URL", None)
    clean.pop("REDIS_URL", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", DJANGO_ENV="production")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_a_production_configuration_passes_check_deploy():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY="a-long-random-production-secret-" + "k7#Qz" * 10,
        DJANGO_ALLOWED_HOSTS="zapier.example.net",
        KAZOO_API_URL="https://kazoo.example.net:8443/v2",
        KAZOO_WS_URL="wss://kazoo.example.net:7777",
        KAZOO_API_KEY="k" * 64,
    )
    assert result.returncode == 0, result.stderr
