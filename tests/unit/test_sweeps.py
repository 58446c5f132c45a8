"""Sweeps enqueue what is due, once, at the right local time, at a fixed SQL cost."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import event, select

from bot.app import App
from bot.clock import ManualClock
from bot.delivery.kinds import KINDS, RenderContext
from bot.domain.models import Delivery, Person, Result
from bot.i18n import translator
from bot.jobs.leader import Leadership
from bot.jobs.sweeps import (
    action_reminders,
    draft_nudges,
    finished_actions,
    silent_nudges,
    weekly_digest,
)
from tests.factories import action, join, resident

START = datetime(2026, 3, 6, 18, 30, tzinfo=UTC)  # Friday 19:30 in Amsterdam


async def sweep(app: App, job) -> int:  # type: ignore[no-untyped-def]
    async with app.sessions.begin() as session:
        return await job(session, app.clock.now())


async def rows(app: App) -> list[tuple[int, str, str, str]]:
    async with app.sessions() as session:
        found = await session.execute(
            select(Delivery.person_id, Delivery.kind, Delivery.subject, Delivery.period).order_by(
                Delivery.id
            )
        )
        return [tuple(row) for row in found]


async def test_reminders_24h_and_2h_before_once_each(app: App, clock: ManualClock) -> None:
    ann = await resident(app, 1)
    activity = await action(app, START)
    await join(app, activity.id, ann.id)

    clock.set(START - timedelta(hours=25))
    assert await sweep(app, action_reminders) == 0
    clock.set(START - timedelta(hours=23))
    assert await sweep(app, action_reminders) == 1
    assert await sweep(app, action_reminders) == 0  # running twice sends nothing twice
    clock.set(START - timedelta(hours=1, minutes=59))
    assert await sweep(app, action_reminders) == 1
    clock.set(START + timedelta(minutes=1))
    assert await sweep(app, action_reminders) == 0
    subject = f"action:{activity.id}"
    assert await rows(app) == [
        (ann.id, "action_reminder", subject, "24h"),
        (ann.id, "action_reminder", subject, "2h"),
    ]


async def test_a_reminder_shows_local_time_in_the_persons_language(
    app: App, clock: ManualClock
) -> None:
    ayse = await resident(app, 2, locale="tr")
    activity = await action(app, START, title="Temizlik <Taagdreef>", place="Oyun alanı & park")
    await join(app, activity.id, ayse.id)
    clock.set(START - timedelta(hours=3))
    await sweep(app, action_reminders)
    async with app.sessions() as session:
        delivery = await session.scalar(select(Delivery))
        person = await session.get(Person, ayse.id)
        assert delivery is not None and person is not None
        t = translator("tr")
        context = RenderContext(session, person, t, app.settings.zone, clock.now())
        reply = await KINDS["action_reminder"].render(context, delivery)
    assert reply is not None
    assert "19:30" in reply.text and "6 Mart 2026 Cuma" in reply.text
    assert "Temizlik &lt;Taagdreef&gt;" in reply.text and "Oyun alanı &amp; park" in reply.text


async def test_sweep_statements_do_not_grow_with_residents(app: App, clock: ManualClock) -> None:
    activity = await action(app, START)
    counts = []
    for extra in (5, 50):
        for i in range(extra):
            person = await resident(app, 1000 * extra + i)
            await join(app, activity.id, person.id)
        statements: list[str] = []

        def count(*args: object, statements: list[str] = statements) -> None:
            statements.append(str(args[2]))

        event.listen(app.engine.sync_engine, "before_cursor_execute", count)
        clock.set(START - timedelta(hours=1))
        async with app.sessions.begin() as session:
            await action_reminders(session, clock.now())
            await weekly_digest(session, clock.now())
        event.remove(app.engine.sync_engine, "before_cursor_execute", count)
        counts.append(len(statements))
    assert counts[0] == counts[1]


async def test_weekly_digest_on_monday_morning_only_with_news(app: App, clock: ManualClock) -> None:
    ann, bo = await resident(app, 3), await resident(app, 4, locale="pl")
    monday_0830 = datetime(2026, 3, 9, 7, 30, tzinfo=UTC)  # 08:30 in Amsterdam
    clock.set(monday_0830 + timedelta(hours=1))
    assert await sweep(app, weekly_digest) == 0  # nothing happened this week: no message

    async with app.sessions.begin() as session:
        overvecht_id = ann.neighbourhood_id
        assert overvecht_id is not None
        session.add(
            Result(
                neighbourhood_id=overvecht_id, text="40 bags of litter", published_at=clock.now()
            )
        )
    clock.set(monday_0830)
    assert await sweep(app, weekly_digest) == 0  # before 09:00
    clock.set(monday_0830 + timedelta(hours=1))
    assert await sweep(app, weekly_digest) == 2
    clock.advance(timedelta(hours=3))
    assert await sweep(app, weekly_digest) == 0  # same week: already there
    clock.set(monday_0830 + timedelta(days=1, hours=1))
    assert await sweep(app, weekly_digest) == 0  # Tuesday

    async with app.sessions() as session:
        delivery = await session.scalar(select(Delivery).where(Delivery.person_id == bo.id))
        person = await session.get(Person, bo.id)
        assert delivery is not None and person is not None
        assert delivery.period == "2026-W11"
        context = RenderContext(session, person, translator("pl"), app.settings.zone, clock.now())
        reply = await KINDS["weekly_digest"].render(context, delivery)
    assert reply is not None
    assert translator("pl").n_("{n} result", "{n} results", 1) in reply.text


async def test_only_one_process_leads(app: App) -> None:
    import asyncio

    stop = asyncio.Event()
    first = Leadership(app.engine, retry=0.05)
    second = Leadership(app.engine, retry=0.05)
    assert await first.acquire(stop)
    if app.engine.dialect.name == "postgresql":
        waiting = asyncio.create_task(second.acquire(stop))
        await asyncio.sleep(0.2)
        assert not waiting.done()  # standing by
        await first.release()  # the leader's connection goes away
        assert await asyncio.wait_for(waiting, 2)
    else:
        assert await second.acquire(stop)  # SQLite: one process by design
    await first.release()
    await second.release()


async def test_nudges_for_drafts_and_silent_initiatives_once_per_pause(
    app: App, clock: ManualClock
) -> None:
    from bot.domain.models import InitiativeStatus
    from tests.factories import initiative

    lead = await resident(app, 70)
    await initiative(app, lead, "Half done", status=InitiativeStatus.DRAFT)
    await initiative(app, lead, "Quiet garden")
    clock.advance(timedelta(days=1))
    assert await sweep(app, draft_nudges) == 0
    clock.advance(timedelta(days=1, minutes=1))
    assert await sweep(app, draft_nudges) == 1
    assert await sweep(app, draft_nudges) == 0
    clock.advance(timedelta(days=12))
    assert await sweep(app, silent_nudges) == 1
    assert await sweep(app, silent_nudges) == 0
    kinds = [kind for _, kind, _, _ in await rows(app)]
    assert kinds == ["nudge_draft", "nudge_silent"]


async def test_people_who_joined_are_thanked_after_the_activity(
    app: App, clock: ManualClock
) -> None:
    ann = await resident(app, 71)
    activity = await action(app, START)
    await join(app, activity.id, ann.id)
    clock.set(START + timedelta(hours=1))
    assert await sweep(app, finished_actions) == 0  # still going on
    clock.set(START + timedelta(hours=3))
    assert await sweep(app, finished_actions) == 1
    assert await sweep(app, finished_actions) == 0
    clock.set(START + timedelta(days=5))
    assert await sweep(app, finished_actions) == 0


async def test_news_of_followed_initiatives_comes_in_the_digest_when_chosen(
    app: App, clock: ManualClock
) -> None:
    from bot.domain.models import ProgressUpdate, Support
    from tests.factories import initiative

    monday = datetime(2026, 3, 9, 8, 30, tzinfo=UTC)  # 09:30 in Amsterdam
    lead, fan = await resident(app, 80), await resident(app, 81, locale="en")
    garden = await initiative(app, lead, "Garden")
    async with app.sessions.begin() as session:
        session.add(Support(initiative_id=garden.id, person_id=fan.id, created_at=clock.now()))
        session.add(
            ProgressUpdate(initiative_id=garden.id, text="Tomatoes!", created_at=clock.now())
        )
        stored = await session.get(Person, fan.id)
        assert stored is not None
        stored.opt_outs = ["updates"]
    clock.set(monday)
    assert await sweep(app, weekly_digest) == 2
    async with app.sessions() as session:
        delivery = await session.scalar(select(Delivery).where(Delivery.person_id == fan.id))
        person = await session.get(Person, fan.id)
        assert delivery is not None and person is not None
        context = RenderContext(session, person, translator("en"), app.settings.zone, clock.now())
        reply = await KINDS["weekly_digest"].render(context, delivery)
    assert reply is not None and "News from 1 initiative you follow: Garden" in reply.text
