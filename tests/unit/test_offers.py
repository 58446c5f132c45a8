"""Waiting-list offers: a freed place is offered to the first person waiting, who takes it or
passes it on; an offer nobody answers ends by the sweep, on the injected clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.app import App
from bot.clock import ManualClock
from bot.domain.actions import offer_ends
from bot.domain.models import Delivery, Signup, SignupStatus
from bot.i18n import translator
from bot.jobs.sweeps import offer_expiry
from tests.chat import REFUSED, Chat, onboard, pushed
from tests.factories import action, person_of, snapshot

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # the clock fixture's start


async def someone(app: App, user_id: int, language: str = "English") -> tuple[Chat, int]:
    chat = Chat(app, user_id, language_code="en")
    await onboard(chat, language)
    person = await person_of(app, user_id)
    assert person is not None
    return chat, person.id


async def status_of(app: App, person_id: int) -> SignupStatus:
    async with app.sessions() as session:
        found = await session.scalar(select(Signup.status).where(Signup.person_id == person_id))
    assert found is not None
    return found


async def offers_to(app: App, person_id: int) -> int:
    async with app.sessions() as session:
        found = await session.scalars(
            select(Delivery.id).where(
                Delivery.kind == "place_offered", Delivery.person_id == person_id
            )
        )
        return len(list(found))


async def sweep(app: App) -> int:
    async with app.sessions.begin() as session:
        return await offer_expiry(session, app.clock.now())


async def three_for_one_place(app: App, starts_at: datetime) -> tuple[list[Chat], list[int]]:
    """Ann holds the only place of "Planting"; Bob (in Arabic), then Cem wait for it."""
    await action(app, starts_at, title="Planting", capacity=1)
    chats, ids = [], []
    for user_id, language in ((80, "English"), (81, "العربية"), (82, "English")):
        chat, person_id = await someone(app, user_id, language)
        await chat.press("📅")
        await chat.press("🙋")
        chats.append(chat)
        ids.append(person_id)
    return chats, ids


def test_the_time_to_answer_shrinks_near_the_start() -> None:
    assert offer_ends(NOW, NOW + timedelta(days=3)) == NOW + timedelta(hours=12)
    assert offer_ends(NOW, NOW + timedelta(hours=6)) == NOW + timedelta(hours=3)
    assert offer_ends(NOW, NOW + timedelta(minutes=10)) == NOW + timedelta(minutes=5)
    for left in (timedelta(hours=30), timedelta(hours=2), timedelta(seconds=3)):
        assert offer_ends(NOW, NOW + left) < NOW + left  # never past the start


async def test_waiting_people_see_their_place_and_a_declined_offer_goes_on(app: App) -> None:
    (ann, bob, cem), (_, bob_id, cem_id) = await three_for_one_place(app, NOW + timedelta(days=3))
    ar = translator("ar")
    assert ar._("You are number {n} in the queue.", n=ar.number(1)) in bob.text
    assert "You are number 2 in the queue." in cem.text
    assert "(waiting list, number 2)" in cem.text

    await ann.press("Leave: Planting")
    assert await status_of(app, bob_id) is SignupStatus.OFFERED
    offer = await pushed(app, bob_id, "place_offered")
    assert offer is not None
    assert ar._("A place is free for {title}. Do you want it?", title="Planting") in offer.text
    assert ar.n_("answer within {n} hour", "answer within {n} hours", 12) in offer.text
    await cem.send("/start")
    await cem.press("Activities")
    assert "(waiting list, number 1)" in cem.text  # moved up in the queue

    before = await snapshot(app)
    await cem.press_on(offer, "✅")  # Bob's offer is not Cem's to take
    assert REFUSED in cem.text
    assert await snapshot(app) == before

    await bob.press_on(offer, ar._("No, thank you"))
    assert ar._("Thank you for letting us know. The place goes to the next person waiting.") in (
        bob.text
    )
    assert bob.last.edit
    assert await status_of(app, bob_id) is SignupStatus.LEFT
    assert await status_of(app, cem_id) is SignupStatus.OFFERED
    declined = await snapshot(app)
    await bob.press_on(offer, ar._("Yes, I want it"))  # changed their mind: too late
    assert ar._("This place is no longer offered to you: the time to answer has passed.") in (
        bob.text
    )
    assert await snapshot(app) == declined

    await cem.send("/start")
    await cem.press("Activities")
    assert "a place is held for you until" in cem.text
    await cem.press("Take the place: Planting")
    assert "The place is yours! Planting" in cem.text
    assert await status_of(app, cem_id) is SignupStatus.JOINED
    cem_offer = await pushed(app, cem_id, "place_offered")
    assert cem_offer is None  # taken meanwhile: the message would say nothing any more


async def test_an_offer_nobody_answers_ends_and_goes_to_the_next(
    app: App, clock: ManualClock
) -> None:
    starts = NOW + timedelta(hours=30)
    (ann, bob, _), (_, bob_id, cem_id) = await three_for_one_place(app, starts)
    await ann.press("Leave: Planting")
    clock.advance(timedelta(seconds=30))  # sent a moment later, it still says 12 hours
    offer = await pushed(app, bob_id, "place_offered")
    assert offer is not None
    assert translator("ar").n_("answer within {n} hour", "answer within {n} hours", 12) in (
        offer.text
    )

    clock.advance(timedelta(hours=11, minutes=58, seconds=30))
    assert await sweep(app) == 0
    assert await status_of(app, bob_id) is SignupStatus.OFFERED
    clock.advance(timedelta(minutes=1))  # 12 hours: the offer ends
    assert await sweep(app) == 1
    assert await sweep(app) == 0  # and only once
    assert await status_of(app, bob_id) is SignupStatus.LEFT
    assert await status_of(app, cem_id) is SignupStatus.OFFERED
    assert await pushed(app, bob_id, "place_offered") is None  # not sent late
    late = await snapshot(app)
    await bob.press_on(offer, "✅")
    assert await snapshot(app) == late

    # 18 hours before the start, Cem has 9 (half the time left) instead of 12.
    later = await pushed(app, cem_id, "place_offered")
    assert later is not None and "answer within 9 hours" in later.text
    clock.advance(timedelta(hours=8, minutes=40))
    soon = await pushed(app, cem_id, "place_offered")
    assert soon is not None and "answer within 20 minutes" in soon.text
    clock.advance(timedelta(minutes=20))
    assert await sweep(app) == 0  # nobody left waiting: the place is simply free
    assert await status_of(app, cem_id) is SignupStatus.LEFT
    assert await offers_to(app, cem_id) == 1


async def test_forgetting_while_holding_an_offer_passes_it_on(app: App) -> None:
    (ann, bob, _), (_, bob_id, cem_id) = await three_for_one_place(app, NOW + timedelta(days=2))
    await ann.press("Leave: Planting")
    assert await status_of(app, bob_id) is SignupStatus.OFFERED
    await bob.send("/forget")
    await bob.press(translator("ar")._("Yes, forget me"))
    assert await person_of(app, 81) is None
    assert await status_of(app, cem_id) is SignupStatus.OFFERED
    assert await offers_to(app, cem_id) == 1


async def test_the_offer_answers_and_buttons_show_a_typed_title_as_typed(app: App) -> None:
    title = "<3 & co"
    await action(app, NOW + timedelta(days=2), title=title, capacity=1)
    (ann, _), (bob, bob_id) = [await someone(app, user_id) for user_id in (83, 84)]
    for chat in (ann, bob):
        await chat.press("📅")
        assert f"🙋 Join: {title}" in chat.labels  # a button's label is plain text too
        await chat.press("🙋")
    assert f"↩️ Leave: {title}" in ann.labels
    await ann.press(f"Leave: {title}")
    offer = await pushed(app, bob_id, "place_offered")
    assert offer is not None
    await bob.press_on(offer, "✅")
    assert "The place is yours! &lt;3 &amp; co," in bob.text  # the message is HTML
    notice = bob.answers[-1].notice
    assert notice is not None and notice.startswith("🙌 The place is yours! <3 & co, ")
    assert "&lt;" not in notice and "&amp;" not in notice and "<b>" not in notice
    await bob.press_on(offer, "✅")  # pressed again: said, as typed
    assert bob.answers[-1].notice == f"You already have a place for {title}."
