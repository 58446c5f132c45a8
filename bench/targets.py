"""The bots under test: how each is set up and started, as a deployment would do it."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from bot.config import Settings

ROOT = Path(__file__).resolve().parent.parent  # the repository: examples/ and bench/ live here
NEIGHBOURHOOD = "examples/overvecht.yaml"


@dataclass(frozen=True)
class Target:
    """A bot: set-up commands run in order, then `command` runs until SIGTERM."""

    name: str
    command: list[str]
    env: dict[str, str]
    setup: list[list[str]] = field(default_factory=list)
    profile: Path | None = None  # under bench/profiled.py, which writes here on SIGUSR2


def clean_environment() -> dict[str, str]:
    """This process's environment without any Wijkbot setting (WEBHOOK_URL, WORKERS, ...),
    so a developer's shell cannot silently change what is measured."""
    settings = {name.upper() for name in Settings.model_fields}
    return {key: value for key, value in os.environ.items() if key.upper() not in settings}


ECHO_BOTS = {"aiogram": "bench.echo_bot", "ptb": "bench.ptb_echo_bot"}


def echo_target(api_url: str, token: str, runtime: str = "aiogram") -> Target:
    """The framework's own bare bot: the baseline for Wijkbot on that runtime."""
    command = [sys.executable, "-m", ECHO_BOTS[runtime], api_url, token]
    return Target(f"echo ({runtime})", command, clean_environment())


def peer_target(api_url: str, token: str, database: Path) -> Target:
    """The conventional aiogram bot (bench/peer_bot.py), with its own SQLite file."""
    command = [sys.executable, "-m", "bench.peer_bot", api_url, token, str(database)]
    return Target("peer (aiogram, FSM, ORM)", command, clean_environment())


def wijkbot_target(
    name: str,
    *,
    database_url: str,
    api_url: str,
    token: str,
    env_file: Path,
    migrate: bool,
    profile: Path | None = None,
    runtime: str = "aiogram",
) -> Target:
    """`wijkbot run` as in the README: `db upgrade` (PostgreSQL), `admin load`, then `run`.

    `env_file` should be an empty file: a `.env` in the working folder must not change the
    settings under test. With `profile`, `run` goes under cProfile (bench/profiled.py;
    slower: for finding hotspots, not for figures).
    """
    env = clean_environment() | {
        "BOT_TOKEN": token,
        "TELEGRAM_API_URL": api_url,
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "WARNING",
        "RUNTIME": runtime,  # named, not defaulted: the figure is for this runtime
    }
    cli = ["-m", "bot", "--env-file", str(env_file)]
    setup = [[sys.executable, *cli, "db", "upgrade"]] if migrate else []
    setup.append([sys.executable, *cli, "admin", "load", NEIGHBOURHOOD])
    if profile is None:
        return Target(name, [sys.executable, *cli, "run"], env, setup)
    profiled = [sys.executable, "-m", "bench.profiled", str(profile), *cli[1:], "run"]
    return Target(name, profiled, env, setup, profile)
