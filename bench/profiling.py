"""Where Wijkbot's time goes: the top of the cProfile files `--profile` writes.

cProfile comes with Python, so profiling needs nothing the project does not already have.
The bot runs under `python -m cProfile -o FILE` (see targets.py) and writes FILE when it
exits after SIGTERM; this prints the functions with the most time of their own and those
with the most time including what they call, which together show where a step goes.
"""

from __future__ import annotations

import io
import pstats
from pathlib import Path

TOP = 25


def summary(path: Path, top: int = TOP) -> str:
    """The `top` functions by own time and by cumulative time, as pstats prints them."""
    if not path.exists():
        return f"{path.name}: no profile written (did the bot exit cleanly?)"
    parts = [f"== {path} =="]
    for order, title in (("tottime", "own time"), ("cumulative", "including callees")):
        output = io.StringIO()
        stats = pstats.Stats(str(path), stream=output)
        stats.strip_dirs().sort_stats(order).print_stats(top)
        listing = output.getvalue()
        start = listing.find("   ncalls")  # skip pstats' preamble up to the table's header
        parts.append(f"-- top {top} by {title} --\n{listing[start:].rstrip()}")
    return "\n".join(parts)
