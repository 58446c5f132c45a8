"""Traces of a person in other people's rows, and wiping them out.

Erasing a person removes their own rows; this module finds what is left of
them elsewhere: a coordinator's stored button press whose message text shows
the person's name and proposal, an answer still owed to a coordinator, a
queued message to someone else that carries the name, a coordinator's
conversation state, an audit line's details.

    Needles(ids, words)  ──  mentions(value)?  ──>  scrub(value): every mention becomes "…"

Ids (Telegram user and chat ids) match as whole numbers and as whole digit
runs inside text; words (first name, usernames, texts they typed) match as
whole words, ignoring case. Only JSON columns and short error texts are read
this way, and only rows that still hold something, which the intake and the
retention sweep keep few.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Text, cast, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.models import (
    AuditEntry,
    ConversationState,
    Delivery,
    ReceivedUpdate,
    UpdateStatus,
)

REDACTED = "…"
# Button data the bot made itself (codes and row ids, never typed): left as is, so that a
# waiting button press still works even when a first name happens to equal a code word.
BOT_MADE = frozenset({"data", "callback_data", "payload"})
MIN_WORD = 2  # a one-letter first name would match everywhere and protect nothing


@dataclass(frozen=True)
class Needles:
    """What identifies one person in free text and JSON."""

    ids: frozenset[int]
    words: frozenset[str]
    pattern: re.Pattern[str] | None = field(init=False, compare=False)

    def __post_init__(self) -> None:
        alternatives = [rf"(?<!\d){i}(?!\d)" for i in sorted(self.ids)]
        alternatives += [
            rf"(?<!\w){re.escape(w)}(?!\w)"
            for w in sorted(self.words, key=len, reverse=True)
            if len(w) >= MIN_WORD
        ]
        compiled = re.compile("|".join(alternatives), re.IGNORECASE) if alternatives else None
        object.__setattr__(self, "pattern", compiled)

    @classmethod
    def of(cls, ids: Iterable[int], words: Iterable[str | None]) -> Needles:
        cleaned = {w.strip().lstrip("@") for w in words if w and w.strip()}
        return cls(frozenset(ids), frozenset(w for w in cleaned if w))

    def mentions(self, value: Any) -> bool:
        return scrub(value, self) != value

    def scrub_text(self, text: str) -> str:
        return self.pattern.sub(REDACTED, text) if self.pattern else text


def scrub(value: Any, needles: Needles) -> Any:
    """`value` (JSON: dicts, lists, strings, numbers) with every mention replaced."""
    if isinstance(value, dict):
        return {
            key: item if key in BOT_MADE and isinstance(item, str) else scrub(item, needles)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [scrub(item, needles) for item in value]
    if isinstance(value, str):
        return needles.scrub_text(value)
    if isinstance(value, int) and not isinstance(value, bool) and value in needles.ids:
        return 0
    return value


def _holds_something(column: Any) -> Any:
    """Rows whose JSON column is neither NULL nor empty (compared as text on both databases)."""
    as_text = cast(column, Text)
    return column.is_not(None) & as_text.not_in(["{}", "null", "[]"])


async def clear_received_updates(session: AsyncSession, needles: Needles) -> int:
    """Stored updates and owed answers that mention the person lose that content.

    A finished update needs its payload no more: it is cleared. An update still
    waiting (or in hand) and an answer still owed keep their shape, so they can
    be processed and sent, with every mention replaced.
    """
    rows = await session.scalars(
        select(ReceivedUpdate).where(
            or_(
                _holds_something(ReceivedUpdate.payload),
                _holds_something(ReceivedUpdate.answer),
                ReceivedUpdate.error.is_not(None),
            )
        )
    )
    changed = 0
    for row in rows:
        if not any(needles.mentions(v) for v in (row.payload, row.answer, row.error)):
            continue
        finished = row.status in (UpdateStatus.DONE, UpdateStatus.FAILED)
        if row.payload is not None:
            row.payload = None if finished else scrub(row.payload, needles)
        if row.answer is not None:
            row.answer = scrub(row.answer, needles)
        if row.error is not None:
            row.error = needles.scrub_text(row.error)
        changed += 1
    return changed


async def scrub_json_rows(session: AsyncSession, needles: Needles) -> int:
    """Other people's queued messages, conversation states and audit details."""
    changed = 0
    for model, column in (
        (Delivery, "payload"),
        (ConversationState, "data"),
        (AuditEntry, "details"),
    ):
        attribute = getattr(model, column)
        for row in await session.scalars(select(model).where(_holds_something(attribute))):
            value = getattr(row, column)
            cleaned = scrub(value, needles)
            if cleaned != value:
                setattr(row, column, cleaned)
                changed += 1
    return changed
