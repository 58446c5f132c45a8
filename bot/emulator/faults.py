"""Injected failures for testing how a bot copes with an unreliable Telegram."""

from __future__ import annotations

import random
from dataclasses import dataclass

from .errors import DEFAULT_FAULT_DESCRIPTIONS, ApiError, too_many_requests

__all__ = ["Faults"]

ANY_METHOD = "*"


@dataclass
class _Rule:
    method: str  # lower-case method name or "*"
    remaining: int | None  # None: until cleared

    def matches(self, method: str) -> bool:
        return self.remaining != 0 and self.method in (ANY_METHOD, method.lower())

    def consume(self) -> None:
        if self.remaining is not None:
            self.remaining -= 1


@dataclass
class _Failure(_Rule):
    error: ApiError
    rng: random.Random
    probability: float | None = None  # None: every matching call

    def fires(self) -> bool:
        """Whether this call fails: always, or by a draw (a call that does not fail is not
        counted against `times`)."""
        if self.probability is None:
            return True
        return self.rng.random() < self.probability


@dataclass
class _Delay(_Rule):
    seconds: float


class Faults:
    """Rules consulted for every Bot API call; each rule fires `times` times (None: always).

    A failure with a `probability` fires on that share of the matching calls, drawn from a
    seeded random generator so that a test or benchmark sees the same failures every run.
    """

    def __init__(self, seed: int = 0) -> None:
        self._random = random.Random(seed)
        self._failures: list[_Failure] = []
        self._delays: list[_Delay] = []
        self._storm_left = 0
        self._storm_retry_after = 1

    def fail(
        self,
        method: str,
        status: int = 500,
        *,
        times: int | None = 1,
        description: str | None = None,
        retry_after: int | None = None,
        probability: float | None = None,
        seed: int | None = None,
    ) -> None:
        """`probability`: fail only that share of the matching calls (`times` then counts
        the calls that failed); `seed`: this rule's own random sequence."""
        if probability is not None and not 0.0 <= probability <= 1.0:
            raise ValueError("probability must be between 0 and 1")
        if status == 429:
            error = too_many_requests(retry_after or 1)
            if description:
                error.description = description
        else:
            text = description or DEFAULT_FAULT_DESCRIPTIONS.get(status, "Internal Server Error")
            error = ApiError(status, text)
        rng = random.Random(seed) if seed is not None else self._random
        self._failures.append(_Failure(method.lower(), times, error, rng, probability))

    def delay(self, method: str, seconds: float, *, times: int | None = None) -> None:
        self._delays.append(_Delay(method.lower(), times, seconds))

    def storm(self, times: int, retry_after: int) -> None:
        self._storm_left = times
        self._storm_retry_after = max(1, int(retry_after))

    def clear(self) -> None:
        self._failures.clear()
        self._delays.clear()
        self._storm_left = 0

    def take_failure(self, method: str) -> ApiError | None:
        for rule in self._failures:
            if rule.matches(method) and rule.fires():
                rule.consume()
                return rule.error
        return None

    def take_delay(self, method: str) -> float:
        for rule in self._delays:
            if rule.matches(method):
                rule.consume()
                return rule.seconds
        return 0.0

    def take_storm(self) -> int | None:
        """retry_after for the next rate-limited call while a 429 storm lasts."""
        if self._storm_left <= 0:
            return None
        self._storm_left -= 1
        return self._storm_retry_after
