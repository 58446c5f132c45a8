"""`python -m bench --processes 1,2`: Wijkbot in 1, 2, ... webhook processes on one PostgreSQL.

    residents ──> emulator ──webhook──> RoundRobin ──> wijkbot run 1 ──┐
                                                   └─> wijkbot run 2 ──┴──> PostgreSQL
                                    (sampled meanwhile: backends waiting for a lock)

The same onboarding as the main benchmark, with the processes behind a round-robin proxy
(bot/emulator/proxy.py). On a machine with few cores, more processes cannot make more
steps per second than one process that already uses a core; what they must not do is cost
more CPU per step. So the figure that counts is steps per bot-CPU-second (the processes'
user + system time together): goal, with 2 processes at least SCALING_GOAL of that with 1,
i.e. no contention overhead. Reported beside it: the share of samples in which some backend
of the database waited for a lock, deadlocks, and steps that failed (and were retried).
"""

from __future__ import annotations

import asyncio
import re
import socket
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import asyncpg

from bot.emulator import BotAPIEmulator, Limits
from bot.emulator.proxy import RoundRobin

from . import onboarding
from .databases import BENCH_DATABASE, PostgresUnavailable, ScratchPostgres, postgres_admin_url
from .errors import BenchError
from .harness import BOT_USERNAME, PHASE_IDS, TOKEN, Options, log
from .processes import BotProcess, cpu_seconds, run_command, tail
from .stats import RoundFigures
from .targets import ROOT, wijkbot_target

SCALING_GOAL = 0.9  # steps per bot-CPU-second with 2 processes / with 1
SAMPLE_EVERY = 0.02  # seconds between looks at pg_stat_activity
WEBHOOK_SECRET = "bench-webhook-secret"
FAILED = re.compile(r"^wijkbot_updates_failed_total (\S+)$", re.M)


@dataclass
class ScalingFigures:
    processes: int
    rounds: list[RoundFigures] = field(default_factory=list)
    lock_samples: int = 0
    samples: int = 0
    deadlocks: int = 0
    failed_steps: int = 0

    @property
    def best(self) -> RoundFigures:
        return max(self.rounds, key=lambda figures: figures.steps_per_second)

    @property
    def steps_per_cpu_second(self) -> float | None:
        best = self.best
        return None if not best.cpu_seconds else best.steps / best.cpu_seconds


async def run(options: Options, counts: tuple[int, ...]) -> list[ScalingFigures]:
    results = []
    with tempfile.TemporaryDirectory(prefix="wijkbot-bench-scaling-") as folder:
        for count in counts:
            database = ScratchPostgres(postgres_admin_url(), f"{BENCH_DATABASE}_scaling")
            try:
                url = await database.create()
            except PostgresUnavailable as exc:
                raise BenchError(f"the scaling benchmark needs PostgreSQL: {exc}") from None
            try:
                results.append(await _measure(options, count, url, Path(folder)))
            finally:
                await database.drop()
    return results


async def _measure(options: Options, count: int, url: str, work: Path) -> ScalingFigures:
    figures = ScalingFigures(count)
    emulator = BotAPIEmulator(token=TOKEN, bot_username=BOT_USERNAME, limits=Limits(enabled=False))
    await emulator.start()
    env_file = work / "empty.env"
    env_file.touch()
    target = wijkbot_target(
        f"wijkbot x{count}",
        database_url=url,
        api_url=emulator.url,
        token=TOKEN,
        env_file=env_file,
        migrate=True,
    )
    bots: list[tuple[BotProcess, str]] = []
    try:
        for command in target.setup:
            await run_command(target.name, command, env=target.env, cwd=ROOT)
        async with RoundRobin() as proxy:
            for n in range(count):
                listen = f"127.0.0.1:{_free_port()}"
                env = target.env | {
                    "WEBHOOK_URL": proxy.url,
                    "WEBHOOK_SECRET": WEBHOOK_SECRET,
                    "INVITE_SECRET": "bench-invite-secret",
                    "LISTEN": listen,
                }
                log_path = work / f"scaling-{count}-{n + 1}.log"
                name = f"{target.name} #{n + 1}"
                bot = BotProcess(name, target.command, env=env, cwd=ROOT, log=log_path)
                bots.append((bot, listen))
                await bot.start()
                proxy.backends.append(listen)
            for bot, listen in bots:
                await _ready(bot, listen)
            log(f"{target.name}: {count} webhook process(es) ready")
            await _rounds(figures, emulator, bots, url, options)
            figures.failed_steps = sum([await _failed_steps(listen) for _, listen in bots])
            for bot, _ in bots:
                await bot.stop()
    finally:
        for bot, _ in bots:
            await bot.kill()
        await emulator.stop()
    return figures


