""" "Still coming?": the 24-hour reminder asks; yes is remembered, no frees the place; a press
on an old reminder, after the start or by someone who left changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.app import App
from bot.chat.answers import said
from bot.chat.limits import POPUP_LIMIT, utf16_length
from bot.clock import ManualClock
from bot.domain.models import Delivery, Signup, SignupStatus
from bot.flows.registry import Registry, build
from bot.flows.steps import FlowError
from bot.flows.still_coming import STILL_COMING
from bot.i18n import translator
from bot.jobs.sweeps import action_reminders
from tests.chat import REFUSED, Chat, coordinator, onboard, pushed
from tests.factories import action, initiative, join, person_of, resident, snapshot

START = datetime(2026, 3, 6, 18, 30, tzinfo=UTC)  # Friday 19:30 in Amsterdam


async def remind(app: App, clock: ManualClock, before: timedelta) -> None:
    clock.set(START - before)
    async with app.sessions.begin() as session:
        await action_reminders(session, clock.now())


async def signup(app: App, person_id: int) -> Signup:
    async with app.sessions() as session:
        found = await session.scalar(select(Signup).where(Signup.person_id == person_id))
    assert found is not None
    return found


async def resident_chat(app: App, user_id: int, language: str = "English") -> tuple[Chat, int]:
    chat = Chat(app, user_id, language_code="en")
    await onboard(chat, language)
    person = await person_of(app, user_id)
    assert person is not None
    return chat, person.id


async def test_yes_is_remembered_and_the_lead_and_coordinators_see_it(
    app: App, clock: ManualClock
) -> None:
    lead_chat, _ = await resident_chat(app, 60)
    lead = await person_of(app, 60)
    assert lead is not None
    garden = await initiative(app, lead, "Garden")
    planting = await action(app, START, title="Planting", capacity=3, initiative_id=garden.id)
    ann_chat, ann = await resident_chat(app, 61)
    bob = await resident(app, 62)
    for person_id in (ann, bob.id):
        await join(app, planting.id, person_id)

    await remind(app, clock, timedelta(hours=23))
    reminder = await pushed(app, ann, "action_reminder")
    assert reminder is not None and "Are you still coming?" in reminder.text
    await ann_chat.send("/start")
    await ann_chat.press("Propose an initiative")  # busy with something else
    await ann_chat.press_on(reminder, "Yes, I am coming")
    assert ann_chat.last.edit and "Great, see you there!" in ann_chat.text
    assert "Planting" in ann_chat.text  # the reminder keeps what it said
    assert (await signup(app, ann)).confirmed_at == clock.now()
    await ann_chat.send("Soup for everyone")  # and the proposal goes on where it was
    assert "Describe your initiative" in ann_chat.text

    await lead_chat.press("My Wijkbot")
    await lead_chat.press("Garden")
    assert "2 signed up: 1 confirmed, 1 not answered yet" in lead_chat.text
    fatima = await coordinator(app)
    await fatima.press("Activities")
    assert "2 signed up: 1 confirmed, 1 not answered yet" in fatima.text
    await ann_chat.send("/cancel")
    await ann_chat.press("Activities")
    assert "Planting" in ann_chat.text and "signed up:" not in ann_chat.text  # not for everyone

    await remind(app, clock, timedelta(hours=1))
    second = await pushed(app, ann, "action_reminder")
    assert second is not None and not second.buttons  # two hours before: only a reminder
    unanswered = await pushed(app, bob.id, "action_reminder")
    assert unanswered is not None and not unanswered.buttons


async def test_no_frees_the_place_for_the_waiting_list_and_thanks(
    app: App, clock: ManualClock
) -> None:
    planting = await action(app, START, title="Planting", capacity=1)
    ann_chat, ann = await resident_chat(app, 63, "Türkçe")
    bob = await resident(app, 64)
    await join(app, planting.id, ann)
    async with app.sessions.begin() as session:
        session.add(
            Signup(
                action_id=planting.id,
                person_id=bob.id,
                status=SignupStatus.WAITLISTED,
                created_at=clock.now(),
            )
        )
    await remind(app, clock, timedelta(hours=20))
    reminder = await pushed(app, ann, "action_reminder")
    tr = translator("tr")
    assert reminder is not None and tr._("Are you still coming?") in reminder.text
    await ann_chat.press_on(reminder, tr._("No, I cannot come"))
    assert tr._("Thank you for letting us know. Your place is now free for someone else.") in (
        ann_chat.text
    )
    assert (await signup(app, ann)).status is SignupStatus.LEFT
    async with app.sessions() as session:
        told = await session.scalar(
            select(Delivery.person_id).where(Delivery.kind == "place_offered")
        )
    assert told == bob.id


async def test_presses_that_no_longer_apply_change_nothing(app: App, clock: ManualClock) -> None:
    planting = await action(app, START, title="Planting", capacity=2)
    ann_chat, ann = await resident_chat(app, 65)
    eve_chat, _ = await resident_chat(app, 66)
    await join(app, planting.id, ann)
    await remind(app, clock, timedelta(hours=22))
    reminder = await pushed(app, ann, "action_reminder")
    assert reminder is not None

    before = await snapshot(app)
    await eve_chat.press_on(reminder, "Yes, I am coming")  # someone else's reminder
    assert REFUSED in eve_chat.text
    assert await snapshot(app) == before

    await ann_chat.send("/start")
    await ann_chat.press("Activities")
    await ann_chat.press("Leave: Planting")
    left = await snapshot(app)
    await ann_chat.press_on(reminder, "Yes, I am coming")
    assert "You are no longer signed up for Planting. Nothing was changed." in ann_chat.text
    assert await snapshot(app) == left
    await ann_chat.press("Join: Planting", answers_back=2)  # back in: a new signup version
    joined = await snapshot(app)
    await ann_chat.press_on(reminder, "No, I cannot come")
    assert "This button is no longer active." in ann_chat.text
    assert await snapshot(app) == joined

    fresh = await pushed(app, ann, "action_reminder")  # the reminder as it reads now
    assert fresh is not None
    clock.set(START + timedelta(minutes=5))
    await ann_chat.press_on(fresh, "No, I cannot come")
    assert "has already started, or is over or cancelled. Nothing was changed." in ann_chat.text
    assert ann_chat.answers[-1].notice is not None
    assert await snapshot(app) == joined


def test_a_topic_of_pushed_buttons_is_answered_once() -> None:
    with pytest.raises(FlowError, match="topic 'c'"):
        Registry([], [], [STILL_COMING, STILL_COMING])
    assert build().on_pushed("c") is STILL_COMING


async def test_the_answers_pop_up_a_typed_title_as_typed(app: App, clock: ManualClock) -> None:
    title = "<3 & co"
    soup = await action(app, START, title=title, capacity=2)
    ann_chat, ann = await resident_chat(app, 67)
    await join(app, soup.id, ann)
    await remind(app, clock, timedelta(hours=22))
    reminder = await pushed(app, ann, "action_reminder")
    assert reminder is not None
    await ann_chat.press_on(reminder, "Yes, I am coming")
    assert "&lt;3 &amp; co" in ann_chat.text  # the edited reminder is HTML
    assert ann_chat.answers[-1].notice == (
        "✅ Great, see you there! The organisers know you are coming."
    )
    clock.set(START + timedelta(minutes=5))
    await ann_chat.press_on(reminder, "No, I cannot come")
    assert ann_chat.answers[-1].notice == (
        f"{title} has already started, or is over or cancelled. Nothing was changed."
    )


def test_a_pop_up_is_plain_and_fits_telegram() -> None:
    typed = "Soep & <b>brood</b> " + "🥣" * 150  # longer than a pop-up may be
    answer = said(
        translator("uk")._(
            "You are no longer signed up for {title}. Nothing was changed.", title=typed
        )
    )
    assert answer.notice is not None and "Soep & <b>brood</b> 🥣" in answer.notice
    assert "&amp;" not in answer.notice and "&lt;" not in answer.notice
    assert utf16_length(answer.notice) <= POPUP_LIMIT and answer.notice.endswith("…")
