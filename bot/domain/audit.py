"""Writing the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.models import AuditEntry


def record(
    session: AsyncSession,
    at: datetime,
    action: str,
    *,
    actor_id: int | None = None,
    neighbourhood_id: int | None = None,
    subject: tuple[str, int | None] = ("", None),
    **details: Any,
) -> None:
    session.add(
        AuditEntry(
            at=at,
            action=action,
            actor_id=actor_id,
            neighbourhood_id=neighbourhood_id,
            subject_type=subject[0],
            subject_id=subject[1],
            details=details,
        )
    )
