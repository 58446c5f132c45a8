"""One benchmark run: every bot next to its own emulator, warmed up, then measured in turns.

Each bot gets a fresh emulator (same class, same settings) so that no update, chat or call
log of one bot can reach another. All bots are started first and the measured rounds go
round-robin (echo, peer, sqlite, postgresql, echo, ...): a noisy minute on the shared machine
then hits every bot instead of one, which keeps the same-run ratios honest.

    echo (aiogram)            the framework alone                      bench/echo_bot.py
    peer (aiogram, FSM, ORM)  the conventional bot                     bench/peer_bot.py
    wijkbot sqlite            `wijkbot run` on a fresh SQLite file
    wijkbot postgresql        `wijkbot run` on a scratch PostgreSQL database
    ... N residents           the same on a database prefilled with N  (--population N)

The memory figure (--memory N) comes last, from a fresh `wijkbot run` of its own, once the
other bots have stopped.
"""

from __future__ import annotations

import asyncio
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from bot.emulator import BotAPIEmulator, Limits

from . import onboarding, population, profiled
from .databases import BENCH_DATABASE, PostgresUnavailable, ScratchPostgres, postgres_admin_url
from .errors import BenchError
from .processes import BotProcess, cpu_seconds, rss_kib, run_command, tail
from .stats import MemoryFigures, Report, RoundFigures, RuntimeFigures
from .targets import ROOT, Target, echo_target, peer_target, wijkbot_target

TOKEN = "123456:BENCH-TOKEN"
BOT_USERNAME = "wijkbot_bench_bot"
PHASE_IDS = 1_000_000  # user ids of phase n are n * PHASE_IDS + 1, ...: distinct per phase
MEMORY_FEW = 100  # the memory figure compares RSS after this many onboarded residents ...
MEMORY_BATCH = 500  # ... and after many, onboarding this many at once (a multiple of FEW)


@dataclass(frozen=True)
class Options:
    residents: int = 200
    rounds: int = 2
    warmup: int = 5
    step_timeout: float = 30.0
    postgresql: bool = True
    profile_dir: Path | None = None
    runtimes: tuple[str, ...] = ("aiogram",)
    population: int = 0  # also measure Wijkbot with this many residents already stored
    memory: int = 0  # ... and RSS after MEMORY_FEW and after this many onboarded residents


@dataclass
class Running:
    """A bot under test, its emulator, and what was measured of it."""

    emulator: BotAPIEmulator
    process: BotProcess
    figures: RuntimeFigures
    profile: Path | None = None  # where bench/profiled.py writes, when profiled
    stopped: bool = False


Prepare = Callable[[], Awaitable[None]]


def log(message: str) -> None:
    """Progress goes to stderr; stdout is kept for the table."""
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def machine() -> dict[str, object]:
    """What the figures were measured on; the load average tells how shared it was."""
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    )
    return {
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg()[0],
        "python": platform.python_version(),
        "aiogram": version("aiogram"),
        "commit": commit.stdout.strip() if commit.returncode == 0 else None,
    }


async def run(options: Options) -> Report:
    started_on = machine()
    memory: MemoryFigures | None = None
    with tempfile.TemporaryDirectory(prefix="wijkbot-bench-") as folder:
        work = Path(folder)
        running: list[Running] = []
        skipped: list[str] = []
        databases: list[ScratchPostgres] = []
        if not options.postgresql:
            skipped.append("PostgreSQL figures skipped: --no-postgresql")
        try:
            await _start_bots(running, skipped, work, databases, options)
            if options.profile_dir is not None:
                skipped.append("--profile: Wijkbot ran under cProfile; its rates are no figures")
            await _measure_rounds(running, options)
            await _stop(running)
            if options.memory:
                memory = await _memory(work, options)
        finally:
            for bot in running:
                if not bot.stopped:
                    await bot.process.kill()
                    await bot.emulator.stop()
            for database in databases:
                try:
                    await database.drop()  # a no-op unless it was created
                except PostgresUnavailable as exc:
                    log(f"could not drop the scratch database: {exc}")
    return Report(
        residents=options.residents,
        steps_per_resident=onboarding.STEPS,
        rounds=options.rounds,
        runtimes=[bot.figures for bot in running],
        population=options.population,
        memory=memory,
        skipped=skipped,
        machine=started_on,
    )


