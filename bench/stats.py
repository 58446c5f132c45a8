"""Figures of a benchmark run: throughput, latency percentiles, ratios, the table and JSON.

Throughput is taken as the best of the measured rounds because on a shared machine noise only
ever slows a round down; the latencies reported are those of that same round, so the three
numbers on a row describe one consistent run.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

GOAL = 0.60  # Wijkbot should keep at least this share of a bare aiogram bot's throughput


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

    @property
    def steps_per_second(self) -> float:
        return self.steps / self.wall_seconds

    @property
    def p50_ms(self) -> float:
        return percentile(self.latencies, 50) * 1000

    @property
    def p99_ms(self) -> float:
        return percentile(self.latencies, 99) * 1000


@dataclass
class RuntimeFigures:
    """All measured rounds of one bot under test."""

    name: str
    baseline: str = "echo (aiogram)"  # the bare bot of the same framework
    rounds: list[RoundFigures] = field(default_factory=list)

    @property
    def best(self) -> RoundFigures:
        return max(self.rounds, key=lambda figures: figures.steps_per_second)


@dataclass
class Report:
    """Everything the command prints or writes as JSON."""

    residents: int
    steps_per_resident: int
    rounds: int
    runtimes: list[RuntimeFigures]
    skipped: list[str] = field(default_factory=list)
    machine: dict[str, Any] = field(default_factory=dict)

    def ratio(self, runtime: RuntimeFigures) -> float:
        """Against the bare echo bot of the same framework, measured in the same run."""
        baseline = next(r for r in self.runtimes if r.name == runtime.baseline)
        return runtime.best.steps_per_second / baseline.best.steps_per_second

    def table(self) -> str:
        lines = [
            f"onboarding, {self.residents} residents x {self.steps_per_resident} steps "
            "(emulator rate limits off)",
            f"{'runtime':<20}{'steps/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'vs echo':>9}",
        ]
        for runtime in self.runtimes:
            best = runtime.best
            ratio = self.ratio(runtime)
            flag = "  below goal" if runtime.name != runtime.baseline and ratio < GOAL else ""
            lines.append(
                f"{runtime.name:<20}{best.steps_per_second:>9.1f}{best.p50_ms:>9.1f}"
                f"{best.p99_ms:>9.1f}{ratio:>9.2f}{flag}"
            )
        lines.append(f"goal: >= {GOAL:.2f} of echo")
        lines.append(
            f"best of {self.rounds} interleaved round(s) per runtime; latencies from that round"
        )
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
            "emulator_rate_limits": False,
            "goal_ratio": GOAL,
            "skipped": self.skipped,
            "machine": self.machine,
            "runtimes": [
                {
                    "name": runtime.name,
                    "steps_per_second": round(runtime.best.steps_per_second, 2),
                    "p50_ms": round(runtime.best.p50_ms, 2),
                    "p99_ms": round(runtime.best.p99_ms, 2),
                    "ratio_vs_echo": round(self.ratio(runtime), 4),
                    "rounds": [
                        {
                            "steps": figures.steps,
                            "wall_seconds": round(figures.wall_seconds, 4),
                            "steps_per_second": round(figures.steps_per_second, 2),
                            "p50_ms": round(figures.p50_ms, 2),
                            "p99_ms": round(figures.p99_ms, 2),
                        }
                        for figures in runtime.rounds
                    ],
                }
                for runtime in self.runtimes
            ],
        }