async def _rounds(
    figures: ScalingFigures,
    emulator: BotAPIEmulator,
    bots: list[tuple[BotProcess, str]],
    url: str,
    options: Options,
) -> None:
    warmup = options.warmup
    await onboarding.run_phase(
        emulator, first_id=PHASE_IDS + 1, residents=warmup, step_timeout=options.step_timeout
    )
    database = url.rsplit("/", 1)[1]
    connection = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        deadlocks_before = await _deadlocks(connection, database)
        stop = asyncio.Event()
        sampling = asyncio.create_task(_sample_locks(connection, database, figures, stop))
        try:
            for number in range(options.rounds):
                before = _cpu(bots)
                phase = await onboarding.run_phase(
                    emulator,
                    first_id=(number + 2) * PHASE_IDS + 1,
                    residents=options.residents,
                    step_timeout=options.step_timeout,
                )
                after = _cpu(bots)
                cpu = None if before is None or after is None else after - before
                figures.rounds.append(
                    RoundFigures(phase.steps, phase.wall_seconds, phase.latencies, cpu)
                )
                log(
                    f"x{figures.processes}: round {number + 1}: "
                    f"{phase.steps_per_second:.1f} steps/s"
                )
        finally:
            stop.set()
            await sampling
        figures.deadlocks = await _deadlocks(connection, database) - deadlocks_before
    finally:
        await connection.close()


def _cpu(bots: list[tuple[BotProcess, str]]) -> float | None:
    seconds = [cpu_seconds(bot.pid) for bot, _ in bots]
    return None if None in seconds else sum(s for s in seconds if s is not None)


async def _sample_locks(
    connection: asyncpg.Connection, database: str, figures: ScalingFigures, stop: asyncio.Event
) -> None:
    """Count the samples in which some backend of the database waited for a lock."""
    query = "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'"
    while not stop.is_set():
        waiting = await connection.fetchval(query, database)
        figures.samples += 1
        figures.lock_samples += 1 if waiting else 0
        await asyncio.sleep(SAMPLE_EVERY)


async def _deadlocks(connection: asyncpg.Connection, database: str) -> int:
    query = "SELECT deadlocks FROM pg_stat_database WHERE datname = $1"
    return int(await connection.fetchval(query, database) or 0)


async def _ready(bot: BotProcess, listen: str, within: float = 60.0) -> None:
    """Wait until the process answers /readyz with 200 (webhook set, database reachable)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    async with aiohttp.ClientSession() as http:
        while True:
            try:
                async with http.get(f"http://{listen}/readyz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            if loop.time() > deadline:
                raise BenchError(f"{bot.name} not ready within {within:g}s:\n{tail(bot.log)}")
            await asyncio.sleep(0.1)


async def _failed_steps(listen: str) -> int:
    async with aiohttp.ClientSession() as http, http.get(f"http://{listen}/metrics") as response:
        text = await response.text()
    return sum(int(float(value)) for value in FAILED.findall(text))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def table(results: list[ScalingFigures]) -> str:
    base = results[0].steps_per_cpu_second if results else None
    base_rate = results[0].best.steps_per_second if results else None
    head = (
        f"{'processes':>9}  {'steps/s':>8}  {'x1':>5}  {'p50 ms':>7}  {'p99 ms':>7}  "
        f"{'bot CPU s':>9}  {'steps/CPU-s':>11}  {'x1':>5}  {'lock waits':>10}  "
        f"{'deadlocks':>9}  {'failed steps':>12}"
    )
    lines = ["== scaling on PostgreSQL (webhook processes behind a round-robin proxy) ==", head]
    lines.append("-" * len(head))
    for figures in results:
        best = figures.best
        per_cpu = figures.steps_per_cpu_second
        waits = figures.lock_samples / figures.samples if figures.samples else 0.0
        lines.append(
            f"{figures.processes:>9}  {best.steps_per_second:>8.1f}  "
            f"{best.steps_per_second / base_rate:>5.2f}  {best.p50_ms:>7.0f}  {best.p99_ms:>7.0f}  "
            f"{best.cpu_seconds or 0:>9.1f}  {per_cpu or 0:>11.1f}  "
            f"{(per_cpu or 0) / (base or 1):>5.2f}  {waits:>10.0%}  "
            f"{figures.deadlocks:>9}  {figures.failed_steps:>12}"
        )
    for figures in results[1:]:
        ratio = (figures.steps_per_cpu_second or 0) / (base or 1)
        verdict = "holds" if ratio >= SCALING_GOAL else "MISSED"
        lines.append(
            f"goal: steps per bot-CPU-second with {figures.processes} processes >= "
            f"{SCALING_GOAL} x with 1: {ratio:.2f} ({verdict})"
        )
    lines.append(
        "lock waits: share of samples (every 20 ms) in which a backend of the database waited "
        "for a lock"
    )
    return "\n".join(lines)
