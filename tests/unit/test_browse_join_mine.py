"""Browsing, supporting, joining with a waitlist, My Wijkbot, progress, /mydata and /forget."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select, text

from bot.app import App
from bot.domain.models import Base, Delivery, Initiative, InitiativeStatus, Signup, SignupStatus
from bot.i18n import translator
from tests.chat import Chat, onboard, pushed
from tests.factories import action, initiative, join, person_of, resident


async def test_browse_pages_sorting_and_theme_filter(app: App) -> None:
    owner = await resident(app, 40)
    for number in range(6):
        await initiative(app, owner, f"Initiative {number}", supporters=number % 3)
    await initiative(app, owner, "Still a proposal", status=InitiativeStatus.SUBMITTED)
    chat = Chat(app, 41, language_code="en")
    await onboard(chat)
    await chat.press("Initiatives")
    assert "1. 🤝 Initiative 5" in chat.text and "1/2" in chat.labels
    assert "Still a proposal" not in chat.text
    await chat.press("▶")
    assert "6. 🤝 Initiative 0" in chat.text and chat.last.edit
    await chat.press("Most supported first")
    assert chat.text.index("Initiative 5") < chat.text.index("Initiative 3")  # 2 supporters
    await chat.press("Theme")
    await chat.press("Health")
    assert "No open initiatives here yet" in chat.text


async def test_support_join_waitlist_and_an_offered_place(app: App) -> None:
    owner = await resident(app, 42)
    garden = await initiative(app, owner, "Vegetable garden")
    await action(
        app,
        app.clock.now() + timedelta(days=3),
        title="Planting day",
        capacity=1,
        initiative_id=garden.id,
    )
    first, second = Chat(app, 43, language_code="en"), Chat(app, 44, language_code="tr")
    await onboard(first)
    await onboard(second, "Türkçe")

    await first.press("Initiatives")
    await first.press("Vegetable garden")
    assert "Growing vegetables together" in first.text and "Planting day" in first.text
    await first.press("Support")
    assert "Thank you for your support!" in first.text and "1 supporter" in first.text
    await first.press("Join: Planting day")
    assert "You are in! Planting day" in first.text
    await first.press("Calendar")
    calendar = first.answers[-1].replies[0].document
    assert calendar is not None and calendar.data is not None
    assert b"BEGIN:VCALENDAR" in calendar.data and b"SUMMARY:Planting day" in calendar.data

    await second.press(translator("tr")._("Activities"))
    await second.press("Planting day")
    async with app.sessions() as session:
        statuses = dict(
            (row.person_id, row.status) for row in await session.scalars(select(Signup))
        )
    person_2 = await person_of(app, 44)
    assert person_2 is not None and statuses[person_2.id] is SignupStatus.WAITLISTED

    await first.press("Leave: Planting day")
    async with app.sessions() as session:
        offer = await session.scalar(select(Delivery).where(Delivery.kind == "place_offered"))
        signup = await session.scalar(select(Signup).where(Signup.person_id == person_2.id))
    assert offer is not None and offer.person_id == person_2.id
    assert signup is not None and signup.status is SignupStatus.OFFERED
    tr = translator("tr")
    message = await pushed(app, person_2.id, "place_offered")
    assert message is not None
    assert tr._("A place is free for {title}. Do you want it?", title="Planting day") in (
        message.text
    )
    await second.press_on(message, tr._("Yes, I want it"))
    assert tr._("🙌 The place is yours! {title}, {when}.", title="Planting day", when="")[:12] in (
        second.text
    )
    async with app.sessions() as session:
        signup = await session.scalar(select(Signup).where(Signup.person_id == person_2.id))
    assert signup is not None and signup.status is SignupStatus.JOINED


async def test_buttons_of_a_withdrawn_initiative_or_a_past_activity_are_answered(
    app: App,
) -> None:
    owner = await resident(app, 45)
    garden = await initiative(app, owner, "Garden")
    chat = Chat(app, 46, language_code="en")
    await onboard(chat)
    await chat.press("Initiatives")
    async with app.sessions.begin() as session:
        stored = await session.get(Initiative, garden.id)
        assert stored is not None
        stored.status = InitiativeStatus.WITHDRAWN
    await chat.press("Garden")
    assert "This initiative is no longer open." in chat.text

    soon = await action(app, app.clock.now() + timedelta(hours=1), title="Soup evening")
    await chat.send("/cancel")
    await chat.press("Activities")
    app.clock.advance(timedelta(hours=2))  # it has started meanwhile
    await chat.press("Join: Soup evening")
    assert "You cannot join this any more" in chat.text
    assert soon.id


async def test_my_wijkbot_progress_update_and_withdraw(app: App) -> None:
    chat = Chat(app, 47, language_code="en")
    await onboard(chat)
    lead = await person_of(app, 47)
    assert lead is not None
    garden = await initiative(app, lead, "Garden of Ann")
    fan = await resident(app, 48)
    async with app.sessions.begin() as session:
        from bot.domain.models import Support

        session.add(Support(initiative_id=garden.id, person_id=fan.id, created_at=app.clock.now()))
    await chat.press("My Wijkbot")
    assert "Garden of Ann (approved)" in chat.text
    await chat.press("Garden of Ann")
    await chat.press("Post an update")
    await chat.send("The first tomatoes are red!")
    await chat.press("Skip")
    await chat.send("35")
    assert "Posted! 1 person will hear about it." in chat.text
    assert "Status: approved" in chat.text  # back on the initiative
    async with app.sessions() as session:
        news = await session.scalar(select(Delivery).where(Delivery.kind == "progress_update"))
    assert news is not None and news.person_id == fan.id

    await chat.press("Withdraw")
    await chat.press("Yes, withdraw")
    assert "Your initiative is withdrawn." in chat.text
    async with app.sessions() as session:
        stored = await session.get(Initiative, garden.id)
    assert stored is not None and stored.status is InitiativeStatus.WITHDRAWN


async def test_my_data_and_forgetting_leaves_no_trace(app: App) -> None:
    chat = Chat(app, 777001, first_name="Zeynep", language_code="tr")
    await onboard(chat, "Türkçe")
    person = await person_of(app, 777001)
    assert person is not None
    garden = await initiative(app, person, "Zeynep's garden")
    soon = await action(app, app.clock.now() + timedelta(days=1), initiative_id=garden.id)
    await join(app, soon.id, person.id)

    await chat.send("/mydata")
    document = chat.answers[-1].replies[0].document
    assert document is not None and document.data is not None
    exported = json.loads(document.data)
    assert exported["person"]["first_name"] == "Zeynep"
    assert exported["identities"][0]["external_id"] == "777001"
    assert len(exported["signups"]) == 1

    await chat.send("/forget")
    await chat.press(translator("tr")._("Yes, forget me"))
    assert await person_of(app, 777001) is None

    # No table holds the person's id, Telegram id or name any more.
    async with app.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            for row in (await connection.execute(table.select())).mappings():
                values = " ".join(str(value) for value in row.values())
                assert "777001" not in values, (table.name, values)
                assert "Zeynep" not in values, (table.name, values)  # "…'s garden" stays
                for column in ("person_id", "owner_id", "actor_id", "author_id", "used_by_id"):
                    assert row.get(column) != person.id, (table.name, column)
        count = await connection.scalar(select(func.count()).select_from(Initiative.__table__))
        assert count == 1  # what they built stays, without them
        owner = await connection.scalar(text("SELECT owner_id FROM initiatives"))
        assert owner is None
    await chat.send("/start")
    assert translator("tr")._("Which language do you want to use?") in chat.text  # from nothing
