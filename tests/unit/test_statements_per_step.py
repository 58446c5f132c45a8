"""What one onboarding step costs the database, pinned: the statements each part of a step
sends (counted with SQLAlchemy's `before_cursor_execute`), so that a step which quietly
reads more than it needs fails here rather than in the benchmark.

    record (store) ── claim ── the step's transaction ── answer sent
      3                 1        /start 5, language 4,      1
                                 buurt 4, consent 6

Answers sent at the same time are cleared in one UPDATE (a group commit).
BEGIN is not counted (SQLite's goes straight to the driver, asyncpg's is no statement). The
reference data (neighbourhoods, buurten) comes from a short-lived cache, which `load`
empties at once; a change made by another process shows within its TTL.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, select, update

from bot.app import App
from bot.chat.events import Event
from bot.chat.replies import Answer, Reply
from bot.domain import neighbourhoods
from bot.domain.models import Area, ReceivedUpdate
from bot.handlers.owed import Owed
from bot.handlers.runtime import TelegramRuntime
from bot.i18n import Html
from tests.chat import Chat
from tests.conftest import load_example
from tests.factories import LANSINGERLAND

BUDGET = {"/start": 5, "language": 4, "buurt": 4, "consent": 6}
INTAKE = {"record": 3, "claim": 1, "sent": 1}  # per step, for an update arriving alone


class Quiet:
    """A Bot API client that is never called: these tests send nothing."""

    errors = ()

    async def close(self) -> None:
        pass


class Statements:
    """Statements sent, counted under the name of the part of a step that sent them."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.part = "?"

    def count(self, *args: Any) -> None:
        if not args[2].lstrip().upper().startswith("BEGIN"):
            self.counts[self.part] += 1


