"""Goals are celebrated at 25, 50, 75 and 100 %, each once, in every recipient's language; the
weekly news says how they are coming along."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import event, select

from bot.app import App
from bot.clock import ManualClock
from bot.delivery.kinds import KINDS, RenderContext
from bot.domain import goals
from bot.domain.models import Delivery, Goal, GoalMeasure, Person, Result
from bot.i18n import translator
from bot.jobs.sweeps import goal_celebrations, weekly_digest
from tests.chat import person_with
from tests.factories import initiative, person_of, resident

PLACES = "living-together-meeting-places"  # by hand, 3 of 8 in the example
INITIATIVES = "living-together-initiatives"  # approved initiatives, target 10


async def sweep(app: App, job) -> int:  # type: ignore[no-untyped-def]
    async with app.sessions.begin() as session:
        return await job(session, app.clock.now())


async def celebrations(app: App) -> list[tuple[int, str, str]]:
    async with app.sessions() as session:
        rows = await session.execute(
            select(Delivery.person_id, Delivery.subject, Delivery.period)
            .where(Delivery.kind == "celebration_goal")
            .order_by(Delivery.id)
        )
        return [tuple(row) for row in rows]


async def goal(app: App, slug: str) -> Goal:
    async with app.sessions() as session:
        found = await session.scalar(select(Goal).where(Goal.slug == slug))
    assert found is not None
    return found


async def count(app: App, value: int) -> None:
    """What a coordinator counts by hand for the meeting places."""
    async with app.sessions.begin() as session:
        found = await session.scalar(select(Goal).where(Goal.slug == PLACES))
        assert found is not None
        found.counted = value


async def render(app: App, person_id: int, locale: str, period: str) -> str:
    async with app.sessions() as session:
        delivery = await session.scalar(
            select(Delivery).where(
                Delivery.person_id == person_id,
                Delivery.kind == "celebration_goal",
                Delivery.period == period,
            )
        )
        person = await session.get(Person, person_id)
        assert delivery is not None and person is not None
        context = RenderContext(
            session, person, translator(locale), app.settings.zone, app.clock.now()
        )
        reply = await KINDS["celebration_goal"].render(context, delivery)
    assert reply is not None
    return reply.text


async def test_each_threshold_is_celebrated_once(app: App, clock: ManualClock) -> None:
    ann, layla = await resident(app, 1), await resident(app, 2, locale="ar")
    gone = await resident(app, 3)
    async with app.sessions.begin() as session:
        person = await session.get(Person, gone.id)
        assert person is not None
        person.unreachable_at = clock.now()
    places = f"goal:{(await goal(app, PLACES)).id}"

    assert (await goal(app, PLACES)).celebrated == 25  # it started at 3 of 8: not news
    assert await sweep(app, goal_celebrations) == 0

    clock.advance(timedelta(days=3))
    await count(app, 4)  # 50 %
    assert await sweep(app, goal_celebrations) == 2
    assert await sweep(app, goal_celebrations) == 0  # running twice sends nothing twice
    await count(app, 3)  # falls back ...
    assert await sweep(app, goal_celebrations) == 0
    await count(app, 4)  # ... and rises again: 50 % was celebrated already
    assert await sweep(app, goal_celebrations) == 0

    clock.advance(timedelta(days=30))
    await count(app, 8)  # from 50 % straight to 100 %: the highest passed is celebrated
    bo = await resident(app, 4, locale="pl")  # new in the neighbourhood: hears what comes now
    assert await sweep(app, goal_celebrations) == 3
    await count(app, 12)
    assert await sweep(app, goal_celebrations) == 0
    assert {subject for _, subject, _ in await celebrations(app)} == {places}
    assert [(period, person) for person, _, period in await celebrations(app)] == [
        ("50", ann.id),
        ("50", layla.id),
        ("100", ann.id),
        ("100", layla.id),
        ("100", bo.id),
    ]
    async with app.sessions() as session:
        assert (await session.get(Goal, (await goal(app, PLACES)).id)).celebrated == 100  # type: ignore[union-attr]


async def test_a_goal_counted_from_wijkbots_data_is_celebrated_too(app: App) -> None:
    owner = await resident(app, 1)
    assert await sweep(app, goal_celebrations) == 0
    for title in ("Garden", "Coffee", "Books"):
        await initiative(app, owner, title)  # approved now, in the goal's period: 30 %
    assert await sweep(app, goal_celebrations) == 1
    subject = f"goal:{(await goal(app, INITIATIVES)).id}"
    assert (owner.id, subject, "25") in await celebrations(app)


async def test_a_celebration_in_the_recipients_language(app: App) -> None:
    ann, layla = await resident(app, 1), await resident(app, 2, locale="ar")
    ayse = await resident(app, 3, locale="tr")
    await count(app, 8)
    await sweep(app, goal_celebrations)
    ar, tr = translator("ar"), translator("tr")
    arabic = await render(app, layla.id, "ar", "100")
    assert ar._("Goal reached in {neighbourhood}!", neighbourhood="Overvecht") in arabic
    assert "أماكن يلتقي فيها الجيران كل أسبوع" in arabic and "▓▓▓▓▓▓▓▓▓▓ 100%" in arabic
    dutch = await render(app, ann.id, "nl", "100")
    assert "🎉 Doel gehaald in Overvecht!" in dutch
    assert "Plekken waar buren elkaar elke week ontmoeten" in dutch
    assert "8 van 8" in dutch

    await count(app, 5)  # when it is sent, the bar shows the goal as it is then
    turkish = await render(app, ayse.id, "tr", "100")
    assert tr._("Goal reached in {neighbourhood}!", neighbourhood="Overvecht") in turkish
    assert "▓▓▓▓▓▓░░░░ %62" in turkish


async def test_a_celebration_that_names_no_threshold_says_nothing(app: App) -> None:
    ann = await resident(app, 1)
    await count(app, 4)
    await sweep(app, goal_celebrations)
    async with app.sessions.begin() as session:
        delivery = await session.scalar(select(Delivery))
        assert delivery is not None
        delivery.period = "soon"
    async with app.sessions() as session:
        delivery = await session.scalar(select(Delivery))
        person = await session.get(Person, ann.id)
        assert delivery is not None and person is not None
        context = RenderContext(
            session, person, translator("nl"), app.settings.zone, app.clock.now()
        )
        assert await KINDS["celebration_goal"].render(context, delivery) is None


async def test_the_celebration_sweep_does_not_grow_with_residents(app: App) -> None:
    counts = []
    for extra in (5, 50):
        for i in range(extra):
            await resident(app, 1000 * extra + i)
        await count(app, 4 if extra == 5 else 6)  # a new threshold each round: 50 %, 75 %
        statements: list[str] = []

        def note(*args: object, statements: list[str] = statements) -> None:
            statements.append(str(args[2]))

        event.listen(app.engine.sync_engine, "before_cursor_execute", note)
        await sweep(app, goal_celebrations)
        event.remove(app.engine.sync_engine, "before_cursor_execute", note)
        counts.append(len(statements))
    assert counts[0] == counts[1]


async def test_the_weekly_news_says_how_the_goals_are_coming_along(
    app: App, clock: ManualClock
) -> None:
    ayse = await resident(app, 1, locale="tr")
    await count(app, 8)
    clock.set(datetime(2026, 3, 9, 8, 30, tzinfo=UTC))  # Monday 09:30 in Amsterdam
    async with app.sessions.begin() as session:
        assert ayse.neighbourhood_id is not None
        session.add(
            Result(neighbourhood_id=ayse.neighbourhood_id, text="A", published_at=clock.now())
        )
    assert await sweep(app, weekly_digest) == 1
    async with app.sessions() as session:
        delivery = await session.scalar(select(Delivery).where(Delivery.kind == "weekly_digest"))
        person = await session.get(Person, ayse.id)
        assert delivery is not None and person is not None
        t = translator("tr")
        context = RenderContext(session, person, t, app.settings.zone, clock.now())
        reply = await KINDS["weekly_digest"].render(context, delivery)
        found = await goals.progress(session, ayse.neighbourhood_id)
    assert reply is not None
    assert "🎯 " + t._("Our goals: {n} of {total} reached", n="1", total="6") in reply.text
    # The three closest to their target, without the one reached: 0 % each in March 2026.
    assert reply.text.count("░░░░░░░░░░ %0") == 3
    assert len(found) == 6


async def test_a_new_goal_celebrates_only_what_comes_after_it(app: App) -> None:
    owner = await resident(app, 1)
    for title in ("Garden", "Coffee", "Books"):
        await initiative(app, owner, title)  # 30 % of a goal that is not there yet
    fatima = await coordinator_id(app)
    async with app.sessions.begin() as session:
        found = await session.scalar(select(Goal).where(Goal.slug == INITIATIVES))
        assert found is not None
        await goals.create(
            session,
            fatima,
            neighbourhood_id=found.neighbourhood_id,
            theme_id=found.theme_id,
            title="Ten more",
            locale="en",
            measure=GoalMeasure.INITIATIVES,
            target=10,
            starts_on=found.starts_on,
            ends_on=found.ends_on,
            now=app.clock.now(),
        )
    # The example's goal was set before and passed 25 %: Bram and Fatima hear it. The new
    # goal started at 30 %: nothing.
    example = f"goal:{(await goal(app, INITIATIVES)).id}"
    assert await sweep(app, goal_celebrations) == 2
    assert {(subject, period) for _, subject, period in await celebrations(app)} == {
        (example, "25")
    }
    await initiative(app, owner, "Choir")
    await initiative(app, owner, "Walks")  # 50 %, for both
    assert await sweep(app, goal_celebrations) == 4
    assert [period for _, _, period in await celebrations(app)] == ["25"] * 2 + ["50"] * 4


async def coordinator_id(app: App) -> int:
    await person_with(app, "coordinator", 900)
    found = await person_of(app, 900)
    assert found is not None
    return found.id
