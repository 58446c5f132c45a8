"""WhatsApp's statuses of the messages Wijkbot pushed, recorded on their outbox rows.

    status webhook ──> Status(wamid, ...) ──message_key(wamid)──> deliveries.sent_message_id
        sent < delivered < read            ──> deliveries.receipt (never backwards: Meta's
        failed (131026: blocked / not on WhatsApp) ──> row unreachable, person unreachable
        failed (131047: the 24-hour window had closed after all) ──> row pending again, its
               reason kept: the sender sends it as its template (bot/delivery/sender.py)
        failed (any other code)                    ──> row failed, WhatsApp's code and title kept

A message sent as a direct answer has no outbox row: its statuses change nothing.
A failure can arrive before the sender has marked its row sent (Meta answers the send
and posts the status at about the same moment): a failed status that finds no row is
looked for again a few times over about a second before it is taken as an answer's.
Meta may send statuses out of order ("read" before "delivered"); a receipt only
moves forward, and a failure is final.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.models import Delivery, DeliveryStatus, Person
from bot.handlers.whatsapp.api import RE_ENGAGEMENT, UNDELIVERABLE
from bot.handlers.whatsapp.reading import Status, message_key

_ORDER = ("sent", "delivered", "read", "failed")
LATE_TRIES = 5  # looks again for the row of a failed status, LATE_WAIT seconds apart
LATE_WAIT = 0.2


async def record_statuses(
    sessions: async_sessionmaker[AsyncSession], statuses: Sequence[Status], now: datetime
) -> int:
    """Record statuses on their rows (one transaction, and one per late look); returns how
    many rows changed."""
    known = [status for status in statuses if status.status in _ORDER]
    if not known:
        return 0
    said: dict[int, list[Status]] = {}  # one body may say several things of one message
    for status in known:
        said.setdefault(message_key(status.message_id), []).append(status)
    changed, found = await _record(sessions, said, now)
    for _ in range(LATE_TRIES):
        late = {
            key: told
            for key, told in said.items()
            if key not in found and any(status.status == "failed" for status in told)
        }
        if not late:
            break
        await asyncio.sleep(LATE_WAIT)  # the sender may be marking the row sent just now
        more, found_now = await _record(sessions, late, now)
        changed, found = changed + more, found | found_now
    return changed


async def _record(
    sessions: async_sessionmaker[AsyncSession], said: dict[int, list[Status]], now: datetime
) -> tuple[int, set[int]]:
    """Record what was said of each message key; returns the rows changed and the keys
    whose rows were found."""
    changed = 0
    found: set[int] = set()
    async with sessions.begin() as session:
        rows = await session.scalars(
            select(Delivery).where(Delivery.sent_message_id.in_(list(said)))
        )
        for row in rows:
            found.add(row.sent_message_id)  # type: ignore[arg-type]
            for status in said[row.sent_message_id]:  # type: ignore[index]
                if not _moves_forward(row.receipt, status.status):
                    continue
                row.receipt = status.status
                changed += 1
                if status.status == "failed":
                    await _failed(session, row, status, now)
    return changed, found


def _moves_forward(receipt: str | None, status: str) -> bool:
    if receipt is None:
        return True
    return receipt != "failed" and _ORDER.index(status) > _ORDER.index(receipt)


async def _failed(session: AsyncSession, row: Delivery, status: Status, now: datetime) -> None:
    row.last_error = (status.error or "failed")[:500]
    if status.error_code == RE_ENGAGEMENT and row.person_id is not None:
        # Free-form text after the window closed (the person's last message was older than
        # Wijkbot knew): the row goes again, now, as its template. Meta never refuses a
        # template for the window, so this happens once per row.
        row.status = DeliveryStatus.PENDING
        row.next_attempt_at = now
        row.sender = None
        row.receipt = None  # the template's statuses are the row's from now on
        row.sent_message_id = None
        return
    if status.error_code != UNDELIVERABLE:
        row.status = DeliveryStatus.FAILED
        return
    row.status = DeliveryStatus.UNREACHABLE  # as a 403 on Telegram: not tried again
    if row.person_id is not None:
        person = await session.get(Person, row.person_id)
        if person is not None and person.unreachable_at is None:
            person.unreachable_at = now