async def _stop(running: list[Running]) -> None:
    for bot in running:
        await bot.process.stop()  # SIGTERM; BenchError unless it exits 0
        await bot.emulator.stop()
        bot.stopped = True


def _wijkbot(
    work: Path, name: str, database_url: str, runtime: str, *, migrate: bool, profile: Path | None
) -> Callable[[str], Target]:
    env_file = work / "empty.env"
    env_file.touch()
    return lambda url: wijkbot_target(
        name,
        database_url=database_url,
        api_url=url,
        token=TOKEN,
        env_file=env_file,
        migrate=migrate,  # `admin load` and `run` migrate SQLite themselves
        profile=profile,
        runtime=runtime,
    )


async def _start_bots(
    running: list[Running],
    skipped: list[str],
    work: Path,
    databases: list[ScratchPostgres],
    options: Options,
) -> None:
    """The echo baseline(s), the peer, Wijkbot on SQLite and, when the server can be used, on
    PostgreSQL; with a population, Wijkbot once more on each database, prefilled."""
    for runtime in options.runtimes:
        echo = lambda url, r=runtime: echo_target(url, TOKEN, r)  # noqa: E731
        await _launch(running, work, f"echo-{runtime}", echo, kind="echo")
        if runtime == "aiogram":
            peer = lambda url: peer_target(url, TOKEN, work / "peer.db")  # noqa: E731
            await _launch(running, work, "peer", peer, kind="peer")
        await _launch_wijkbot(running, work, options, "sqlite", runtime, populated=False)
    if options.population:
        await _launch_wijkbot(running, work, options, "sqlite", "aiogram", populated=True)
    # PostgreSQL on the default runtime: one scratch database per bot.
    if not options.postgresql or "aiogram" not in options.runtimes:
        return
    for populated in (False, True) if options.population else (False,):
        name = f"{BENCH_DATABASE}_population" if populated else BENCH_DATABASE
        database = ScratchPostgres(postgres_admin_url(), name)
        try:
            url = await database.create()
        except PostgresUnavailable as exc:
            skipped.append(f"PostgreSQL figures skipped: cannot use {exc}")
            log(skipped[-1])
            return
        databases.append(database)
        await _launch_wijkbot(
            running, work, options, "postgresql", "aiogram", populated=populated, url=url
        )


async def _launch_wijkbot(
    running: list[Running],
    work: Path,
    options: Options,
    slug: str,
    runtime: str,
    *,
    populated: bool,
    url: str | None = None,
) -> None:
    """`wijkbot run` on `url` (a new SQLite file when None), prefilled when `populated`."""
    name = f"wijkbot {slug}" if runtime == "aiogram" else f"wijkbot {runtime} {slug}"
    empty = name
    folder = f"{slug}-{runtime}" + ("-population" if populated else "")
    if populated:
        name = f"{name}, {options.population:,} residents"
    if url is None:
        (work / folder).mkdir()
        url = f"sqlite:///{work / folder / 'wijkbot.db'}"
    profile = _profile(options, folder)
    build = _wijkbot(work, name, url, runtime, migrate=slug == "postgresql", profile=profile)
    prepare = None
    if populated:

        async def prepare() -> None:
            started = time.perf_counter()
            try:
                await population.fill(url, options.population)
            except (SQLAlchemyError, ValueError) as exc:
                reason = str(exc).splitlines()[0][:300]
                raise BenchError(f"{name}: could not store the residents: {reason}") from None
            log(f"{name}: stored in {time.perf_counter() - started:.0f}s")

    await _launch(running, work, folder, build, prepare)
    running[-1].figures.baseline = f"echo ({runtime})"
    if populated:
        running[-1].figures.empty = empty


async def _measure_rounds(running: list[Running], options: Options) -> None:
    """A warm-up per bot, then the rounds, round-robin over the bots."""
    for bot in running:
        await _measure(bot, phase=1, residents=options.warmup, options=options)
        log(f"{bot.figures.name}: warmed up with {options.warmup} residents")
    _signal_profiled(running, profiled.START)
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
    _signal_profiled(running, profiled.STOP)
    for bot in running:
        if bot.profile is not None:
            await _written(bot.profile)


