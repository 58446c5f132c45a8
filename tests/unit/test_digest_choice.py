"""The weekly news grouped per initiative, newest first, on the day and hour each person chose."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot.app import App
from bot.clock import ManualClock
from bot.domain.models import (
    Action,
    ActionStatus,
    Delivery,
    InitiativeStatus,
    Person,
    ProgressUpdate,
    Result,
)
from bot.i18n import translator
from bot.jobs.sweeps import weekly_digest
from tests.chat import Chat, onboard, pushed
from tests.factories import initiative, person_of, resident

MONDAY = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # 09:00 in Amsterdam


async def sweep(app: App) -> int:
    async with app.sessions.begin() as session:
        return await weekly_digest(session, app.clock.now())


async def digest_people(app: App) -> set[int]:
    async with app.sessions() as session:
        found = await session.scalars(
            select(Delivery.person_id).where(Delivery.kind == "weekly_digest")
        )
        return set(found)


async def news_of_the_week(app: App, clock: ManualClock) -> None:
    """A garden (approved on Monday, an update on Tuesday, an activity on Wednesday), a café
    with a result on Thursday, and the neighbourhood's own result on Tuesday evening."""
    owner = await resident(app, 500, first_name="Ayşe")
    clock.set(MONDAY + timedelta(hours=2))
    garden = await initiative(app, owner, "Garden <Taagdreef>")
    cafe = await initiative(app, owner, "Repair café", status=InitiativeStatus.SUBMITTED)
    assert owner.neighbourhood_id is not None
    async with app.sessions.begin() as session:
        session.add(
            ProgressUpdate(
                initiative_id=garden.id,
                text="First tomatoes & beans",
                created_at=MONDAY + timedelta(days=1),
            )
        )
        session.add(
            Result(
                neighbourhood_id=owner.neighbourhood_id,
                text="Street swept",
                published_at=MONDAY + timedelta(days=1, hours=10),
            )
        )
        session.add(
            Action(
                neighbourhood_id=owner.neighbourhood_id,
                initiative_id=garden.id,
                title="Planting day",
                starts_at=MONDAY + timedelta(days=10),
                status=ActionStatus.OPEN,
                created_at=MONDAY + timedelta(days=2),
            )
        )
        session.add(
            Result(
                neighbourhood_id=owner.neighbourhood_id,
                initiative_id=cafe.id,
                text="12 lamps repaired",
                number=12,
                published_at=MONDAY + timedelta(days=3),
            )
        )


async def test_the_day_and_hour_each_person_chose(app: App, clock: ManualClock) -> None:
    clock.set(MONDAY - timedelta(days=1))
    ann = Chat(app, 70, language_code="en")
    await onboard(ann)
    await ann.press("Notifications")
    assert "📰 Weekly news: Monday 09:00" in ann.labels
    await ann.press("📰 Weekly news")
    assert "On which day do you want the weekly news?" in ann.text
    await ann.press("Friday")
    assert "At what time on Friday?" in ann.text
    await ann.press("19:00")
    assert "The weekly news now comes on Friday 19:00." in ann.text
    assert "📰 Weekly news: Friday 19:00" in ann.labels
    stored = await person_of(app, 70)
    assert stored is not None and (stored.digest_day, stored.digest_hour) == (4, 19)
    bo = await resident(app, 71, locale="pl")

    await news_of_the_week(app, clock)
    clock.set(datetime(2026, 3, 6, 17, 59, tzinfo=UTC))  # Friday 18:59 in Amsterdam
    assert await sweep(app) == 0
    clock.set(datetime(2026, 3, 6, 18, 0, tzinfo=UTC))
    assert await sweep(app) == 1
    assert await digest_people(app) == {stored.id}
    clock.advance(timedelta(hours=4))
    assert await sweep(app) == 0  # once a week, however often the sweep runs
    clock.set(datetime(2026, 3, 7, 18, 0, tzinfo=UTC))  # Saturday: not her day
    assert await sweep(app) == 0

    clock.set(datetime(2026, 3, 9, 8, 0, tzinfo=UTC))  # Monday 09:00: everyone else
    assert await sweep(app) >= 2
    people = await digest_people(app)
    assert bo.id in people
    async with app.sessions() as session:
        friday = await session.scalar(
            select(func.count(Delivery.id)).where(
                Delivery.kind == "weekly_digest", Delivery.person_id == stored.id
            )
        )
    assert friday == 1  # Ann's week was Friday's


async def test_news_grouped_per_initiative_newest_first(app: App, clock: ManualClock) -> None:
    await news_of_the_week(app, clock)
    reader = await resident(app, 72, locale="en")
    clock.set(datetime(2026, 3, 6, 9, 0, tzinfo=UTC))  # Friday, within the week
    async with app.sessions.begin() as session:
        person = await session.get(Person, reader.id)
        assert person is not None
        person.digest_day, person.digest_hour = 4, 9
    assert await sweep(app) == 1
    digest = await pushed(app, reader.id, "weekly_digest")
    assert digest is not None and digest.picture is not None
    text = digest.text
    assert "📰 <b>News per initiative</b>" in text
    order = [
        "<b>Repair café</b>",  # Thursday's result
        "🏆 12 lamps repaired <b>12</b>",
        "<b>Garden &lt;Taagdreef&gt;</b>",  # Wednesday's activity, Tuesday's update, Monday
        "📅 Planting day",
        "📣 First tomatoes &amp; beans",
        "✨ New initiative",
        "<b>In the neighbourhood</b>",  # Tuesday evening's result of nobody's initiative
        "🏆 Street swept",
    ]
    places = [text.index(line) for line in order]
    assert places == sorted(places)


async def test_a_long_week_is_bounded(app: App, clock: ManualClock) -> None:
    owner = await resident(app, 500)
    reader = await resident(app, 73, locale="uk")
    clock.set(MONDAY + timedelta(hours=1))
    items = [await initiative(app, owner, f"Initiative {n} " + "x" * 60) for n in range(9)]
    async with app.sessions.begin() as session:
        for n, item in enumerate(items):
            for k in range(4):
                session.add(
                    ProgressUpdate(
                        initiative_id=item.id,
                        text="😀" * 200,
                        created_at=MONDAY + timedelta(hours=2 + n, minutes=k),
                    )
                )
    clock.set(datetime(2026, 3, 9, 8, 0, tzinfo=UTC))
    assert await sweep(app) >= 1
    t = translator("uk")
    digest = await pushed(app, reader.id, "weekly_digest")  # a Reply refuses over 1024
    assert digest is not None
    assert t._("News per initiative") in digest.text
    assert t.n_("… and {n} more", "… and {n} more", 2)[:3] in digest.text
    assert "Initiative 8" in digest.text and "Initiative 0" not in digest.text  # newest first


async def test_the_digest_in_every_language(app: App, clock: ManualClock) -> None:
    await news_of_the_week(app, clock)
    reader = await resident(app, 74)
    clock.set(datetime(2026, 3, 9, 8, 0, tzinfo=UTC))
    assert await sweep(app) >= 1
    for locale in ("nl", "en", "tr", "ar", "pl", "uk"):
        async with app.sessions.begin() as session:
            person = await session.get(Person, reader.id)
            assert person is not None
            person.locale = locale
        digest = await pushed(app, reader.id, "weekly_digest")
        t = translator(locale)
        assert digest is not None
        assert t._("News per initiative") in digest.text
        assert t._("New initiative") in digest.text
        if locale != "en":
            assert t._("News per initiative") != "News per initiative", locale
