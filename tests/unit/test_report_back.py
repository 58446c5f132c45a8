"""Report back: after an activity its lead is asked how it went, reminded after 3 and 7 days
while there is no report (each once), and the answer is news for the initiative's followers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.app import App
from bot.chat.events import Event, Kind
from bot.clock import ManualClock
from bot.domain.models import Action, ActionStatus, Delivery, ProgressUpdate, Support
from bot.i18n import translator
from bot.jobs.sweeps import report_requests
from tests.chat import REFUSED, Chat, onboard, pushed
from tests.factories import action, initiative, join, person_of, resident, snapshot

START = datetime(2026, 3, 6, 18, 30, tzinfo=UTC)  # Friday 19:30 in Amsterdam
OVER = START + timedelta(hours=2)  # no end time: two hours


async def sweep(app: App) -> int:
    async with app.sessions.begin() as session:
        return await report_requests(session, app.clock.now())


async def asked(app: App) -> list[tuple[int, str]]:
    async with app.sessions() as session:
        rows = await session.execute(
            select(Delivery.person_id, Delivery.period)
            .where(Delivery.kind == "report_request")
            .order_by(Delivery.id)
        )
        return [tuple(row) for row in rows]


async def lead_with_activity(
    app: App, user_id: int, language: str = "English"
) -> tuple[Chat, int, int, int]:
    """A lead (chatting), their approved initiative with a follower, and a planting day."""
    chat = Chat(app, user_id, language_code="en")
    await onboard(chat, language)
    lead = await person_of(app, user_id)
    assert lead is not None
    garden = await initiative(app, lead, "Garden")
    planting = await action(app, START, title="Planting", initiative_id=garden.id)
    fan = await resident(app, user_id + 1)
    async with app.sessions.begin() as session:
        session.add(Support(initiative_id=garden.id, person_id=fan.id, created_at=START))
    return chat, lead.id, planting.id, fan.id


async def test_the_lead_is_asked_and_the_answer_is_news_for_followers(
    app: App, clock: ManualClock
) -> None:
    chat, lead_id, planting_id, fan_id = await lead_with_activity(app, 90, "Nederlands")
    helper = await resident(app, 95)
    await join(app, planting_id, helper.id)
    clock.set(OVER - timedelta(minutes=1))
    assert await sweep(app) == 0  # not over yet
    clock.set(OVER + timedelta(minutes=1))
    assert await sweep(app) == 1
    assert await sweep(app) == 0
    assert await asked(app) == [(lead_id, "ended")]  # the lead only, not who joined

    nl = translator("nl")
    request = await pushed(app, lead_id, "report_request")
    assert request is not None and "Planting" in request.text and "Garden" in request.text
    await chat.send("/start")
    await chat.press_on(request, nl._("Tell how it went"))
    assert "Planting" in chat.text and "📝" in chat.text  # "how did Planting go?"
    await chat.send("Twenty neighbours planted 300 bulbs 🌷")
    await chat.event(Event(Kind.PHOTO, photo="bulbs-photo"))
    await chat.send("20")
    assert (
        nl.n_("Posted! {n} person will hear about it.", "Posted! {n} people will hear about it.", 2)
        in chat.text
    )
    assert "Garden" in chat.text  # back on the initiative

    async with app.sessions() as session:
        report = await session.scalar(select(ProgressUpdate))
        news = list(
            await session.scalars(
                select(Delivery.person_id).where(Delivery.kind == "progress_update")
            )
        )
    assert report is not None and report.action_id == planting_id
    assert report.numbers == {"reached": 20} and report.author_id == lead_id
    assert report.photo_file_id == "bulbs-photo"
    assert sorted(news) == sorted([fan_id, helper.id])

    clock.set(OVER + timedelta(days=3, minutes=1))
    assert await sweep(app) == 0  # reported: no reminder
    assert await pushed(app, lead_id, "report_request") is None  # nor the old one, sent late
    await chat.press_on(request, nl._("Tell how it went"))
    assert nl._("You already told how {title} went. Thank you!", title="Planting") in chat.text


async def test_reminders_after_three_and_seven_days_each_once(app: App, clock: ManualClock) -> None:
    _, lead_id, _, _ = await lead_with_activity(app, 100)
    clock.set(OVER + timedelta(hours=1))
    assert await sweep(app) == 1
    for hours in (24, 48, 71):
        clock.set(OVER + timedelta(hours=hours))
        assert await sweep(app) == 0
    clock.set(OVER + timedelta(days=3))
    assert await sweep(app) == 0  # "ended before" is strict: a moment later
    clock.set(OVER + timedelta(days=3, seconds=1))
    assert await sweep(app) == 1
    reminder = await pushed(app, lead_id, "report_request")
    assert reminder is not None and "You have not told yet how Planting went." in reminder.text
    clock.set(OVER + timedelta(days=5))
    assert await sweep(app) == 0
    clock.set(OVER + timedelta(days=7, hours=1))
    assert await sweep(app) == 1
    for days in (8, 10, 30):
        clock.set(OVER + timedelta(days=days))
        assert await sweep(app) == 0
    assert await asked(app) == [(lead_id, "ended"), (lead_id, "3d"), (lead_id, "7d")]


async def test_not_asked_without_a_running_initiative_and_only_the_lead_may_answer(
    app: App, clock: ManualClock
) -> None:
    _, lead_id, planting_id, _ = await lead_with_activity(app, 110)
    await action(app, START, title="Coffee morning")  # no initiative, so no lead to ask
    async with app.sessions.begin() as session:
        planting = await session.get(Action, planting_id)
        assert planting is not None
        off = Action(
            neighbourhood_id=planting.neighbourhood_id,
            initiative_id=planting.initiative_id,
            title="Rained off",
            starts_at=START,
            status=ActionStatus.CANCELLED,
            created_at=START,
        )
        session.add(off)
    clock.set(OVER + timedelta(hours=1))
    assert await sweep(app) == 1
    assert await asked(app) == [(lead_id, "ended")]  # Planting only

    request = await pushed(app, lead_id, "report_request")
    assert request is not None
    other = Chat(app, 120, language_code="en")
    await onboard(other)
    before = await snapshot(app)
    await other.press_on(request, "Tell how it went")
    assert REFUSED in other.text
    assert await snapshot(app) == before