def _signal_profiled(running: list[Running], number: int) -> None:
    for bot in running:
        if bot.profile is not None:
            bot.process.signal(number)


async def _written(path: Path, within: float = 30.0) -> None:
    """Wait until a profiled bot has written its profile (it does so between two steps)."""
    deadline = time.monotonic() + within
    while not await asyncio.to_thread(path.exists):
        if time.monotonic() > deadline:
            raise BenchError(f"no profile written to {path} within {within:g}s")
        await asyncio.sleep(0.1)


async def _launch(
    running: list[Running],
    work: Path,
    slug: str,
    build: Callable[[str], Target],
    prepare: Prepare | None = None,
    *,
    kind: str = "wijkbot",
) -> None:
    """Start an emulator, set the bot up against it and start the bot; returns when it polls.

    `prepare` runs after the set-up commands, before the bot starts. The bot is added to
    `running` before it is waited for, so a failure still cleans it up.
    """
    emulator = BotAPIEmulator(
        token=TOKEN, bot_username=BOT_USERNAME, limits=Limits(enabled=False)
    )  # rate limits off: we measure the bot's capacity, not Telegram's flood control
    await emulator.start()
    target = build(emulator.url)
    process = BotProcess(
        target.name, target.command, env=target.env, cwd=ROOT, log=work / f"{slug}.log"
    )
    bot = Running(emulator, process, RuntimeFigures(target.name, kind), target.profile)
    running.append(bot)
    for command in target.setup:
        await run_command(target.name, command, env=target.env, cwd=ROOT)
    if prepare is not None:
        await prepare()
    await process.start()
    await process.wait_ready(emulator)
    log(f"{target.name}: running")


async def _measure(bot: Running, *, phase: int, residents: int, options: Options) -> RoundFigures:
    before = cpu_seconds(bot.process.pid)
    try:
        figures = await onboarding.run_phase(
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
    after = cpu_seconds(bot.process.pid)
    if before is None or after is None:
        return figures
    return RoundFigures(figures.steps, figures.wall_seconds, figures.latencies, after - before)


async def _memory(work: Path, options: Options) -> MemoryFigures:
    """RSS of a fresh `wijkbot run` (SQLite) after MEMORY_FEW and after `options.memory`
    onboarded residents, MEMORY_BATCH onboarding at once."""
    folder = work / "memory"
    folder.mkdir()
    build = _wijkbot(
        work, "wijkbot sqlite (memory)", f"sqlite:///{folder / 'wijkbot.db'}", "aiogram",
        migrate=False, profile=None,
    )  # fmt: skip
    running: list[Running] = []
    started = time.perf_counter()
    try:
        await _launch(running, work, "memory", build)
        (bot,) = running
        few = await _onboard(bot, 0, MEMORY_FEW, options)
        few_kib = rss_kib(bot.process.pid)
        log(f"memory: {few_kib} KiB after {few} residents")
        many = await _onboard(bot, few, max(options.memory - few, 0), options)
        many_kib = rss_kib(bot.process.pid)
        log(f"memory: {many_kib} KiB after {many} residents")
        await _stop(running)
    finally:
        for bot in running:
            if not bot.stopped:
                await bot.process.kill()
                await bot.emulator.stop()
    if few_kib is None or many_kib is None:
        raise BenchError("cannot read VmRSS from /proc: the memory figure needs Linux")
    return MemoryFigures("sqlite", few, few_kib, many, many_kib, time.perf_counter() - started)


async def _onboard(bot: Running, done: int, count: int, options: Options) -> int:
    """Onboard `count` more residents after the `done` ones, MEMORY_BATCH at once (each
    batch a phase with ids of its own); returns the total."""
    while count > 0:
        batch = min(count, MEMORY_BATCH)
        phase = 2 + done // MEMORY_FEW  # batches are multiples of MEMORY_FEW: ids never meet
        await _measure(bot, phase=phase, residents=batch, options=options)
        done, count = done + batch, count - batch
        log(f"memory: {done:,} residents onboarded")
    return done


def _profile(options: Options, slug: str) -> Path | None:
    if options.profile_dir is None:
        return None
    options.profile_dir.mkdir(parents=True, exist_ok=True)
    return (options.profile_dir / f"wijkbot-{slug}.prof").resolve()
