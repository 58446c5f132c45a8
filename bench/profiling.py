"""Where Wijkbot's time goes: the top of the profiles `--profile` writes.

cProfile comes with Python, so profiling needs nothing the project does not already have.
The bot runs under bench/profiled.py, which profiles the measured rounds only, in CPU time.
Two views are printed:

- own CPU time per package (bot/<module> for Wijkbot's own code, the distribution's name for
  a library, the module for the standard library; built-in functions count for the package
  that called them), which says which layer costs what;
- the functions with the most own time.

Cumulative times ("including callees") are left out on purpose: SQLAlchemy's async layer
runs through greenlets, and cProfile charges every switch to whatever frame it resumes, so
cumulative figures there come out many times larger than the CPU the process used.
"""

from __future__ import annotations

import io
import pstats
from collections import defaultdict
from pathlib import Path

TOP = 25
PACKAGES = 15


def package(filename: str) -> str:
    """A profile entry's layer: `bot/flows/conversation.py`, `sqlalchemy`, `asyncio`, ..."""
    if filename == "~":
        return "built-ins"
    if filename.startswith("<frozen importlib"):
        return "importlib (imports at run time)"
    if filename.startswith("<"):
        return filename
    path = Path(filename)
    parts = path.parts
    if "site-packages" in parts:
        return parts[parts.index("site-packages") + 1].removesuffix(".py")
    if "bot" in parts:
        return "/".join(parts[parts.index("bot") :])
    return path.stem if path.parent.name.startswith("python") else path.parent.name


def _own_by_package(stats: pstats.Stats) -> dict[str, float]:
    """Own time per package; a built-in's time goes to the package that called it."""
    totals: dict[str, float] = defaultdict(float)
    entries = stats.stats  # type: ignore[attr-defined]
    for (filename, _line, _name), (_cc, _nc, own, _cum, callers) in entries.items():
        if filename != "~" or not callers:
            totals[package(filename)] += own
            continue
        for (caller, _l, _n), timing in callers.items():
            totals[package(caller)] += timing[2]  # (calls, primitive calls, own, cumulative)
    return totals


def summary(path: Path, top: int = TOP) -> str:
    """Own CPU time by package, then the `top` functions by own time."""
    if not path.exists():
        return f"{path.name}: no profile written (did the bot exit cleanly?)"
    stats = pstats.Stats(str(path))
    by_package = _own_by_package(stats)
    total = sum(by_package.values()) or 1.0
    lines = [f"== {path}: {total:.2f} s of CPU profiled ==", "-- own CPU time by package --"]
    for name, own in sorted(by_package.items(), key=lambda item: -item[1])[:PACKAGES]:
        lines.append(f"{own:9.2f} s {own / total:6.1%}  {name}")
    output = io.StringIO()
    stats.stream = output  # type: ignore[attr-defined]
    stats.strip_dirs().sort_stats("tottime").print_stats(top)
    listing = output.getvalue()
    lines.append(f"-- top {top} functions by own CPU time --")
    lines.append(listing[listing.find("   ncalls") :].rstrip())  # from the table's header
    return "\n".join(lines)
