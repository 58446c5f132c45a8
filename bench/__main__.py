"""`python -m bench`: Wijkbot's conversation steps per second against the conventional peer
and a bare aiogram bot, with the issue's goals.

Run from the repository root. See `python -m bench --help`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from . import profiling, scaling
from .databases import BENCH_DATABASE, DEFAULT_POSTGRES_URL, POSTGRES_URL_SETTING
from .errors import BenchError
from .harness import MEMORY_BATCH, MEMORY_FEW, Options, run
from .stats import MEMORY_GOAL, POPULATION_GOAL

DESCRIPTION = f"""\
Measure conversation steps per second (a resident's message or button press and the bot's
answer to it) through Wijkbot's real aiogram runtime against the local Bot API emulator:
N residents at once, each going through the 4 onboarding steps (/start, language, buurt,
consent), in all five first languages. Wijkbot runs as `python -m bot run`, a separate
process, on a fresh SQLite file and on a scratch PostgreSQL database. Beside it, in the same
run and against the same script: the conventional peer (bench/peer_bot.py: aiogram Router,
FSM in memory, the person saved with the SQLAlchemy ORM on SQLite at consent) and a bare
aiogram echo bot (bench/echo_bot.py). On a shared machine only same-run ratios mean
anything. The emulator's rate limits are off: this measures the bots' processing capacity,
not Telegram's flood control. Per bot: steps/s, p50/p99 latency per step, CPU ms per step
(the bot process's own user + system time from /proc), the ratios, and which goals hold.

Full run (as in the README; about 12 minutes on 2 cores):
  python -m bench --population 100000 --memory 10000

PostgreSQL: the databases `{BENCH_DATABASE}` (and `{BENCH_DATABASE}_population`) are created
(dropped first if left over) on the server named by {POSTGRES_URL_SETTING} (default
{DEFAULT_POSTGRES_URL}) and dropped afterwards; no other database is touched. An unreachable
server skips those figures.
"""


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def _processes(value: str) -> tuple[int, ...]:
    try:
        counts = tuple(int(part) for part in value.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError("numbers separated by commas, e.g. 1,2") from None
    if min(counts) < 1:
        raise argparse.ArgumentTypeError("each at least 1")
    return counts


def _at_least_few(value: str) -> int:
    number = int(value)
    if number < MEMORY_FEW:
        raise argparse.ArgumentTypeError(f"must be at least {MEMORY_FEW}")
    return number


def parser() -> argparse.ArgumentParser:
    result = argparse.ArgumentParser(
        prog="python -m bench",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Exit codes: 0 measured (whether or not the goal is met), 1 a run failed.",
    )
    result.add_argument(
        "--residents", type=_positive, default=200, help="residents at once (default 200)"
    )
    result.add_argument(
        "--rounds",
        type=_positive,
        default=2,
        help="measured rounds per bot; the best throughput counts (default 2)",
    )
    result.add_argument(
        "--warmup", type=_positive, default=5, help="residents of the unmeasured warm-up (5)"
    )
    result.add_argument(
        "--step-timeout",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="longest wait for one answer before the run fails (default 30)",
    )
    result.add_argument(
        "--json",
        type=Path,
        metavar="PATH",
        help="also write the figures as JSON, e.g. bench/results/onboarding.json (git-ignored)",
    )
    result.add_argument("--no-postgresql", action="store_true", help="measure SQLite only")
    result.add_argument(
        "--runtime",
        choices=("aiogram", "ptb", "both"),
        default="aiogram",
        help="which runtime(s), each against its own framework's bare echo bot (default aiogram;"
        " PostgreSQL is measured on aiogram)",
    )
    result.add_argument(
        "--profile",
        type=Path,
        nargs="?",
        const=Path("bench/results/profile"),
        metavar="DIR",
        help="run Wijkbot under cProfile, write DIR/wijkbot-<db>.prof (default DIR "
        "bench/results/profile) and print the top of where the time goes (slows Wijkbot down:"
        " for finding hotspots, not for figures)",
    )
    result.add_argument(
        "--processes",
        type=_processes,
        metavar="N,N",
        help="instead: the scaling benchmark, Wijkbot in N webhook processes on PostgreSQL "
        "behind a round-robin proxy, e.g. 1,2 (goal: steps per bot-CPU-second with 2 >= "
        f"{scaling.SCALING_GOAL}x with 1)",
    )
    result.add_argument(
        "--population",
        type=_positive,
        metavar="N",
        help="also measure Wijkbot on databases that already hold N onboarded residents, e.g."
        f" 100000 (goal: >= {POPULATION_GOAL:.1f}x the rate on an empty database)",
    )
    result.add_argument(
        "--memory",
        type=_at_least_few,
        metavar="N",
        help=f"after the rounds, onboard N residents (e.g. 10000) through a fresh `wijkbot run`"
        f" on SQLite and compare its RSS with that after {MEMORY_FEW} (goal: <= "
        f"{MEMORY_GOAL:.1f}x); {MEMORY_BATCH} residents at once",
    )
    return result


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    options = Options(
        residents=args.residents,
        rounds=args.rounds,
        warmup=args.warmup,
        step_timeout=args.step_timeout,
        postgresql=not args.no_postgresql,
        profile_dir=args.profile,
        runtimes=("aiogram", "ptb") if args.runtime == "both" else (args.runtime,),
        population=args.population or 0,
        memory=args.memory or 0,
    )
    if args.processes:
        try:
            print(scaling.table(asyncio.run(scaling.run(options, args.processes))))
        except BenchError as exc:
            print(f"bench: failed: {exc}", file=sys.stderr)
            return 1
        return 0
    if args.profile is not None:
        for stale in args.profile.glob("wijkbot-*.prof"):
            stale.unlink()  # only this run's profiles are printed
    try:
        report = asyncio.run(run(options))
    except BenchError as exc:
        print(f"bench: failed: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    print(report.table())
    if args.profile is not None:
        for path in sorted(args.profile.glob("wijkbot-*.prof")):
            print(f"\n{profiling.summary(path)}")
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report.to_json(), indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
