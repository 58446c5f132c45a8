"""The sender's own ceiling: its database work alone, with Telegram answering instantly.

The real `Sender` runs in this process with a transport that reports every message
sent without any network, and no rate limits. What it reaches is the most the sender
can do on this database and machine whatever the link to Telegram; the statements it
issues per message, by kind, show where that ceiling comes from.
"""

from __future__ import annotations

import time
from collections import Counter
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import event

from bot.chat.replies import Reply
from bot.clock import SystemClock
from bot.delivery.sender import Sender, SenderSettings
from bot.delivery.transport import Outcome, Result
from bot.domain import db

from . import population
from .databases import Database
from .report import Outcome as Row

UNLIMITED = SenderSettings(per_second=1e6, private_per_second=1e6, group_per_minute=1e6)
ROUNDS = 1_000  # send_due calls at most: a bound, not a target


class InstantTelegram:
    """A transport that accepts everything at once."""

    def __init__(self) -> None:
        self.sent = 0

    async def deliver(self, chat_id: int, reply: Reply, *, paid: bool = False) -> Outcome:
        self.sent += 1
        return Outcome(Result.SENT, message_id=self.sent)


def _kind(statement: str) -> str:
    """ "SELECT broadcasts", "UPDATE deliveries"...: the verb and the first table."""
    words = statement.split()
    verb = words[0].upper()
    if verb == "SELECT" and "FROM" in words:
        return f"SELECT {words[words.index('FROM') + 1]}"
    if verb in ("UPDATE", "INSERT", "DELETE"):
        return f"{verb} {words[2] if verb != 'UPDATE' else words[1]}"
    return verb


async def run(database: Database, recipients: int) -> Row:
    engine = database.engine()
    statements: Counter[str] = Counter()
    try:
        now = datetime.now(UTC)
        neighbourhood_id = await population.neighbourhood(engine, now)
        await population.residents(engine, neighbourhood_id, 1, recipients, now)
        await population.broadcast(engine, neighbourhood_id, now)

        def seen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
            statements[_kind(statement)] += 1

        event.listen(engine.sync_engine, "before_cursor_execute", seen)
        transport = InstantTelegram()
        sender = Sender(
            db.make_sessions(engine), SystemClock(), transport, UNLIMITED, ZoneInfo("UTC")
        )
        started = time.perf_counter()
        for _ in range(ROUNDS):
            if not await sender.send_due():
                break
        elapsed = time.perf_counter() - started
    finally:
        await engine.dispose()
    row = Row("sender without HTTP", f"{database.kind}, in-process")
    row.figures.update(
        {
            "recipients": recipients,
            "sent": transport.sent,
            "sent/s": round(transport.sent / elapsed, 1),
            "statements/msg": round(sum(statements.values()) / max(transport.sent, 1), 2),
        }
    )
    per_message = ", ".join(
        f"{count / max(transport.sent, 1):.2f} {kind}" for kind, count in statements.most_common()
    )
    row.notes.append(f"statements per message: {per_message}")
    return row
