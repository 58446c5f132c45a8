"""The neighbourhood's week: one name for it, shared by the weekly messages and the statistics.

A week is an ISO week in a time zone: Sunday 23:30 in Amsterdam is already the
next week in UTC's eyes but not in the neighbourhood's.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo


def week_of(moment: datetime, zone: ZoneInfo) -> str:
    """ISO week in the zone, e.g. "2026-W10": the period of weekly messages."""
    year, week, _ = moment.astimezone(zone).isocalendar()
    return f"{year}-W{week:02d}"
