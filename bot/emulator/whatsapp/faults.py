"""Injected failures for testing how the bot copes with an unreliable Cloud API.

`fail(code, times=N)` makes the next N calls of a route ("messages", "mark_read", "media"
for uploads, "media_url", "download", or "*") answer that Graph API error before doing anything;
`delay(seconds)` holds answers back. A `probability` fails only that share of the calls,
drawn from a seeded generator so a benchmark sees the same failures in every run.
"""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass

from .errors import TITLES, GraphError

__all__ = ["ROUTES", "Faults"]

ROUTES = ("messages", "mark_read", "media", "media_url", "download", "*")
# HTTP statuses Meta answers these codes with; every other code comes with 400.
_STATUS = {1: 500, 2: 503, 131000: 500, 190: 401}


@dataclass
class _Rule:
    route: str
    remaining: int | None  # None: until cleared
    error: GraphError | None = None
    seconds: float = 0.0
    probability: float | None = None
    rng: random.Random = dataclasses.field(default_factory=random.Random)

    def fires(self, route: str) -> bool:
        if self.remaining == 0 or self.route not in ("*", route):
            return False
        if self.probability is not None and self.rng.random() >= self.probability:
            return False  # a call that does not fail is not counted against `times`
        if self.remaining is not None:
            self.remaining -= 1
        return True


class Faults:
    def __init__(self, seed: int = 0) -> None:
        self._random = random.Random(seed)
        self._failures: list[_Rule] = []
        self._delays: list[_Rule] = []

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
        if route not in ROUTES:
            raise ValueError(f"route must be one of {ROUTES}")
        if probability is not None and not 0.0 <= probability <= 1.0:
            raise ValueError("probability must be between 0 and 1")
        error = GraphError(
            code,
            TITLES.get(code, "An unknown error has occurred."),
            details or "injected by the emulator",
            http_status or _STATUS.get(code, 400),
        )
        rng = random.Random(seed) if seed is not None else self._random
        self._failures.append(_Rule(route, times, error, probability=probability, rng=rng))

    def delay(self, seconds: float, *, route: str = "messages", times: int | None = None) -> None:
        if route not in ROUTES:
            raise ValueError(f"route must be one of {ROUTES}")
        self._delays.append(_Rule(route, times, seconds=seconds))

    def clear(self) -> None:
        self._failures.clear()
        self._delays.clear()

    def take_failure(self, route: str) -> GraphError | None:
        for rule in self._failures:
            if rule.fires(route):
                return rule.error
        return None

    def take_delay(self, route: str) -> float:
        for rule in self._delays:
            if rule.fires(route):
                return rule.seconds
        return 0.0
