"""Figures of a benchmark run: throughput, latency, CPU, ratios, the issue's goals, table, JSON.

Throughput is taken as the best of the measured rounds because on a shared machine noise only
ever slows a round down; the latencies and CPU reported are those of that same round, so the
numbers on a row describe one consistent run. Every ratio is between bots of the same run.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

PEER_GOAL = 1.0  # Wijkbot steps/s against the conventional peer, SQLite and PostgreSQL
ECHO_GOAL = 0.3  # ... and against the framework's bare echo bot
POPULATION_GOAL = 0.9  # steps/s with N residents already in the database / with none
MEMORY_GOAL = 1.2  # RSS after many onboarded residents / after a few


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) with linear interpolation, as numpy's default does."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100.0
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(frozen=True)
class RoundFigures:
    """One measured phase: all residents going through the script at once."""

    steps: int
    wall_seconds: float
    latencies: tuple[float, ...]  # seconds, one per step
    cpu_seconds: float | None = None  # the bot process's user + system CPU during the phase

    @property
    def steps_per_second(self) -> float:
        return self.steps / self.wall_seconds

    @property
    def p50_ms(self) -> float:
        return percentile(self.latencies, 50) * 1000

    @property
    def p99_ms(self) -> float:
        return percentile(self.latencies, 99) * 1000

    @property
    def cpu_ms_per_step(self) -> float | None:
        return None if self.cpu_seconds is None else self.cpu_seconds * 1000 / self.steps


@dataclass
class RuntimeFigures:
    """All measured rounds of one bot under test."""

    name: str
    kind: str = "wijkbot"  # "echo", "peer" or "wijkbot"
    baseline: str = "echo (aiogram)"  # the bare bot of the same framework
    empty: str | None = None  # for a prefilled database: the same bot on an empty one
    rounds: list[RoundFigures] = field(default_factory=list)

    @property
    def best(self) -> RoundFigures:
        return max(self.rounds, key=lambda figures: figures.steps_per_second)


@dataclass(frozen=True)
class MemoryFigures:
    """RSS of one `wijkbot run` process after a few and after many onboarded residents."""

    database: str
    few: int
    few_kib: int
    many: int
    many_kib: int
    seconds: float

    @property
    def ratio(self) -> float:
        return self.many_kib / self.few_kib


@dataclass(frozen=True)
class Goal:
    text: str
    measured: str
    holds: bool


@dataclass
class Report:
    """Everything the command prints or writes as JSON."""

    residents: int
    steps_per_resident: int
    rounds: int
    runtimes: list[RuntimeFigures]
    population: int = 0
    memory: MemoryFigures | None = None
    skipped: list[str] = field(default_factory=list)
    machine: dict[str, Any] = field(default_factory=dict)

    def _named(self, name: str | None) -> RuntimeFigures | None:
        return next((r for r in self.runtimes if r.name == name), None)

    def _peer(self) -> RuntimeFigures | None:
        return next((r for r in self.runtimes if r.kind == "peer"), None)

    def ratio(self, runtime: RuntimeFigures) -> float:
        """Against the bare echo bot of the same framework, measured in the same run."""
        baseline = self._named(runtime.baseline)
        assert baseline is not None
        return runtime.best.steps_per_second / baseline.best.steps_per_second

    def peer_ratio(self, runtime: RuntimeFigures) -> float | None:
        peer = self._peer()
        return None if peer is None else runtime.best.steps_per_second / peer.best.steps_per_second

    def goals(self) -> list[Goal]:
        """The issue's goals that this run measured, each with what was measured."""
        goals: list[Goal] = []
        peer = self._peer()
        for runtime in self.runtimes:
            if runtime.kind != "wijkbot":
                continue
            if runtime.empty is not None:
                empty = self._named(runtime.empty)
                assert empty is not None
                share = runtime.best.steps_per_second / empty.best.steps_per_second
                goals.append(
                    Goal(
                        f"{runtime.name}: >= {POPULATION_GOAL:.1f}x the rate on an empty database",
                        f"{share:.3f}x",
                        share >= POPULATION_GOAL,
                    )
                )
                continue
            if peer is not None:
                share = runtime.best.steps_per_second / peer.best.steps_per_second
                goals.append(
                    Goal(
                        f"{runtime.name}: steps/s >= {PEER_GOAL:.1f}x the peer",
                        f"{share:.3f}x",
                        share >= PEER_GOAL,
                    )
                )
                goals.append(
                    Goal(
                        f"{runtime.name}: p99 <= the peer's p99",
                        f"{runtime.best.p99_ms:.0f} ms vs {peer.best.p99_ms:.0f} ms",
                        runtime.best.p99_ms <= peer.best.p99_ms,
                    )
                )
            share = self.ratio(runtime)
            goals.append(
                Goal(
                    f"{runtime.name}: steps/s >= {ECHO_GOAL:.1f}x {runtime.baseline}",
                    f"{share:.3f}x",
                    share >= ECHO_GOAL,
                )
            )
        if self.memory is not None:
            memory = self.memory
            goals.append(
                Goal(
                    f"wijkbot {memory.database}: RSS after {memory.many:,} onboarded <= "
                    f"{MEMORY_GOAL:.1f}x after {memory.few:,}",
                    f"{memory.many_kib / 1024:.0f} MiB / {memory.few_kib / 1024:.0f} MiB = "
                    f"{memory.ratio:.3f}x",
                    memory.ratio <= MEMORY_GOAL,
                )
            )
        return goals

    def table(self) -> str:
        lines = [
            f"onboarding, {self.residents} residents x {self.steps_per_resident} steps "
            "(emulator rate limits off)"
            + (f", commit {self.machine['commit']}" if self.machine.get("commit") else ""),
            f"{'bot':<38}{'steps/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'CPU ms/step':>13}"
            f"{'vs peer':>9}{'vs echo':>9}",
        ]
        for runtime in self.runtimes:
            best = runtime.best
            cpu = best.cpu_ms_per_step
            peer = self.peer_ratio(runtime)
            lines.append(
                f"{runtime.name:<38}{best.steps_per_second:>9.1f}{best.p50_ms:>9.1f}"
                f"{best.p99_ms:>9.1f}{'-' if cpu is None else f'{cpu:.2f}':>13}"
                f"{'-' if peer is None else f'{peer:.2f}':>9}{self.ratio(runtime):>9.2f}"
            )
        lines.append(
            f"best of {self.rounds} interleaved round(s) per bot; latencies and CPU from that"
            " round; CPU is the bot process's own (not PostgreSQL's)"
        )
        if self.memory is not None:
            memory = self.memory
            lines.append(
                f"memory, wijkbot {memory.database}: RSS {memory.few_kib / 1024:.1f} MiB after "
                f"{memory.few:,} onboarded residents, {memory.many_kib / 1024:.1f} MiB after "
                f"{memory.many:,} ({memory.ratio:.2f}x; {memory.seconds:.0f} s)"
            )
        goals = self.goals()
        if goals:
            lines.append("goals:")
            lines += [
                f"  {'holds' if goal.holds else 'FAILS'}  {goal.text}: {goal.measured}"
                for goal in goals
            ]
        if self.machine:
            lines.append(
                f"machine: {self.machine['cpus']} CPUs, load average "
                f"{self.machine['load_average']:.2f} at start (shared: compare ratios, not rates)"
            )
        lines += self.skipped
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {
            "scenario": "onboarding",
            "residents": self.residents,
            "steps_per_resident": self.steps_per_resident,
            "rounds": self.rounds,
            "population": self.population,
            "emulator_rate_limits": False,
            "skipped": self.skipped,
            "machine": self.machine,
            "goals": [
                {"goal": goal.text, "measured": goal.measured, "holds": goal.holds}
                for goal in self.goals()
            ],
            "memory": None
            if self.memory is None
            else {
                "database": self.memory.database,
                "few": self.memory.few,
                "few_kib": self.memory.few_kib,
                "many": self.memory.many,
                "many_kib": self.memory.many_kib,
                "ratio": round(self.memory.ratio, 4),
            },
            "runtimes": [
                {
                    "name": runtime.name,
                    "kind": runtime.kind,
                    "steps_per_second": round(runtime.best.steps_per_second, 2),
                    "p50_ms": round(runtime.best.p50_ms, 2),
                    "p99_ms": round(runtime.best.p99_ms, 2),
                    "cpu_ms_per_step": _rounded(runtime.best.cpu_ms_per_step),
                    "ratio_vs_echo": round(self.ratio(runtime), 4),
                    "ratio_vs_peer": _rounded(self.peer_ratio(runtime), 4),
                    "rounds": [
                        {
                            "steps": figures.steps,
                            "wall_seconds": round(figures.wall_seconds, 4),
                            "steps_per_second": round(figures.steps_per_second, 2),
                            "p50_ms": round(figures.p50_ms, 2),
                            "p99_ms": round(figures.p99_ms, 2),
                            "cpu_seconds": _rounded(figures.cpu_seconds, 3),
                        }
                        for figures in runtime.rounds
                    ],
                }
                for runtime in self.runtimes
            ],
        }


def _rounded(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)
