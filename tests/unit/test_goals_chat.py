"""Goals in the chat: residents see them in 🏠 My buurt; coordinators list, add and count them."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import App
from bot.chat.events import Event
from bot.domain.models import AuditEntry, Goal, GoalMeasure, Role
from bot.i18n import LANGUAGE_NAMES, translator
from tests.chat import REFUSED, Chat, coordinator, onboard, person_with
from tests.factories import initiative, new_invite, resident, snapshot

MEETING_PLACES = "living-together-meeting-places"


async def goal_id(app: App, slug: str) -> int:
    async with app.sessions() as session:
        found = await session.scalar(select(Goal.id).where(Goal.slug == slug))
    assert found is not None
    return found


async def coordinator_in(app: App, user_id: int, language: str) -> Chat:
    chat = Chat(app, user_id, first_name="Fatima", language_code=language)
    await chat.send(f"/start {await new_invite(app, Role.COORDINATOR)}")
    await chat.press(LANGUAGE_NAMES[language])
    await chat.press("Taagdreef")
    await chat.press("✅")
    return chat


async def test_a_resident_sees_the_goals_with_a_bar_in_my_buurt(app: App) -> None:
    owner = await resident(app, 1)
    garden = await initiative(app, owner, "Moestuin <Taagdreef>")  # living together, approved
    chat = Chat(app, 2, language_code="en")
    await onboard(chat)
    await chat.press("My buurt")
    assert "Your buurt: Taagdreef, Overvecht" in chat.text
    assert "🎯 <b>Our goals</b>" in chat.text
    assert "💚 <b>Residents take part in health activities</b>" in chat.text
    assert "🤝 <b>Places where neighbours meet every week</b>" in chat.text
    assert "▓▓▓░░░░░░░ 37% · 3 of 8 · 2026-2027" in chat.text
    assert "▓░░░░░░░░░ 10% · 1 of 10 · 2026-2027" in chat.text  # the garden counts
    await chat.press("Initiatives for living together")
    assert "Initiatives that count towards it" in chat.text
    await chat.press("Moestuin <Taagdreef>")
    assert "Moestuin &lt;Taagdreef&gt;" in chat.text and "👍 Support" in chat.labels
    await chat.press("Support")
    assert "Thank you for your support!" in chat.text
    await chat.press("« Back")
    assert "Initiatives that count towards it" in chat.text
    assert garden.id


async def test_the_goals_page_in_arabic_and_turkish(app: App) -> None:
    for user_id, language, title, percent in (
        (3, "ar", "أماكن يلتقي فيها الجيران كل أسبوع", "37%"),
        (4, "tr", "Komşuların her hafta buluştuğu yerler", "%37"),
    ):
        chat = Chat(app, user_id, language_code=language)
        await onboard(chat, LANGUAGE_NAMES[language])
        t = translator(language)
        await chat.press(t._("My buurt"))
        assert t._("Our goals") in chat.text
        assert title in chat.text and f"▓▓▓░░░░░░░ {percent}" in chat.text
        assert t._("{value} of {target}", value="3", target="8") in chat.text


async def test_my_buurt_still_changes_the_buurt(app: App) -> None:
    chat = Chat(app, 15, language_code="en")
    await onboard(chat, area="Taagdreef")
    await chat.press("My buurt")
    await chat.press("Change my buurt")
    await chat.press("« Back")
    assert "Our goals" in chat.text
    await chat.press("Change my buurt")
    await chat.press("Tigrisdreef")
    assert "Your buurt is now Tigrisdreef, Overvecht." in chat.text


async def test_a_coordinator_adds_a_goal_and_wrong_answers_are_asked_again(app: App) -> None:
    fatima = await coordinator(app)
    await fatima.press("🎯 Goals")
    assert "🎯 <b>Goals</b>" in fatima.text and "Residents take part in health" in fatima.text
    await fatima.press("New goal")
    await fatima.send("Health")  # typed instead of pressed: asked again
    assert "For which theme is the goal?" in fatima.text
    await fatima.press("Health")
    await fatima.send_other("sticker")
    assert "Please type it as a text message." in fatima.text
    await fatima.send("x" * 101)
    assert "That is 101 characters (an emoji counts as 2); at most 100 fit." in fatima.text
    await fatima.send("Walks <together>")
    await fatima.press("Counted by hand")
    assert "All of them" not in fatima.labels  # only for commitments
    await fatima.send("many")
    assert "Please type a number, for example 4." in fatima.text
    await fatima.send("0")
    assert "Please type a number from 1 to 10000000." in fatima.text
    await fatima.send("12")
    await fatima.send("soon")
    assert "Please type a year, such as 2027, or two dates" in fatima.text
    await fatima.send("31-8-2027 1-9-2026")
    assert "The second date is before the first." in fatima.text
    await fatima.send("1-9-2026 31-8-2027")
    assert "Saved: Walks &lt;together&gt;" in fatima.text
    assert "Walks &lt;together&gt;</b>\n░░░░░░░░░░ 0% · 0 of 12 · 9/2026-8/2027" in fatima.text
    async with app.sessions() as session:
        goal = await session.scalar(select(Goal).where(Goal.slug.is_(None)))
        line = await session.scalar(select(AuditEntry).where(AuditEntry.action == "goal.created"))
    assert goal is not None and goal.titles == {"en": "Walks <together>"}
    assert (goal.measure, goal.target, goal.counted) == (GoalMeasure.BY_HAND, 12, 0)
    assert line is not None and line.subject_id == goal.id


async def test_all_commitments_is_a_target_only_for_commitments(app: App) -> None:
    fatima = await coordinator(app)
    await fatima.press("🎯 Goals")
    await fatima.press("New goal")
    await fatima.press("Safety")
    await fatima.send("Lights fixed")
    await fatima.press("Commitments of partners kept")
    await fatima.press("All of them")
    await fatima.press("2027")
    assert "Saved: Lights fixed" in fatima.text
    async with app.sessions() as session:
        goal = await session.scalar(select(Goal).where(Goal.slug.is_(None)))
    assert goal is not None and goal.target is None
    assert goal.measure is GoalMeasure.COMMITMENTS_KEPT


async def test_a_coordinator_counts_by_hand_in_arabic_and_residents_see_it(app: App) -> None:
    fatima = await coordinator_in(app, 901, "ar")
    t = translator("ar")
    await fatima.press(t._("Goals"))
    await fatima.press("أماكن يلتقي فيها")
    assert t._("Latest count: {note}", note="Buurthuis").split("Buurthuis")[0] in fatima.text
    await fatima.press(t._("Update the count"))
    await fatima.send("خمسة")  # not digits: asked again
    assert t._("Please type a number, for example 4.") in fatima.text
    await fatima.send("5")
    await fatima.send("مكانان جديدان <في> Zambesidreef")
    assert t._("Saved.") in fatima.text
    assert "مكانان جديدان &lt;في&gt; Zambesidreef" in fatima.text
    assert "▓▓▓▓▓▓░░░░ 62%" in fatima.text

    ann = Chat(app, 5, language_code="en")
    await onboard(ann)
    await ann.press("My buurt")
    assert "▓▓▓▓▓▓░░░░ 62% · 5 of 8" in ann.text
    async with app.sessions() as session:
        line = await session.scalar(select(AuditEntry).where(AuditEntry.action == "goal.counted"))
    assert line is not None and line.details == {"before": 3, "value": 5}


async def test_a_goal_counted_by_wijkbot_offers_no_count(app: App) -> None:
    fatima = await coordinator(app)
    await fatima.press("🎯 Goals")
    await fatima.press("Residents take part in health")
    assert "Counts: Residents who join activities" in fatima.text
    assert "Update the count" not in " ".join(fatima.labels)
    version = fatima.button("« Back").payload.split(":")[1]
    await fatima.event(Event.button(f"d:{version}:count:"))  # forged: nothing to count
    assert "Counts: Residents who join activities" in fatima.text


async def test_a_coordinator_elsewhere_cannot_open_or_count_overvechts_goals(app: App) -> None:
    outsider = await person_with(app, "coordinator elsewhere", 601)
    await outsider.send("/goals")
    assert "No goals set yet." in outsider.text  # Lansingerland has none
    before = await snapshot(app)
    version = outsider.button("New goal").payload.split(":")[1]
    target = await goal_id(app, MEETING_PLACES)
    await outsider.event(Event.button(f"d:{version}:open:{target}"))
    assert REFUSED in outsider.text
    assert await snapshot(app) == before


async def test_residents_do_not_reach_the_coordinators_goals(app: App) -> None:
    ann = await person_with(app, "resident", 602)
    await ann.send("/goals")
    assert "Sorry, only coordinators of this neighbourhood can do that." in ann.text
    answer = await ann.event(Event.button(f"d:1:open:{await goal_id(app, MEETING_PLACES)}"))
    assert answer.notice == "This button is no longer active."


async def test_goals_come_a_page_at_a_time(app: App) -> None:
    chat = Chat(app, 16, language_code="en")
    await onboard(chat)
    await chat.press("My buurt")
    assert "All commitments of partners on safety kept" not in chat.text  # the sixth goal
    assert "1/2" in chat.labels
    await chat.press("▶")
    assert "All commitments of partners on safety kept" in chat.text
    assert "▶" not in chat.labels and "◀" in chat.labels
    await chat.press("All commitments of partners on safety")
    assert "░░░░░░░░░░ 0% · 0 of 0 · 2027" in chat.text
