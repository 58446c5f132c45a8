"""The neighbourhood's goals: loaded from the file, counted from Wijkbot's own data, or by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import yaml
from sqlalchemy import select

from bot.app import App
from bot.domain import goals, neighbourhoods
from bot.domain.errors import InvalidNeighbourhoodFile, NotAllowed
from bot.domain.models import (
    AuditEntry,
    Commitment,
    CommitmentStatus,
    Goal,
    GoalMeasure,
    InitiativeStatus,
    Neighbourhood,
    Result,
    Theme,
)
from tests.chat import person_with
from tests.conftest import EXAMPLES
from tests.factories import action, initiative, join, organisation, person_of, resident

IN_2027 = datetime(2027, 5, 1, 10, 0, tzinfo=UTC)
IN_2028 = datetime(2028, 1, 1, 10, 0, tzinfo=UTC)


async def overvecht(app: App) -> int:
    async with app.sessions() as session:
        found = await session.scalar(
            select(Neighbourhood.id).where(Neighbourhood.slug == "overvecht")
        )
    assert found is not None
    return found


async def progress_of(app: App, slug: str) -> goals.Progress:
    async with app.sessions() as session:
        found = await goals.progress(session, await overvecht(app))
    (wanted,) = [item for item in found if item.goal.slug == slug]
    return wanted


async def theme_id(app: App, slug: str) -> int:
    async with app.sessions() as session:
        found = await session.scalar(select(Theme.id).where(Theme.slug == slug))
    assert found is not None
    return found


async def goal_on(app: App, slug: str, measure: GoalMeasure, target: int | None) -> None:
    """Aim the example's `living-together-initiatives` goal (the theme the factories use)
    at another measure, over 2027."""
    async with app.sessions.begin() as session:
        goal = await session.scalar(select(Goal).where(Goal.slug == slug))
        assert goal is not None
        goal.measure, goal.target = measure, target
        goal.starts_on, goal.ends_on = date(2027, 1, 1), date(2027, 12, 31)


async def test_the_example_carries_goals_for_its_five_themes(app: App) -> None:
    async with app.sessions() as session:
        found = await goals.progress(session, await overvecht(app))
        themes = {(await session.get(Theme, item.goal.theme_id)).slug for item in found}  # type: ignore[union-attr]
    assert themes == {"health", "parenting", "living-together", "work", "safety"}
    by_hand = [item for item in found if item.goal.measure is GoalMeasure.BY_HAND]
    assert [(item.value, item.target, item.percent) for item in by_hand] == [(3, 8, 37)]
    titles = found[0].goal.titles
    assert titles["ar"] == "السكان يشاركون في أنشطة صحية" and found[0].goal.title_in("uk")


async def test_loading_again_keeps_what_a_coordinator_counted(app: App) -> None:
    async with app.sessions.begin() as session:
        goal = await session.scalar(
            select(Goal).where(Goal.slug == "living-together-meeting-places")
        )
        assert goal is not None
        goal.counted = 6
    document = yaml.safe_load((EXAMPLES / "overvecht.yaml").read_text(encoding="utf-8"))
    document["goals"][3]["target"] = 9
    async with app.sessions.begin() as session:
        await neighbourhoods.load(session, neighbourhoods.parse(document), app.clock.now())
    item = await progress_of(app, "living-together-meeting-places")
    assert (item.value, item.target) == (6, 9)
    async with app.sessions() as session:
        assert len(list(await session.scalars(select(Goal)))) == 6  # matched by slug, not added


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"theme": "sport"}, "goals.0.theme: no theme 'sport' in this file"),
        ({"target": "all"}, 'goals.0: target "all" is only for commitments_kept'),
        ({"period": {"from": "2027-02-01", "until": "2027-01-01"}}, "goals.0.period: until is"),
        ({"period": 1999}, "goals.0.period: a year from 2000 to 2100"),
        ({"titles": {"en": "Only English"}}, "goals.0.titles lack nl"),
        ({"measure": "hours"}, "goals.0.measure"),
    ],
)
def test_a_wrong_goal_in_the_file_is_named(change: dict, message: str) -> None:
    document = yaml.safe_load((EXAMPLES / "overvecht.yaml").read_text(encoding="utf-8"))
    document["goals"][0].update(change)
    with pytest.raises(InvalidNeighbourhoodFile, match=message.replace("(", r"\(")):
        neighbourhoods.parse(document)


async def test_participants_are_counted_once_per_person_within_the_period(app: App) -> None:
    await goal_on(app, "living-together-initiatives", GoalMeasure.PARTICIPANTS, 4)
    owner = await resident(app, 1)
    garden = await initiative(app, owner, "Garden")
    other = await initiative(app, owner, "Other", status=InitiativeStatus.SUBMITTED)
    first = await action(app, IN_2027, initiative_id=garden.id)
    second = await action(app, IN_2027, initiative_id=garden.id)
    outside = await action(app, IN_2028, initiative_id=garden.id)
    ann, bob = await resident(app, 2), await resident(app, 3)
    for person in (ann, bob):
        await join(app, first.id, person.id)
    await join(app, second.id, ann.id)  # the same person again: still one
    await join(app, outside.id, owner.id)  # after the period
    unrelated = await action(app, IN_2027, initiative_id=other.id)
    await join(app, unrelated.id, owner.id)  # counts, but its initiative is not shown
    item = await progress_of(app, "living-together-initiatives")
    assert (item.value, item.target, item.percent, item.reached) == (3, 4, 75, 75)
    assert item.contributing == (garden.id,)


async def test_initiatives_count_when_approved_in_the_period(app: App) -> None:
    owner = await resident(app, 1)
    await initiative(app, owner, "Before", decided_at=datetime(2025, 12, 31, 22, 0, tzinfo=UTC))
    inside = await initiative(app, owner, "Inside")  # the test clock: March 2026
    await initiative(app, owner, "Waiting", status=InitiativeStatus.SUBMITTED)
    item = await progress_of(app, "living-together-initiatives")
    # 31-12-2025 23:00 in Amsterdam is before the period; 2026 in Amsterdam is inside.
    assert (item.value, item.target, item.percent, item.contributing) == (1, 10, 10, (inside.id,))


async def test_result_numbers_are_added_up(app: App) -> None:
    await goal_on(app, "living-together-initiatives", GoalMeasure.RESULT_NUMBERS, 40)
    owner = await resident(app, 1)
    garden = await initiative(app, owner, "Garden")
    async with app.sessions.begin() as session:
        for number, when in ((12, IN_2027), (8, IN_2027), (None, IN_2027), (50, IN_2028)):
            session.add(
                Result(
                    neighbourhood_id=garden.neighbourhood_id,
                    initiative_id=garden.id,
                    text="Harvest",
                    number=number,
                    published_at=when,
                )
            )
    item = await progress_of(app, "living-together-initiatives")
    assert (item.value, item.percent, item.contributing) == (20, 50, (garden.id,))


async def test_commitments_kept_against_all_of_them(app: App) -> None:
    mitros = await organisation(app)
    safety = await theme_id(app, "safety")
    neighbourhood_id = await overvecht(app)
    now = app.clock.now()
    async with app.sessions.begin() as session:
        for status in (CommitmentStatus.DONE, CommitmentStatus.OPEN, CommitmentStatus.DONE):
            session.add(
                Commitment(
                    neighbourhood_id=neighbourhood_id,
                    organisation_id=mitros,
                    theme_id=safety,
                    what="Lights",
                    status=status,
                    created_at=now,
                    updated_at=now,
                )
            )
    item = await progress_of(app, "safety-commitments")
    assert (item.value, item.target, item.percent) == (2, 3, 66)
    await goal_on(app, "safety-commitments", GoalMeasure.COMMITMENTS_KEPT, 2)
    item = await progress_of(app, "safety-commitments")
    assert (item.value, item.target, item.percent, item.reached) == (2, 2, 100, 100)


async def test_a_goal_of_all_commitments_without_any_is_at_nothing(app: App) -> None:
    item = await progress_of(app, "safety-commitments")
    assert (item.value, item.target, item.percent, item.reached) == (0, 0, 0, 0)


async def test_counting_by_hand_is_for_coordinators_of_that_neighbourhood(app: App) -> None:
    await person_with(app, "coordinator", 10)
    await person_with(app, "coordinator elsewhere", 11)
    here, elsewhere = await person_of(app, 10), await person_of(app, 11)
    assert here is not None and elsewhere is not None
    now = app.clock.now()
    async with app.sessions.begin() as session:
        goal = await session.scalar(
            select(Goal).where(Goal.slug == "living-together-meeting-places")
        )
        assert goal is not None
        await goals.count_by_hand(session, here.id, goal, 5, "Two more places", now)
    for who, slug in (
        (elsewhere.id, "living-together-meeting-places"),
        (here.id, "health-participants"),
    ):
        with pytest.raises(NotAllowed):
            async with app.sessions.begin() as session:
                goal = await session.scalar(select(Goal).where(Goal.slug == slug))
                assert goal is not None
                await goals.count_by_hand(session, who, goal, 7, "Forged", now)
    item = await progress_of(app, "living-together-meeting-places")
    assert (item.value, item.goal.note, item.percent) == (5, "Two more places", 62)
    async with app.sessions() as session:
        lines = list(
            await session.scalars(select(AuditEntry).where(AuditEntry.action == "goal.counted"))
        )
    assert [(line.actor_id, line.details) for line in lines] == [
        (here.id, {"before": 3, "value": 5})
    ]


async def test_a_new_goal_only_in_the_coordinators_own_neighbourhood(app: App) -> None:
    await person_with(app, "coordinator elsewhere", 11)
    elsewhere = await person_of(app, 11)
    assert elsewhere is not None
    kwargs = {
        "neighbourhood_id": await overvecht(app),
        "theme_id": await theme_id(app, "health"),
        "title": "Walks",
        "locale": "en",
        "measure": GoalMeasure.BY_HAND,
        "target": 10,
        "starts_on": date(2027, 1, 1),
        "ends_on": date(2027, 12, 31),
        "now": app.clock.now(),
    }
    with pytest.raises(NotAllowed):
        async with app.sessions.begin() as session:
            await goals.create(session, elsewhere.id, **kwargs)  # type: ignore[arg-type]
    async with app.sessions() as session:
        assert len(list(await session.scalars(select(Goal)))) == 6
