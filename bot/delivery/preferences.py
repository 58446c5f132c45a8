"""A person's wishes about pushed messages: quiet hours, what they opted out of, how many nudges.

Quiet hours defer a message to the end of the quiet period, in the
neighbourhood's time zone; they never drop it.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.i18n import N_


class Category(StrEnum):
    """What a person can opt out of; each kind of message belongs to one."""

    REMINDERS = "reminders"
    NUDGES = "nudges"
    CELEBRATIONS = "celebrations"
    DIGEST = "digest"
    UPDATES = "updates"  # progress of initiatives the person supports or joined
    BROADCASTS = "broadcasts"
    TASKS = "tasks"  # work for a role, e.g. a proposal to review: waits out quiet hours
    SERVICE = "service"  # answers to something the person did: never opted out of


CATEGORY_NAMES = {
    Category.REMINDERS: N_("Reminders before activities"),
    Category.NUDGES: N_("Nudges"),
    Category.CELEBRATIONS: N_("Celebrations"),
    Category.DIGEST: N_("Weekly news"),
    Category.UPDATES: N_("News from initiatives I follow"),
    Category.BROADCASTS: N_("Messages from coordinators"),
}
OPTIONAL = tuple(CATEGORY_NAMES)


def quiet_until(now: datetime, zone: ZoneInfo, start: int, end: int) -> datetime | None:
    """When the quiet period around `now` ends (UTC), or None when it is not quiet.

    `start` and `end` are minutes after local midnight; 22:00-08:00 spans midnight.
    Equal values mean no quiet hours.
    """
    if start == end:
        return None
    local = now.astimezone(zone)
    minute = local.hour * 60 + local.minute
    quiet = (minute >= start or minute < end) if start > end else (start <= minute < end)
    if not quiet:
        return None
    day = local.date() if minute < end else local.date() + timedelta(days=1)
    ends = datetime.combine(day, time(end // 60, end % 60), tzinfo=zone)
    return ends.astimezone(now.tzinfo)
