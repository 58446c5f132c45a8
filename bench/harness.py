"""One benchmark run: every bot next to its own emulator, warmed up, then measured in turns.

Each bot gets a fresh emulator (same class, same settings) so that no update, chat or call
log of one bot can reach another. All bots are started first and the measured rounds go
round-robin (echo, sqlite, postgresql, echo, ...): a noisy minute on the shared machine then
hits every bot instead of one, which keeps the same-run ratios honest.
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from bot.emulator import BotAPIEmulator, Limits

from . import onboarding
from .databases import PostgresUnavailable, ScratchPostgres, postgres_admin_url
from .errors import BenchError
from .processes import BotProcess, run_command, tail
from .stats import Report, RoundFigures, RuntimeFigures
from .targets import ROOT, Target, echo_target, wijkbot_target

TOKEN = "123456:BENCH-TOKEN"
BOT_USERNAME = "wijkbot_bench_bot"
PHASE_IDS = 1_000_000  # user ids of phase n are n * PHASE_IDS + 1, ...: distinct per phase


@dataclass(frozen=True)
class Options:
    residents: int = 200
    rounds: int = 2
    warmup: int = 5
    step_timeout: float = 30.0
    postgresql: bool = True
    profile_dir: Path | None = None
    runtimes: tuple[str, ...] = ("aiogram",)


@dataclass
class Running:
    """A bot under test, its emulator, and what was measured of it."""

    emulator: BotAPIEmulator
    process: BotProcess
    figures: RuntimeFigures
    stopped: bool = False


def log(message: str) -> None:
    """Progress goes to stderr; stdout is kept for the table."""
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def machine() -> dict[str, object]:
    """What the figures were measured on; the load average tells how shared it was."""
    return {
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg()[0],
        "python": platform.python_version(),
        "aiogram": version("aiogram"),
    }


async def run(options: Options) -> Report:
    started_on = machine()
    with tempfile.TemporaryDirectory(prefix="wijkbot-bench-") as folder:
        work = Path(folder)
        running: list[Running] = []
        skipped: list[str] = []
        postgres = ScratchPostgres(postgres_admin_url()) if options.postgresql else None
        if postgres is None:
            skipped.append("PostgreSQL figures skipped: --no-postgresql")
        try:
            await _start_bots(running, skipped, work, postgres, options)
            await _measure_rounds(running, options)
            for bot in running:
                await bot.process.stop()  # SIGTERM; BenchError unless it exits 0
                await bot.emulator.stop()
                bot.stopped = True
        finally:
            for bot in running:
                if not bot.stopped:
                    await bot.process.kill()
                    await bot.emulator.stop()
            if postgres is not None:
                try:
                    await postgres.drop()  # a no-op unless it was created
                except PostgresUnavailable as exc:
                    log(f"could not drop the scratch database: {exc}")
    return Report(
        residents=options.residents,
        steps_per_resident=onboarding.STEPS,
        rounds=options.rounds,
        runtimes=[bot.figures for bot in running],
        skipped=skipped,
        machine=started_on,
    )


async def _start_bots(
    running: list[Running],
    skipped: list[str],
    work: Path,
    postgres: ScratchPostgres | None,
    options: Options,
) -> None:
    """The echo baseline, Wijkbot on SQLite and, when the server can be used, on PostgreSQL."""
    env_file = work / "empty.env"
    env_file.touch()

    def wijkbot(slug: str, database_url: str, runtime: str) -> Callable[[str], Target]:
        name = f"wijkbot {slug}" if runtime == "aiogram" else f"wijkbot {runtime} {slug}"
        return lambda url: wijkbot_target(
            name,
            database_url=database_url,
            api_url=url,
            token=TOKEN,
            env_file=env_file,
            migrate=slug == "postgresql",  # `admin load` and `run` migrate SQLite themselves
            profile=_profile(options, slug),
            runtime=runtime,
        )

    for runtime in options.runtimes:
        echo = f"echo ({runtime})"
        await _launch(
            running, work, f"echo-{runtime}", lambda url, r=runtime: echo_target(url, TOKEN, r)
        )
        database = work / runtime / "wijkbot.db"
        database.parent.mkdir(exist_ok=True)
        await _launch(
            running, work, f"sqlite-{runtime}", wijkbot("sqlite", f"sqlite:///{database}", runtime)
        )
        running[-1].figures.baseline = running[-2].figures.baseline = echo
    # PostgreSQL once, on the default runtime: one scratch database holds one bot's updates.
    if postgres is None or "aiogram" not in options.runtimes:
        return
    try:
        database_url = await postgres.create()
    except PostgresUnavailable as exc:
        skipped.append(f"PostgreSQL figures skipped: cannot use {exc}")
        log(skipped[-1])
        return
    await _launch(running, work, "postgresql", wijkbot("postgresql", database_url, "aiogram"))


def _echo(url: str, *, runtime: str) -> Target:
    return echo_target(url, TOKEN, runtime)


async def _measure_rounds(running: list[Running], options: Options) -> None:
    """A warm-up per bot, then the rounds, round-robin over the bots."""
    for bot in running:
        await _measure(bot, phase=1, residents=options.warmup, options=options)
        log(f"{bot.figures.name}: warmed up with {options.warmup} residents")
    for round_number in range(options.rounds):
        for bot in running:
            figures = await _measure(
                bot, phase=round_number + 2, residents=options.residents, options=options
            )
            bot.figures.rounds.append(figures)
            log(
                f"{bot.figures.name}: round {round_number + 1}/{options.rounds}: "
                f"{figures.steps_per_second:.1f} steps/s, p50 {figures.p50_ms:.1f} ms, "
                f"p99 {figures.p99_ms:.1f} ms"
            )


async def _launch(
    running: list[Running], work: Path, slug: str, build: Callable[[str], Target]
) -> None:
    """Start an emulator, set the bot up against it and start the bot; returns when it polls.

    The bot is added to `running` before it is waited for, so a failure still cleans it up.
    """
    emulator = BotAPIEmulator(
        token=TOKEN, bot_username=BOT_USERNAME, limits=Limits(enabled=False)
    )  # rate limits off: we measure the bot's capacity, not Telegram's flood control
    await emulator.start()
    target = build(emulator.url)
    process = BotProcess(target.name, target.command, env=target.env, cwd=ROOT, log=work / slug)
    bot = Running(emulator, process, RuntimeFigures(target.name))
    running.append(bot)
    for command in target.setup:
        await run_command(target.name, command, env=target.env, cwd=ROOT)
    await process.start()
    await process.wait_ready(emulator)
    log(f"{target.name}: running")


async def _measure(bot: Running, *, phase: int, residents: int, options: Options) -> RoundFigures:
    try:
        return await onboarding.run_phase(
            bot.emulator,
            first_id=phase * PHASE_IDS + 1,
            residents=residents,
            step_timeout=options.step_timeout,
        )
    except BenchError as exc:
        output = (
            bot.process.log.read_text(errors="replace").strip() if bot.process.log.exists() else ""
        )
        said = f"\n  the bot's output ends with:\n{tail(bot.process.log)}" if output else ""
        raise BenchError(f"{bot.figures.name}: {exc}{said}") from None


def _profile(options: Options, slug: str) -> Path | None:
    if options.profile_dir is None:
        return None
    options.profile_dir.mkdir(parents=True, exist_ok=True)
    return (options.profile_dir / f"wijkbot-{slug}.prof").resolve()
