"""What a benchmark found: figures for the table, and the goals it met or missed.

Correctness goals (nothing lost, no duplicates beyond the bound, equal statement
counts) decide the exit code; performance goals (the achieved rate) are reported
with their numbers but do not fail the run, because a slow shared machine is not
a bug in the bot.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

Figure = int | float | str | None


@dataclass(frozen=True, slots=True)
class Goal:
    name: str
    met: bool
    detail: str
    correctness: bool = True  # False: a performance goal, reported but not fatal


@dataclass(slots=True)
class Outcome:
    """One benchmark on one database (or at one size): a row of its table."""

    benchmark: str
    label: str
    figures: dict[str, Figure] = field(default_factory=dict)
    goals: list[Goal] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def goal(self, name: str, met: bool, detail: str, *, correctness: bool = True) -> None:
        self.goals.append(Goal(name, met, detail, correctness))

    @property
    def failed(self) -> list[Goal]:
        return [goal for goal in self.goals if goal.correctness and not goal.met]


def _cell(value: Figure) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):  # already rounded where it was measured
        return f"{value:.3f}".rstrip("0").rstrip(".")
    return str(value)


def table(title: str, outcomes: Sequence[Outcome]) -> str:
    """A compact text table: one row per outcome, one column per figure."""
    columns: list[str] = []
    for outcome in outcomes:
        columns += [name for name in outcome.figures if name not in columns]
    rows = [["", *columns]]
    rows += [[o.label, *(_cell(o.figures.get(c)) for c in columns)] for o in outcomes]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [f"== {title} =="]
    for index, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])]
        cells += [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        lines.append("  ".join(cells).rstrip())
        if index == 0:
            lines.append("  ".join("-" * width for width in widths))
    for outcome in outcomes:
        for goal in outcome.goals:
            mark = "ok  " if goal.met else ("FAIL" if goal.correctness else "MISS")
            lines.append(f"  [{mark}] {outcome.label}: {goal.name}: {goal.detail}")
        lines += [f"  note ({outcome.label}): {note}" for note in outcome.notes]
    return "\n".join(lines)


def write_json(path: Path, outcomes: Sequence[Outcome]) -> None:
    path.write_text(json.dumps([asdict(o) for o in outcomes], indent=2) + "\n", encoding="utf-8")
