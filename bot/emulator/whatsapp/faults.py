"""Injected failures for testing how the bot copes with an unreliable Cloud API.

`fail(code, times=N)` makes the next N calls of a route ("messages", "mark_read", "media"
for uploads, "media_url", "download", or "*") answer that Graph API error before doing anything;
`delay(seconds)` holds answers back. A `probability` fails only that share of the calls,
drawn from a seeded generator so a benchmark sees the same failures in every run.
"""

from __future__ import annotations

from ..faults import FaultRules
from .errors import TITLES, GraphError

__all__ = ["ROUTES", "Faults"]

ROUTES = ("messages", "mark_read", "media", "media_url", "download", "*")
# HTTP statuses Meta answers these codes with; every other code comes with 400.
_STATUS = {1: 500, 2: 503, 131000: 500, 190: 401}


class Faults(FaultRules[GraphError]):
    """Failure and delay rules per route (matching, counting and the seeded draw: the
    shared `FaultRules`)."""

    def fail(
        self,
        code: int,
        *,
        route: str = "messages",
        times: int | None = 1,
        http_status: int | None = None,
        details: str | None = None,
        probability: float | None = None,
        seed: int | None = None,
    ) -> None:
        _check_route(route)
        error = GraphError(
            code,
            TITLES.get(code, "An unknown error has occurred."),
            details or "injected by the emulator",
            http_status or _STATUS.get(code, 400),
        )
        self._add_failure(route, error, times=times, probability=probability, seed=seed)

    def delay(self, seconds: float, *, route: str = "messages", times: int | None = None) -> None:
        _check_route(route)
        self._add_delay(route, seconds, times)


def _check_route(route: str) -> None:
    if route not in ROUTES:
        raise ValueError(f"route must be one of {ROUTES}")
