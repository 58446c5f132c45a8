"""The sandbox's time: a ManualClock that also runs, and jumps ahead on request.

A frozen clock would strand every outbox row the sender defers by a second or
two (a chat cooling down, a retry's backoff, a claim's lease) until the next
jump; so the clock moves with real time, and the clock panel adds jumps on top.
Time only goes forward: the outbox and the sweeps assume it never runs back.
"""

from __future__ import annotations

import bisect
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.clock import ManualClock

MONDAY, MORNING = 0, 9  # the weekly digest's and the monthly report's hour (bot.jobs.sweeps)


class RunningClock(ManualClock):
    """Real time plus the jumps made so far; remembers when each jump happened.

    The emulator stamps messages with real time; `at_real` turns such a stamp
    into the sandbox time it happened at, so a chat shows the sandbox's times.
    """

    def __init__(self, start: datetime | None = None) -> None:
        super().__init__(start or datetime.now(UTC))
        self._since = time.monotonic()
        # (real second of the jump, offset from then on, sandbox moment it jumped to)
        start_offset = (0.0, self.offset, datetime.min.replace(tzinfo=UTC))
        self._jumps: list[tuple[float, timedelta, datetime]] = [start_offset]

    def now(self) -> datetime:
        return super().now() + timedelta(seconds=time.monotonic() - self._since)

    @property
    def offset(self) -> timedelta:
        """How far the sandbox is ahead of (or behind) real time."""
        return self.now() - datetime.now(UTC)

    def advance(self, delta: timedelta) -> datetime:
        if delta < timedelta(0):
            raise ValueError("the sandbox clock only moves forward")
        super().advance(delta)
        # From the whole second on, since the emulator's dates are whole seconds.
        landed = self.now()
        self._jumps.append((float(int(time.time())), self.offset, landed))
        return landed

    def at_real(self, epoch: float) -> datetime:
        """The sandbox time at real moment `epoch` (seconds since 1970).

        Never before the jump in force then: a message sent right after "next
        Monday 09:00" has a date rounded down, and must not show 08:59.
        """
        index = bisect.bisect_right([jump[0] for jump in self._jumps], epoch) - 1
        _, offset, landed = self._jumps[max(index, 0)]
        return max(datetime.fromtimestamp(epoch, UTC) + offset, landed)


def next_monday_morning(now: datetime, zone: ZoneInfo) -> datetime:
    """The next Monday 09:00 in `zone` strictly after `now`: the weekly digest's moment."""
    local = now.astimezone(zone)
    days = (MONDAY - local.weekday()) % 7
    target = (local + timedelta(days=days)).replace(hour=MORNING, minute=0, second=0, microsecond=0)
    if target <= local:
        target += timedelta(days=7)
    return target.astimezone(UTC)


def first_of_next_month(now: datetime, zone: ZoneInfo) -> datetime:
    """09:00 in `zone` on the first of the month after `now`'s: the monthly report's moment."""
    local = now.astimezone(zone)
    year, month = divmod(local.year * 12 + local.month, 12)  # the next month, 0-based
    target = datetime(year, month + 1, 1, MORNING, tzinfo=zone)
    return target.astimezone(UTC)


# The clock panel's buttons: name -> (label, where to jump from `now` in a zone).
JUMPS: dict[str, tuple[str, Callable[[datetime, ZoneInfo], datetime]]] = {
    "hour": ("+1 hour", lambda now, _: now + timedelta(hours=1)),
    "day": ("+1 day", lambda now, _: now + timedelta(days=1)),
    "monday": ("Next Monday 09:00", next_monday_morning),
    "month": ("1st of next month 09:00", first_of_next_month),
}
