"""Injected failures for testing how a bot copes with an unreliable Telegram.

`FaultRules` is the part both emulators share (WhatsApp's `whatsapp/faults.py` builds on
it): rules per name (a Bot API method here, a Graph API route there; "*" for any) that
fire `times` times (None: until cleared), failures optionally on a seeded share of the
calls. `Faults` adds Telegram's errors and 429 storms.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Generic, TypeVar

from .errors import DEFAULT_FAULT_DESCRIPTIONS, ApiError, too_many_requests

__all__ = ["FaultRules", "Faults"]

_ANY = "*"
ErrorT = TypeVar("ErrorT")


@dataclass
class _Rule:
    name: str  # as `FaultRules._key` gives it, or "*"
    remaining: int | None  # None: until cleared

    def drawn(self) -> bool:
        return True

    def fires(self, name: str) -> bool:
        if self.remaining == 0 or self.name not in (_ANY, name) or not self.drawn():
            return False
        if self.remaining is not None:
            self.remaining -= 1
        return True


@dataclass
class _Failure(_Rule, Generic[ErrorT]):
    error: ErrorT
    rng: random.Random
    probability: float | None = None  # None: every matching call

    def drawn(self) -> bool:
        """Always, or by a draw (a call that is not drawn is not counted against `times`)."""
        return self.probability is None or self.rng.random() < self.probability


@dataclass
class _Delay(_Rule):
    seconds: float


class FaultRules(Generic[ErrorT]):
    """Failure and delay rules, consulted for every call; the first rule that fires wins.

    A failure with a `probability` fires on that share of the matching calls, drawn from a
    seeded random generator so that a test or benchmark sees the same failures every run.
    """

    def __init__(self, seed: int = 0) -> None:
        self._random = random.Random(seed)
        self._failures: list[_Failure[ErrorT]] = []
        self._delays: list[_Delay] = []

    def _key(self, name: str) -> str:
        """How names compare (Telegram's method names ignore case)."""
        return name

    def _add_failure(
        self,
        name: str,
        error: ErrorT,
        *,
        times: int | None,
        probability: float | None,
        seed: int | None,
    ) -> None:
        """`probability`: fail only that share of the matching calls (`times` then counts
        the calls that failed); `seed`: this rule's own random sequence."""
        if probability is not None and not 0.0 <= probability <= 1.0:
            raise ValueError("probability must be between 0 and 1")
        rng = random.Random(seed) if seed is not None else self._random
        self._failures.append(_Failure(self._key(name), times, error, rng, probability))

    def _add_delay(self, name: str, seconds: float, times: int | None) -> None:
        self._delays.append(_Delay(self._key(name), times, seconds))

    def clear(self) -> None:
        self._failures.clear()
        self._delays.clear()

    def take_failure(self, name: str) -> ErrorT | None:
        key = self._key(name)
        for rule in self._failures:
            if rule.fires(key):
                return rule.error
        return None

    def take_delay(self, name: str) -> float:
        key = self._key(name)
        for rule in self._delays:
            if rule.fires(key):
                return rule.seconds
        return 0.0


class Faults(FaultRules[ApiError]):
    """Rules consulted for every Bot API call, plus 429 storms."""

    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self._storm_left = 0
        self._storm_retry_after = 1

    def _key(self, name: str) -> str:
        return name.lower()

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
        if status == 429:
            error = too_many_requests(retry_after or 1)
            if description:
                error.description = description
        else:
            text = description or DEFAULT_FAULT_DESCRIPTIONS.get(status, "Internal Server Error")
            error = ApiError(status, text)
        self._add_failure(method, error, times=times, probability=probability, seed=seed)

    def delay(self, method: str, seconds: float, *, times: int | None = None) -> None:
        self._add_delay(method, seconds, times)

    def storm(self, times: int, retry_after: int) -> None:
        self._storm_left = times
        self._storm_retry_after = max(1, int(retry_after))

    def clear(self) -> None:
        super().clear()
        self._storm_left = 0

    def take_storm(self) -> int | None:
        """retry_after for the next rate-limited call while a 429 storm lasts."""
        if self._storm_left <= 0:
            return None
        self._storm_left -= 1
        return self._storm_retry_after
