"""Telling a neighbourhood's coordinators that a proposal waits for their review.

    proposal submitted ──> one review_request row per coordinator (outbox) ──> sender
                       └─> coordinators who chose one summary a day: nothing now; the
                           proposals_summary sweep names it at their hour

The key's period is the moment of submission, so a proposal sent again after
the coordinators asked for changes is announced again, and a repeat of the same
submission is not.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery import outbox
from bot.domain import roles
from bot.domain.models import Initiative, Person, RoleGrant


async def notify_coordinators(session: AsyncSession, item: Initiative, now: datetime) -> None:
    """A review request to each coordinator of the proposal's neighbourhood, through the outbox."""
    coordinators = await session.scalars(
        select(RoleGrant.person_id)
        .join(Person, Person.id == RoleGrant.person_id)
        .where(
            RoleGrant.neighbourhood_id == item.neighbourhood_id,
            RoleGrant.role.in_(list(roles.REVIEWERS)),
            Person.proposals_summary_hour.is_(None),
        )
    )
    submitted = str(int(item.submitted_at.timestamp())) if item.submitted_at else ""
    messages = [
        outbox.Message(person_id, "review_request", f"initiative:{item.id}", submitted)
        for person_id in set(coordinators)
    ]
    await outbox.enqueue(session, messages, now=now)
