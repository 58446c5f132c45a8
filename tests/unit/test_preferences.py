"""Quiet hours and weeks, in the neighbourhood's time zone, across midnight and DST."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.delivery.preferences import quiet_until
from bot.domain.weeks import week_of

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
NIGHT = (22 * 60, 8 * 60)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_evening_before_midnight_waits_until_next_morning() -> None:
    # 21:30 UTC in winter is 22:30 in Amsterdam.
    assert quiet_until(utc(2026, 1, 5, 21, 30), AMSTERDAM, *NIGHT) == utc(2026, 1, 6, 7, 0)


def test_early_morning_waits_until_eight_the_same_day() -> None:
    assert quiet_until(utc(2026, 1, 6, 5, 0), AMSTERDAM, *NIGHT) == utc(2026, 1, 6, 7, 0)


def test_daytime_is_not_quiet() -> None:
    assert quiet_until(utc(2026, 1, 6, 7, 0), AMSTERDAM, *NIGHT) is None
    assert quiet_until(utc(2026, 1, 6, 20, 59), AMSTERDAM, *NIGHT) is None


def test_summer_time_moves_the_end_in_utc() -> None:
    # 08:00 in Amsterdam is 06:00 UTC in summer.
    assert quiet_until(utc(2026, 7, 1, 3, 0), AMSTERDAM, *NIGHT) == utc(2026, 7, 1, 6, 0)


def test_night_of_the_clock_change_ends_at_local_eight() -> None:
    # In the night of 29 March 2026 the clocks go forward; 08:00 CEST is 06:00 UTC.
    assert quiet_until(utc(2026, 3, 28, 23, 0), AMSTERDAM, *NIGHT) == utc(2026, 3, 29, 6, 0)


def test_quiet_hours_within_one_day_and_none() -> None:
    lunch = (12 * 60, 13 * 60)
    assert quiet_until(utc(2026, 1, 6, 11, 30), AMSTERDAM, *lunch) == utc(2026, 1, 6, 12, 0)
    assert quiet_until(utc(2026, 1, 6, 11, 30), AMSTERDAM, 0, 0) is None


def test_week_is_the_iso_week_in_the_zone() -> None:
    # Sunday 23:30 UTC is already Monday in Amsterdam: a new week there.
    assert week_of(utc(2026, 3, 8, 23, 30), AMSTERDAM) == "2026-W11"
    assert week_of(utc(2026, 3, 8, 22, 30), AMSTERDAM) == "2026-W10"
