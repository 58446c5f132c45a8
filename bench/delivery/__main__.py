"""`python -m bench.delivery`: the outbox and the sender under load, faults and kill -9.

Run from the repository root; see `python -m bench.delivery --help`.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from . import broadcast, crash, faults, profiling, scale_search, sweeps, whatsapp, without_http
from .databases import (
    ADMIN_URL_SETTING,
    DATABASE,
    BenchError,
    ScratchPostgres,
    SqliteFiles,
    admin_url,
    postgres_unavailable,
    scratch_postgres,
)
from .report import Outcome, table, write_json

BENCHMARKS = ("broadcast", "paid", "faults", "crash-resume", "sweeps", "whatsapp")
PROFILED_RECIPIENTS = 3_000
FULL = 10_000
DESCRIPTION = f"""\
Benchmarks of Wijkbot's pushed messages (README: "Messages Wijkbot sends by itself"):

  broadcast     one broadcast to N residents; the sender (`python -m bot send`, a separate
                process) against the Bot API emulator with Telegram's limits x SCALE:
                achieved rate / limit (goal >= 0.95), 429s, duplicates (0), lost (0)
  paid          a paid broadcast (ALLOW_PAID_BROADCAST: Telegram's 1000 msg/s, unscaled) to
                10,000 residents on PostgreSQL, sent by 1, 2 and 3 sender processes (the
                leader's and `send --extra` ones, DELIVERY_CONCURRENCY=8 each) sharing one
                rate through the database:
                rate / 1000 (goal >= 0.95 with as many senders as it takes), 0 duplicates, 0 lost
  faults        the same with 10% 5xx and 2% blocked recipients: one message per
                reachable recipient, blocked ones marked unreachable (real 2-4-8 s backoff)
  crash-resume  kill -9 of the sender five times during a broadcast, restarted each
                time: lost 0, at most one duplicate per crash
  sweeps        SQL statements of the action_reminders and weekly_digest sweeps at 1,000
                and 100,000 residents (must be equal), and the time ratio
  whatsapp      one broadcast to N WhatsApp residents (CHANNELS=whatsapp, pywa) against the
                Cloud API emulator at WhatsApp's 80 msg/s x WHATSAPP_SCALE, half of them
                inside the 24-hour window (free-form), half outside (the template):
                rate / limit (goal >= 0.95), 130429s, duplicates (0), lost (0)

Each runs on a fresh SQLite file; broadcast, sweeps and whatsapp also on PostgreSQL when it is
reachable, in the database `{DATABASE}` that this command creates (dropping a
left-over first) and drops, through the maintenance database named by {ADMIN_URL_SETTING}
(default postgres@127.0.0.1:5432/postgres). No other database is touched.

The default sizes keep the whole run under about 4 minutes on two cores, where the sender
manages roughly half of 300 msg/s: 10,000 recipients for the SQLite broadcast, 3,000 for
the PostgreSQL broadcast and the crash run. --full runs 10,000 everywhere (~7 minutes).
"""


def _at_least(minimum: int) -> Callable[[str], int]:
    def parse(value: str) -> int:
        number = int(value.replace(",", "").replace("_", ""))
        if number < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum:,}")
        return number

    return parse


def _counts(value: str) -> tuple[int, ...]:
    try:
        counts = tuple(int(part) for part in value.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError("must be numbers separated by commas") from None
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError("each must be at least 1")
    return counts


def _positive(value: str) -> float:
    number = float(value)
    if number <= 0:
        raise argparse.ArgumentTypeError("must be above 0")
    return number


def parser() -> argparse.ArgumentParser:
    result = argparse.ArgumentParser(
        prog="python -m bench.delivery",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Exit codes: 0 every correctness goal met (a missed rate goal is reported, "
        "not fatal); 1 a correctness goal failed; 2 a benchmark could not run.",
    )
    result.add_argument("--only", choices=BENCHMARKS, help="run only this benchmark")
    result.add_argument("--json", type=Path, metavar="PATH", help="also write the results here")
    sizes = (
        ("--scale", _positive, 10.0, "Telegram's limits x this (default 10: 300 msg/s)"),
        ("--recipients", _at_least(2), 10_000, "broadcast on SQLite (10,000)"),
        ("--postgres-recipients", _at_least(2), 3_000, "broadcast on PostgreSQL (3,000)"),
        ("--fault-recipients", _at_least(50), 2_000, "faults (2,000)"),
        ("--paid-recipients", _at_least(2), 10_000, "paid broadcast (10,000)"),
        ("--crash-recipients", _at_least(100), 3_000, "crash-resume (3,000)"),
        ("--residents", _at_least(1_001), 100_000, "sweeps: the larger size (100,000)"),
        ("--whatsapp-recipients", _at_least(2), 2_000, "whatsapp broadcast (2,000)"),
        ("--whatsapp-scale", _positive, 1.0, "WhatsApp's 80 msg/s x this (default 1)"),
    )
    for flag, kind, default, text in sizes:
        result.add_argument(flag, type=kind, default=default, help=text)
    result.add_argument(
        "--paid-senders",
        type=_counts,
        default=(1, 2, 3),
        metavar="N,N",
        help="sender processes for the paid broadcast, one run each (default 1,2,3)",
    )
    result.add_argument(
        "--paid-concurrency",
        type=int,
        default=8,
        metavar="N",
        help="DELIVERY_CONCURRENCY of each sender in the paid broadcast (default 8: its sent "
        "marks are written together)",
    )
    result.add_argument(
        "--whatsapp-concurrency",
        type=int,
        default=1,
        metavar="N",
        help="DELIVERY_CONCURRENCY of the sender in the whatsapp broadcast (default 1, as "
        "deployed by default)",
    )
    result.add_argument(
        "--find-scale",
        action="store_true",
        help="when the rate goal is missed, bisect for the largest scale that meets it",
    )
    result.add_argument(
        "--profile",
        action="store_true",
        help="also run a broadcast with the sender under cProfile, and show its hotspots",
    )
    result.add_argument("--no-postgres", action="store_true", help="SQLite only")
    result.add_argument(
        "--full",
        action="store_true",
        help=f"the full sizes: {FULL:,} recipients for every broadcast and the crash run, "
        "and --find-scale (about 7 minutes on two cores; the default stays under 4)",
    )
    return result


def full_sizes(args: argparse.Namespace) -> argparse.Namespace:
    if args.full:
        args.recipients = max(args.recipients, FULL)
        args.postgres_recipients = max(args.postgres_recipients, FULL)
        args.crash_recipients = max(args.crash_recipients, FULL)
        args.find_scale = True
    return args


class Session:
    """One run: its temporary folder, its databases, and the tables printed so far."""

    def __init__(self, args: argparse.Namespace, folder: Path) -> None:
        self.args = args
        self.folder = folder
        self.sqlite = SqliteFiles(folder)
        self.outcomes: list[Outcome] = []

    def wants(self, name: str) -> bool:
        return self.args.only in (None, name)

    def show(self, title: str, outcomes: Sequence[Outcome]) -> None:
        self.outcomes += outcomes
        print(table(title, outcomes), end="\n\n", flush=True)

    async def run(self) -> None:
        postgres = not self.args.no_postgres and await self._postgres_available()
        async with scratch_postgres(admin_url(), self.sqlite.env_file) as scratch:
            pg = scratch if postgres else None
            if self.wants("broadcast"):
                await self._broadcasts(pg)
            if self.wants("paid") and pg is not None:
                await self._paid(pg)
            if self.wants("faults"):
                await self._faults()
            if self.wants("crash-resume"):
                await self._crash()
            if self.wants("sweeps"):
                await self._sweeps(pg)
            if self.wants("whatsapp"):
                await self._whatsapp(pg)

    async def _broadcasts(self, postgres: ScratchPostgres | None) -> None:
        args = self.args
        rows = [await self._broadcast()]
        if postgres is not None:
            spec = broadcast.Run(
                await postgres.fresh(),
                self.folder,
                self.sqlite.env_file,
                recipients=args.postgres_recipients,
                scale=args.scale,
            )
            rows.append(await broadcast.run(spec))
        self.show(f"broadcast (limits x{args.scale:g})", rows)
        if args.profile:
            await self._profile(postgres)
        if args.find_scale and not rows[0].goals[0].met:
            await self._find_scale()

    async def _paid(self, postgres: ScratchPostgres) -> None:
        rows = []
        for count in self.args.paid_senders:
            spec = broadcast.Run(
                await postgres.fresh(),
                self.folder,
                self.sqlite.env_file,
                recipients=self.args.paid_recipients,
                scale=1.0,
                paid=True,
                senders=count,
                concurrency=self.args.paid_concurrency,
                label=f"postgresql, {count} sender{'s' if count > 1 else ''}",
                bare_client=False,
            )
            rows.append(await broadcast.run(spec))
        self.show("paid broadcast (Telegram's 1000 msg/s)", rows)

    async def _faults(self) -> None:
        spec = faults.Run(
            self.sqlite.fresh("faults"),
            self.folder,
            self.sqlite.env_file,
            recipients=self.args.fault_recipients,
            scale=self.args.scale,
        )
        self.show("faults (10% 502, 2% blocked)", [await faults.run(spec)])

    async def _crash(self) -> None:
        spec = crash.Run(
            self.sqlite.fresh("crash"),
            self.folder,
            self.sqlite.env_file,
            recipients=self.args.crash_recipients,
            scale=self.args.scale,
        )
        self.show("crash-resume (kill -9 x5, DELIVERY_CONCURRENCY=1)", [await crash.run(spec)])

    async def _sweeps(self, postgres: ScratchPostgres | None) -> None:
        sizes = (1_000, self.args.residents)
        rows = await sweeps.run(sweeps.Run(self.sqlite.fresh("sweeps"), sizes))
        if postgres is not None:
            rows += await sweeps.run(sweeps.Run(await postgres.fresh(), sizes))
        self.show("sweep cost", rows)

    async def _whatsapp(self, postgres: ScratchPostgres | None) -> None:
        args = self.args
        databases = [self.sqlite.fresh("whatsapp")]
        if postgres is not None:
            databases.append(await postgres.fresh())
        rows = []
        for database in databases:
            spec = whatsapp.Run(
                database,
                self.folder,
                self.sqlite.env_file,
                recipients=args.whatsapp_recipients,
                scale=args.whatsapp_scale,
                concurrency=args.whatsapp_concurrency,
            )
            rows.append(await whatsapp.run(spec))
        rate = whatsapp.WHATSAPP_RATE * args.whatsapp_scale
        self.show(f"whatsapp broadcast ({rate:g} msg/s)", rows)

    async def _broadcast(self) -> Outcome:
        spec = broadcast.Run(
            self.sqlite.fresh("broadcast"),
            self.folder,
            self.sqlite.env_file,
            recipients=self.args.recipients,
            scale=self.args.scale,
        )
        return await broadcast.run(spec)

    async def _profile(self, scratch: ScratchPostgres | None) -> None:
        """A separate, smaller run under cProfile (profiling slows the sender down, so the
        measured run above stays unprofiled), and the sender's ceiling without HTTP."""
        path = self.folder / "sender.prof"
        recipients = min(self.args.recipients, PROFILED_RECIPIENTS)
        spec = broadcast.Run(
            self.sqlite.fresh("profiled"),
            self.folder,
            self.sqlite.env_file,
            recipients=recipients,
            scale=self.args.scale,
            profile=path,
            label="sqlite, cProfile",
        )
        outcome = await broadcast.run(spec)
        self.show("broadcast under cProfile (rates not comparable)", [outcome])
        if path.exists():
            print(profiling.summary(path, recipients), end="\n\n", flush=True)
        rows = [await without_http.run(self.sqlite.fresh("no-http"), recipients)]
        if scratch is not None:
            rows.append(await without_http.run(await scratch.fresh(), recipients))
        self.show("the sender without HTTP (Telegram answering instantly, no limits)", rows)

    async def _find_scale(self) -> None:
        best, probes = await scale_search.largest_scale(
            self.sqlite.fresh, self.folder, self.sqlite.env_file, below=self.args.scale
        )
        self.show("largest scale meeting the rate goal (SQLite)", probes)
        verdict = f"x{best:g} ({30 * best:g} msg/s)" if best else "none of the candidates"
        print(f"largest scale with rate >= 0.95 of the limit: {verdict}\n", flush=True)

    async def _postgres_available(self) -> bool:
        reason = await postgres_unavailable(admin_url())
        if reason:
            print(f"PostgreSQL skipped: {reason}\n", flush=True)
        return reason is None


def main(argv: Sequence[str] | None = None) -> int:
    args = full_sizes(parser().parse_args(argv))
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="wijkbot-bench-delivery-") as folder:
        session = Session(args, Path(folder))
        try:
            asyncio.run(session.run())
        except BenchError as exc:
            print(f"bench.delivery: {exc}", file=sys.stderr)
            return 2
        finally:
            if args.json and session.outcomes:
                write_json(args.json, session.outcomes)
    failed = [(o, goal) for o in session.outcomes for goal in o.failed]
    for outcome, goal in failed:
        print(f"FAILED {outcome.benchmark} / {outcome.label}: {goal.name}: {goal.detail}")
    print(f"total {time.monotonic() - started:.0f}s; {len(failed)} correctness goals failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
