"""The largest speed-up of Telegram's limits at which the sender still keeps up (>= 0.95).

Used when the sender misses the goal at the requested scale. Each probe is a fresh
broadcast sized to about ten seconds of sending (at least two of the sender's
200-row batches, whose boundaries cost time), and the candidates are bisected rather
than walked, because every probe pays the sender's start-up again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from . import broadcast
from .databases import Database
from .emulated import TELEGRAM_GLOBAL
from .report import Outcome

CANDIDATES = (1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0)
PROBE_SECONDS = 10.0
PROBE_MINIMUM = 400


async def largest_scale(
    fresh: Callable[[str], Database],
    workdir: Path,
    env_file: Path,
    below: float,
    candidates: Sequence[float] = CANDIDATES,
) -> tuple[float | None, list[Outcome]]:
    """Bisect `candidates` under `below`; returns the largest that met the goal (or None)."""
    scales = sorted(scale for scale in candidates if scale < below)
    probes: list[Outcome] = []
    best: float | None = None
    low, high = 0, len(scales) - 1
    while low <= high:
        middle = (low + high) // 2
        scale = scales[middle]
        recipients = max(PROBE_MINIMUM, round(PROBE_SECONDS * TELEGRAM_GLOBAL * scale))
        spec = broadcast.Run(
            fresh(f"probe-{scale:g}"),
            workdir,
            env_file,
            recipients=recipients,
            scale=scale,
            label=f"sqlite x{scale:g}",
            bare_client=False,
        )
        outcome = await broadcast.run(spec)
        probes.append(outcome)
        if outcome.goals[0].met:  # the rate goal
            best = scale
            low = middle + 1
        else:
            high = middle - 1
    return best, probes
