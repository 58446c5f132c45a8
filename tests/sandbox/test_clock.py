"""The sandbox clock: real time plus jumps, forward only, and the digest's Monday morning."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.clock import ManualClock
from bot.sandbox.clock import RunningClock, first_of_next_month, next_monday_morning

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def test_it_is_a_manual_clock_that_keeps_running() -> None:
    clock = RunningClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    assert isinstance(clock, ManualClock)
    first = clock.now()
    time.sleep(0.02)
    assert clock.now() - first >= timedelta(seconds=0.02)
    assert clock.advance(timedelta(days=1)) - first >= timedelta(days=1)


def test_it_never_runs_back() -> None:
    with pytest.raises(ValueError, match="forward"):
        RunningClock().advance(timedelta(seconds=-1))


def test_real_timestamps_map_to_the_sandbox_time_they_happened_at() -> None:
    clock = RunningClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    before = time.time()
    at_start = clock.at_real(before)
    assert abs(at_start - clock.now()) < timedelta(seconds=1)
    clock.advance(timedelta(hours=5))
    earlier = clock.at_real(before - 1)  # a second before the jump's second
    assert earlier == at_start - timedelta(seconds=1)
    assert abs(clock.at_real(time.time()) - clock.now()) < timedelta(seconds=1)


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        (datetime(2026, 3, 2, 8, 59), datetime(2026, 3, 2, 9, 0)),  # Monday, before nine
        (datetime(2026, 3, 2, 9, 0), datetime(2026, 3, 9, 9, 0)),  # Monday nine: next week
        (datetime(2026, 3, 8, 23, 30), datetime(2026, 3, 9, 9, 0)),  # Sunday night
        (datetime(2026, 3, 25, 12, 0), datetime(2026, 3, 30, 9, 0)),  # across summer time
    ],
)
def test_next_monday_morning_is_local_time(local: datetime, expected: datetime) -> None:
    now = local.replace(tzinfo=AMSTERDAM).astimezone(UTC)
    assert next_monday_morning(now, AMSTERDAM) == expected.replace(tzinfo=AMSTERDAM)


def test_a_message_right_after_a_jump_is_never_shown_before_it() -> None:
    clock = RunningClock(datetime(2026, 3, 2, 8, 0, 0, 900_000, tzinfo=UTC))
    landed = clock.advance(timedelta(hours=1))
    assert clock.at_real(int(time.time())) >= landed  # the emulator's date is rounded down


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        (datetime(2026, 3, 2, 10, 0), datetime(2026, 4, 1, 9, 0)),  # across summer time
        (datetime(2026, 4, 1, 8, 0), datetime(2026, 5, 1, 9, 0)),  # on the first: the next
        (datetime(2026, 12, 31, 23, 30), datetime(2027, 1, 1, 9, 0)),  # across the year
    ],
)
def test_the_first_of_next_month_is_local_time(local: datetime, expected: datetime) -> None:
    now = local.replace(tzinfo=AMSTERDAM).astimezone(UTC)
    assert first_of_next_month(now, AMSTERDAM) == expected.replace(tzinfo=AMSTERDAM)
