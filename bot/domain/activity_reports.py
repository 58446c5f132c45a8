"""Report back: after an activity, its lead is asked how it went, and the answer is news.

    the activity is over ──> "How did it go?" to the lead (the owner of its initiative)
                       ──3 days, no report yet──> a reminder ──7 days──> a last one
    the lead's answer: a few words, a photo, people reached ──> a progress update that
    names the activity (`ProgressUpdate.action_id`), told to the initiative's followers

Only activities of an approved initiative with a lead are asked about; the
asking is the sweep's (`bot.jobs.sweeps.report_requests`), the answering a
step of My Wijkbot's "post an update".
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.actions import end_of
from bot.domain.models import (
    Action,
    ActionStatus,
    Initiative,
    InitiativeStatus,
    Person,
    ProgressUpdate,
)

# When to ask, after the end: at once, then a reminder after 3 and after 7 days (each once).
ASKS = (("ended", timedelta(0)), ("3d", timedelta(days=3)), ("7d", timedelta(days=7)))
CATCH_UP = timedelta(days=2)  # a moment missed by longer than this (bot down) is let go


class Reportable(StrEnum):
    YES = "yes"
    NOT_LEAD = "not_lead"  # not (or no longer) the lead of the activity's initiative
    NOT_OVER = "not_over"  # it has not taken place yet
    REPORTED = "reported"  # there is a report already
    CLOSED = "closed"  # cancelled, or its initiative is no longer running


def not_reported() -> ColumnElement[bool]:
    """SQL: no progress update reports on the activity yet."""
    return ~select(ProgressUpdate.id).where(ProgressUpdate.action_id == Action.id).exists()


async def report_of(session: AsyncSession, action_id: int) -> ProgressUpdate | None:
    return await session.scalar(
        select(ProgressUpdate).where(ProgressUpdate.action_id == action_id).limit(1)
    )


async def reportable(
    session: AsyncSession, action: Action, person: Person, now: datetime
) -> tuple[Reportable, Initiative | None]:
    """May `person` report on `action` now? With the initiative the report goes to."""
    item = await session.get(Initiative, action.initiative_id) if action.initiative_id else None
    if item is None or item.owner_id != person.id:
        return Reportable.NOT_LEAD, None
    if action.status is ActionStatus.CANCELLED or item.status is not InitiativeStatus.APPROVED:
        return Reportable.CLOSED, item
    if end_of(action) > now:
        return Reportable.NOT_OVER, item
    if await report_of(session, action.id) is not None:
        return Reportable.REPORTED, item
    return Reportable.YES, item