@contextmanager
def counting(app: App) -> Iterator[Statements]:
    statements = Statements()
    engine = app.engine.sync_engine
    event.listen(engine, "before_cursor_execute", statements.count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", statements.count)


def _from(chat: int) -> dict[str, Any]:
    return {"id": chat, "is_bot": False, "first_name": "Ann", "language_code": "en"}


def _text(update_id: int, chat: int, text: str) -> dict[str, Any]:
    private = {"id": chat, "type": "private"}
    message = {"message_id": update_id, "date": 0, "chat": private, "from": _from(chat)}
    return {"update_id": update_id, "message": {**message, "text": text}}


def _press(update_id: int, chat: int, data: str) -> dict[str, Any]:
    shown = {"message_id": update_id - 1, "date": 0, "chat": {"id": chat, "type": "private"}}
    press = {"id": str(update_id), "chat_instance": "c", "data": data, "from": _from(chat)}
    return {"update_id": update_id, "callback_query": {**press, "message": shown}}


def _button(owed: Owed | None, label: str) -> str:
    assert owed is not None and owed.answer is not None
    buttons = [b for r in owed.answer.replies for row in r.buttons for b in row]
    return next(b.payload for b in buttons if label in b.label)


async def _onboard(app: App, statements: Statements, chat: int, first_update: int) -> None:
    runtime = TelegramRuntime(app, Quiet())  # type: ignore[arg-type]

    async def step(name: str, update: dict[str, Any]) -> Owed | None:
        statements.part = "record"
        await app.intake.record([update])
        statements.part = "claim"
        (row,) = await app.intake.claim(10)
        statements.part = name
        owed = await runtime.process(row)
        statements.part = "sent"
        await app.intake.answer_sent(row)
        return owed

    owed = await step("/start", _text(first_update, chat, "/start"))
    owed = await step("language", _press(first_update + 1, chat, _button(owed, "English")))
    owed = await step("buurt", _press(first_update + 2, chat, _button(owed, "Taagdreef")))
    owed = await step("consent", _press(first_update + 3, chat, _button(owed, "✅")))
    assert owed is not None and owed.answer is not None
    assert "Welcome, Ann!" in owed.answer.replies[0].text


async def test_an_onboarding_step_sends_no_more_statements_than_its_budget(app: App) -> None:
    await _onboard(app, Statements(), chat=500, first_update=1)  # a first one: warm caches
    with counting(app) as statements:
        for resident in range(3):
            await _onboard(app, statements, chat=501 + resident, first_update=100 + 10 * resident)
    steps = dict(BUDGET, **{part: 4 * limit for part, limit in INTAKE.items()})
    per_resident = {part: statements.counts[part] / 3 for part in steps}
    over = {part: n for part, n in per_resident.items() if n > steps[part]}
    assert not over, f"statements per step {per_resident}, budget {steps}"


async def test_buurten_are_read_once_then_kept_until_the_ttl_or_a_load(app: App) -> None:
    ticks = [0.0]
    cache = neighbourhoods.reference
    saved = cache.clock
    cache.clock, _ = (lambda: ticks[0]), cache.clear()
    try:
        async with app.sessions() as session:
            (overvecht,) = await neighbourhoods.all_neighbourhoods(session)
            before = [area.name for area in await neighbourhoods.areas_of(session, overvecht.id)]
        async with app.sessions.begin() as session:  # as another process would
            await session.execute(
                update(Area).where(Area.slug == "taagdreef").values(name="Taagdreef-Oost")
            )
        with counting(app) as statements:
            async with app.sessions() as session:
                kept = [area.name for area in await neighbourhoods.areas_of(session, overvecht.id)]
        assert kept == before and not statements.counts  # from memory, not the database
        ticks[0] += neighbourhoods.REFERENCE_TTL + 0.1
        async with app.sessions() as session:
            renewed = [area.name for area in await neighbourhoods.areas_of(session, overvecht.id)]
        assert "Taagdreef-Oost" in renewed and "Taagdreef" not in renewed

        await load_example(app, "overvecht.yaml")  # the file names it Taagdreef again
        async with app.sessions() as session:
            loaded = [area.name for area in await neighbourhoods.areas_of(session, overvecht.id)]
        assert loaded == before  # seen at once, without waiting for the TTL
    finally:
        cache.clock = saved


async def test_answers_sent_at_the_same_time_are_cleared_together(app: App) -> None:
    await app.intake.record([_text(update_id, 600 + update_id, "hi") for update_id in range(1, 6)])
    claimed = await app.intake.claim(10)
    for row in claimed:
        async with app.sessions.begin() as session:
            owed = Owed(row.update_id, Answer([Reply(Html("hi"))]))
            assert await app.intake.finish(session, row, owed)
    with counting(app) as statements:
        statements.part = "sent"
        await asyncio.gather(*(app.intake.answer_sent(row) for row in claimed))
    async with app.sessions() as session:
        owed_still = await session.scalars(
            select(ReceivedUpdate.id).where(ReceivedUpdate.answer.is_not(None))
        )
        assert list(owed_still) == []
    assert len(claimed) == 5 and statements.counts["sent"] == 2  # the first, then the rest


async def test_a_buurt_of_another_neighbourhood_is_not_taken_from_the_cache(app: App) -> None:
    async with app.sessions.begin() as session:
        await neighbourhoods.load(session, neighbourhoods.parse(LANSINGERLAND), app.clock.now())
        berkel = await session.scalar(select(Area.id).where(Area.slug == "berkel"))
    chat = Chat(app, 700, language_code="en")
    await chat.send("/start")
    await chat.press("English")
    await chat.press("Overvecht")
    taagdreef = chat.button("Taagdreef").payload
    await chat.event(Event.button(taagdreef.rsplit(":", 1)[0] + f":{berkel}"))
    assert "Please choose your buurt with the buttons below." in chat.text
    await chat.press("Taagdreef")
    await chat.press("✅")
    assert "Welcome, Ann! You are all set for Taagdreef, Overvecht." in chat.text
