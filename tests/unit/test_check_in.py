"""Check-in on the day: the signed link (valid, forged, moved, wrong day), the lead's QR code,
scanning it (signed up or not, full, twice, before onboarding), who came in the statistics,
the thank-you to those who came, and forgetting."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image
from sqlalchemy import select

from bot.app import App
from bot.chat import links
from bot.chat.events import Event
from bot.chat.limits import CAPTION_LIMIT, visible_length
from bot.clock import ManualClock
from bot.config import SUPPORTED_LOCALES
from bot.domain import check_in, privacy
from bot.domain.check_in import CheckedIn
from bot.domain.models import Action, Delivery, Person, Signup, SignupStatus
from bot.i18n import translator
from bot.jobs.sweeps import finished_actions
from bot.reports import export, statistics
from bot.reports.qr import qr_png
from tests.chat import REFUSED, Chat, coordinator, onboard, pushed
from tests.factories import action, initiative, join, person_of, resident, snapshot

START = datetime(2026, 3, 7, 10, 0, tzinfo=UTC)  # Saturday 11:00 in Amsterdam
MIDNIGHT = datetime(2026, 3, 7, 23, 0, tzinfo=UTC)  # Sunday 00:00 in Amsterdam
KEY = b"a secret only the bot knows"
LINK = re.compile(r"https://t\.me/\w+\?start=(\S+)")


async def planting(app: App, **extra: object) -> Action:
    return await action(app, START, title="Planting", **extra)  # type: ignore[arg-type]


async def signup(app: App, action_id: int, person_id: int) -> Signup | None:
    async with app.sessions() as session:
        return await session.scalar(
            select(Signup).where(Signup.action_id == action_id, Signup.person_id == person_id)
        )


async def scan(app: App, payload: str, person_id: int, key: bytes = KEY) -> CheckedIn:
    async with app.sessions.begin() as session:
        person = await session.get(Person, person_id)
        assert person is not None
        found = await check_in.check_in(
            session, key, payload, person, app.clock.now(), app.settings.zone
        )
    return found.outcome


def test_the_payload_is_a_short_start_parameter() -> None:
    item = Action(id=123456789012, starts_at=START)
    payload = check_in.payload_of(KEY, item)
    assert len(payload) <= 64 and re.fullmatch(r"[A-Za-z0-9_-]+", payload)
    assert check_in.looks_like_check_in(payload)
    assert not check_in.looks_like_check_in("i" + "a" * 38)  # an invite's
    moved = Action(id=item.id, starts_at=START + timedelta(days=1))
    assert check_in.payload_of(KEY, moved) != payload


async def test_valid_forged_moved_and_wrong_day(app: App, clock: ManualClock) -> None:
    item = await planting(app)
    ann = await resident(app, 10)
    await join(app, item.id, ann.id)
    payload = check_in.payload_of(KEY, item)
    other = await action(app, START, title="Other")
    forged = [
        payload[:-1] + ("A" if payload[-1] != "A" else "B"),  # altered signature
        f"c{other.id}_" + payload.split("_", 1)[1],  # another activity, this signature
        "c999999_" + "A" * 22,  # no such activity
        "nonsense",
    ]
    clock.set(START - timedelta(minutes=30))
    before = await snapshot(app)
    for wrong in forged:
        assert await scan(app, wrong, ann.id) is CheckedIn.INVALID
    assert await scan(app, payload, ann.id, key=b"another secret") is CheckedIn.INVALID

    clock.set(START - timedelta(hours=1, seconds=1))  # the day before the window opens
    assert await scan(app, payload, ann.id) is CheckedIn.NOT_YET
    clock.set(MIDNIGHT)  # the end of the activity's (local) day
    assert await scan(app, payload, ann.id) is CheckedIn.OVER
    clock.set(START - timedelta(days=1))  # the day before
    assert await scan(app, payload, ann.id) is CheckedIn.NOT_YET
    assert await snapshot(app) == before  # a refused link changes nothing

    async with app.sessions.begin() as session:  # moved to another day: the old code stops
        moved = await session.get(Action, item.id)
        assert moved is not None
        moved.starts_at = START + timedelta(days=7)
    clock.set(START)
    assert await scan(app, payload, ann.id) is CheckedIn.INVALID

    async with app.sessions.begin() as session:
        moved = await session.get(Action, item.id)
        assert moved is not None
        moved.starts_at = START
    clock.set(START - timedelta(hours=1))  # opens an hour before
    assert await scan(app, payload, ann.id) is CheckedIn.CHECKED_IN
    found = await signup(app, item.id, ann.id)
    assert found is not None and found.checked_in_at == clock.now()
    clock.set(MIDNIGHT - timedelta(seconds=1))
    assert await scan(app, payload, ann.id) is CheckedIn.ALREADY
    found = await signup(app, item.id, ann.id)
    assert found is not None and found.checked_in_at == START - timedelta(hours=1)


async def test_not_signed_up_joins_when_there_is_room_else_it_is_full(
    app: App, clock: ManualClock
) -> None:
    item = await planting(app, capacity=2)
    ann, bob, cem, dirk = [await resident(app, 20 + n) for n in range(4)]
    await join(app, item.id, ann.id)
    async with app.sessions.begin() as session:
        session.add(
            Signup(
                action_id=item.id,
                person_id=dirk.id,
                status=SignupStatus.WAITLISTED,
                created_at=clock.now(),
            )
        )
    payload = check_in.payload_of(KEY, item)
    clock.set(START + timedelta(minutes=5))
    assert await scan(app, payload, bob.id) is CheckedIn.JOINED
    assert await scan(app, payload, bob.id) is CheckedIn.ALREADY
    assert await scan(app, payload, cem.id) is CheckedIn.FULL
    assert await signup(app, item.id, cem.id) is None
    assert await scan(app, payload, dirk.id) is CheckedIn.FULL  # waiting, and still full
    assert await scan(app, payload, ann.id) is CheckedIn.CHECKED_IN
    found = await signup(app, item.id, bob.id)
    assert found is not None and found.status is SignupStatus.JOINED
    assert found.checked_in_at == clock.now()


async def test_a_cancelled_activity_checks_nobody_in(app: App, clock: ManualClock) -> None:
    item = await planting(app)
    ann = await resident(app, 30)
    async with app.sessions.begin() as session:
        cancelled = await session.get(Action, item.id)
        assert cancelled is not None
        cancelled.status = cancelled.status.CANCELLED
    clock.set(START)
    assert await scan(app, check_in.payload_of(KEY, item), ann.id) is CheckedIn.CANCELLED
    assert await signup(app, item.id, ann.id) is None


async def lead_and_activity(app: App) -> tuple[Chat, Action]:
    chat = Chat(app, 40, language_code="en")
    await onboard(chat)
    lead = await person_of(app, 40)
    assert lead is not None
    garden = await initiative(app, lead, "Garden")
    return chat, await action(app, START, title="Planting", initiative_id=garden.id, capacity=5)


async def test_the_lead_gets_the_code_and_a_neighbour_is_checked_in_with_it(
    app: App, clock: ManualClock
) -> None:
    lead_chat, item = await lead_and_activity(app)
    app.conversation.start_links["telegram"] = links.telegram("wijkbot_test_bot")
    await lead_chat.press("My Wijkbot")
    await lead_chat.press("Garden")
    await lead_chat.press("Check-in QR: Planting")
    (code,) = [reply for reply in lead_chat.answers[-1].replies if reply.picture]
    assert code.picture is not None and (code.picture.data or b"").startswith(b"\x89PNG")
    assert "Check-in for Planting" in code.text
    found = LINK.search(code.text)
    assert found is not None and "wijkbot_test_bot" in found.group(0)
    payload = found.group(1)

    ann = Chat(app, 41, language_code="en")
    await onboard(ann)
    await ann.send(f"/start {payload}")
    assert "Check-in for Planting opens at" in ann.text  # Monday: not today
    clock.set(START - timedelta(minutes=20))
    await ann.send(f"/start {payload}")
    assert "You are signed up and checked in for Planting. Welcome!" in ann.text
    assert "Welcome back" in ann.text  # and the main menu
    await ann.send(f"/start {payload}")
    assert "You are already checked in for Planting." in ann.text
    await ann.send("/start c1_" + "x" * 22)
    assert "This check-in code is not valid" in ann.text

    # someone new scans it: onboarding first, then checked in
    newcomer = Chat(app, 42, language_code="tr")
    await newcomer.send(f"/start {payload}")
    assert "Hoş geldin! Önce birkaç soru" in newcomer.text
    await newcomer.press("Türkçe")
    await newcomer.press("Taagdreef")
    await newcomer.press("✅")
    assert "Planting için kaydın ve girişin yapıldı" in newcomer.text
    person = await person_of(app, 42)
    assert person is not None
    found_signup = await signup(app, item.id, person.id)
    assert found_signup is not None and found_signup.checked_in_at == clock.now()


async def test_a_coordinator_gets_the_code_and_a_resident_may_not(
    app: App, clock: ManualClock
) -> None:
    _, item = await lead_and_activity(app)
    fatima = await coordinator(app)
    await fatima.press("Activities")
    await fatima.press("Check-in QR")
    assert any(reply.picture for reply in fatima.answers[-1].replies)

    ann = Chat(app, 43, language_code="en")
    await onboard(ann)
    await ann.press("Activities")
    assert not [label for label in ann.labels if "Check-in" in label]
    join_payload = ann.button("Join: Planting").payload
    before = await snapshot(app)
    await ann.event(Event.button(join_payload.replace(":join:", ":qr:")))
    assert ann.text == REFUSED
    assert await snapshot(app) == before
    async with app.sessions() as session:
        person = await person_of(app, 43)
        assert person is not None
        with pytest.raises(check_in.NotAllowed):
            await check_in.link_for(session, KEY, item, person.id)


async def test_who_came_in_the_statistics_and_the_export(app: App, clock: ManualClock) -> None:
    fatima = await coordinator(app)
    item = await planting(app)
    other = await action(app, START, title="Coffee")  # no check-in used: left out
    people = [await resident(app, 50 + n) for n in range(3)]
    for person in people:
        await join(app, item.id, person.id)
        await join(app, other.id, person.id)
    clock.set(START)
    payload = check_in.payload_of(app.settings.signing_key(), item)
    for person in people[:2]:
        outcome = await scan(app, payload, person.id, app.settings.signing_key())
        assert outcome is CheckedIn.CHECKED_IN
    async with app.sessions() as session:
        person = await session.get(Person, people[0].id)
        assert person is not None
        (row,) = await statistics.turnout(session, person.neighbourhood_id or 0)
        assert (row.title, row.came, row.did_not_come) == ("Planting", 2, 1)
        tables = await export.export_tables(
            session, person.neighbourhood_id or 0, translator("en"), clock.now()
        )
    activities = tables["activities.csv"].decode("utf-8-sig").splitlines()
    assert activities[0].endswith(";Came;Did not come")
    by_title = {line.split(";")[2]: line for line in activities[1:]}
    assert by_title["Planting"].endswith(";3;0;2;1")
    assert by_title["Coffee"].endswith(";3;0;;")

    await fatima.send("/stats")
    assert "Check-in: who came" in fatima.text
    assert "Planting · March 7, 2026: 2 came, 1 did not come" in fatima.text
    assert "Coffee ·" not in fatima.text


async def test_the_thank_you_goes_to_those_who_came(app: App, clock: ManualClock) -> None:
    item = await planting(app)
    other = await action(app, START, title="Coffee")  # no check-in used there
    people = [await resident(app, 60 + n, locale="en") for n in range(3)]
    for person in people:
        await join(app, item.id, person.id)
    for person in people[1:]:
        await join(app, other.id, person.id)
    clock.set(START)
    assert await scan(app, check_in.payload_of(KEY, item), people[0].id) is CheckedIn.CHECKED_IN
    clock.set(START + timedelta(hours=3))
    async with app.sessions.begin() as session:
        assert await finished_actions(session, clock.now()) == 3  # 1 who came + 2 (no check-in)
    async with app.sessions() as session:
        rows = await session.execute(
            select(Delivery.person_id, Delivery.subject).where(
                Delivery.kind == "celebration_action_done"
            )
        )
        sent = sorted((subject, person_id) for person_id, subject in rows)
    assert sent == sorted(
        [(f"action:{item.id}", people[0].id)]
        + [(f"action:{other.id}", person.id) for person in people[1:]]
    )
    thanks = await pushed(app, people[0].id, "celebration_action_done")
    assert thanks is not None
    assert "Planting has taken place. Thank you for coming! 1 neighbour came." in thanks.text
    as_before = await pushed(app, people[1].id, "celebration_action_done")
    assert as_before is not None
    assert "Coffee has taken place. Thank you, 2 neighbours joined!" in as_before.text


async def test_forgetting_erases_the_check_in(app: App, clock: ManualClock) -> None:
    item = await planting(app)
    ann, bob = await resident(app, 70), await resident(app, 71)
    clock.set(START)
    for person in (ann, bob):
        assert await scan(app, check_in.payload_of(KEY, item), person.id) is CheckedIn.JOINED
    async with app.sessions.begin() as session:
        person = await session.get(Person, ann.id)
        assert person is not None
        await privacy.forget(session, person, clock.now())
    async with app.sessions() as session:
        left = list(await session.scalars(select(Signup).where(Signup.action_id == item.id)))
    assert [(found.person_id, found.checked_in_at is not None) for found in left] == [
        (bob.id, True)
    ]


def test_the_code_is_a_png() -> None:
    png = qr_png("https://t.me/wijkbot?start=c1_" + "A" * 22)
    assert png.startswith(b"\x89PNG")
    with Image.open(io.BytesIO(png)) as picture:
        assert picture.size[0] == picture.size[1] >= 200


async def test_every_language_gets_the_code_and_is_checked_in_in_its_own_words(
    app: App, clock: ManualClock
) -> None:
    """The longest title an activity can have still fits the photo's caption, in every
    language; and whoever scans hears it in their own language."""
    app.conversation.start_links["telegram"] = links.telegram("wijkbot_test_bot")
    title = "Planting " + "x" * 191  # the 200 characters an activity's title may have
    for n, locale in enumerate(SUPPORTED_LOCALES):
        t = translator(locale)
        lead = await resident(app, 100 + n, locale=locale)
        garden = await initiative(app, lead, f"Garden {locale}")
        item = await action(app, START, title=title, initiative_id=garden.id)
        lead_chat = Chat(app, 100 + n, language_code=locale)
        await lead_chat.send("/start")
        await lead_chat.press("👤")
        await lead_chat.press(f"Garden {locale}")
        await lead_chat.press("📷")
        (code,) = [reply for reply in lead_chat.answers[-1].replies if reply.picture]
        assert visible_length(code.text) <= CAPTION_LIMIT
        assert t._("Check-in QR: {title}", title="")[:6] in "".join(
            label for label in lead_chat.labels
        )
        found = LINK.search(code.text)
        assert found is not None

        clock.set(START)
        neighbour = await resident(app, 200 + n, locale=locale)
        chat = Chat(app, 200 + n, language_code=locale)
        await chat.send(f"/start {found.group(1)}")
        said = t._("✅ You are signed up and checked in for {title}. Welcome!", title=title)
        assert said in chat.text
        if locale != "en":
            assert "signed up and checked in" not in said  # translated
        assert (await signup(app, item.id, neighbour.id)) is not None
        clock.set(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))


async def test_the_code_is_still_at_hand_once_the_activity_has_begun(
    app: App, clock: ManualClock
) -> None:
    lead_chat, item = await lead_and_activity(app)
    fatima = await coordinator(app)
    ann = await resident(app, 44)
    clock.set(START - timedelta(minutes=30))  # coming, and check-in is open
    key = app.settings.signing_key()
    assert await scan(app, check_in.payload_of(key, item), ann.id, key) is CheckedIn.JOINED
    await lead_chat.send("/start")
    await lead_chat.press("My Wijkbot")
    await lead_chat.press("Garden")
    assert "1 signed up: 0 confirmed, 1 not answered yet · 1 checked in" in lead_chat.text

    clock.set(START + timedelta(hours=3))  # begun: no longer among the coming activities
    await lead_chat.send("/start")
    await lead_chat.press("My Wijkbot")
    await lead_chat.press("Garden")
    assert "Planting" not in lead_chat.text
    await lead_chat.press("Check-in QR: Planting")
    assert any(reply.picture for reply in lead_chat.answers[-1].replies)
    await fatima.send("/start")
    await fatima.press("Activities")
    await fatima.press("Check-in QR: Planting")
    assert any(reply.picture for reply in fatima.answers[-1].replies)

    clock.set(MIDNIGHT)  # the day is over: no code offered any more
    await fatima.send("/start")
    await fatima.press("Activities")
    assert not [label for label in fatima.labels if "Check-in" in label]
