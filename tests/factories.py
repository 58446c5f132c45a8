"""Build domain rows directly, for tests that start in the middle of the story."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from bot.app import App
from bot.domain import people
from bot.domain.models import (
    Action,
    Area,
    Identity,
    Initiative,
    InitiativeStatus,
    Neighbourhood,
    Person,
    Signup,
    SignupStatus,
    Theme,
)


async def resident(
    app: App, user_id: int, *, locale: str = "nl", first_name: str = "Ann", area: str = "taagdreef"
) -> Person:
    """An onboarded resident of Overvecht whose Telegram chat id is `user_id`."""
    now = app.clock.now()
    async with app.sessions.begin() as session:
        overvecht = await session.scalar(
            select(Neighbourhood).where(Neighbourhood.slug == "overvecht")
        )
        assert overvecht is not None
        home = await session.scalar(
            select(Area).where(Area.neighbourhood_id == overvecht.id, Area.slug == area)
        )
        person = Person(
            first_name=first_name,
            locale=locale,
            neighbourhood_id=overvecht.id,
            area_id=home.id if home else None,
            created_at=now,
            last_seen_at=now,
            identities=[
                Identity(
                    messenger="telegram",
                    external_id=str(user_id),
                    chat_id=user_id,
                    language_code=locale,
                )
            ],
        )
        people.give_consent(person, now)
        session.add(person)
    return person


async def action(
    app: App,
    starts_at: datetime,
    *,
    title: str = "Clean-up Taagdreef",
    place: str = "Playground",
    capacity: int | None = None,
    initiative_id: int | None = None,
) -> Action:
    async with app.sessions.begin() as session:
        overvecht = await session.scalar(
            select(Neighbourhood).where(Neighbourhood.slug == "overvecht")
        )
        assert overvecht is not None
        item = Action(
            neighbourhood_id=overvecht.id,
            title=title,
            place=place,
            starts_at=starts_at,
            capacity=capacity,
            initiative_id=initiative_id,
            created_at=app.clock.now(),
        )
        session.add(item)
    return item


async def join(app: App, action_id: int, person_id: int) -> None:
    async with app.sessions.begin() as session:
        session.add(
            Signup(
                action_id=action_id,
                person_id=person_id,
                status=SignupStatus.JOINED,
                created_at=app.clock.now(),
            )
        )


async def initiative(
    app: App,
    owner: Person,
    title: str = "Vegetable garden",
    *,
    status: InitiativeStatus = InitiativeStatus.APPROVED,
    supporters: int = 0,
    decided_at: datetime | None = None,
) -> Initiative:
    now = app.clock.now()
    async with app.sessions.begin() as session:
        theme = await session.scalar(select(Theme).where(Theme.slug == "living-together"))
        item = Initiative(
            neighbourhood_id=owner.neighbourhood_id,
            area_id=owner.area_id,
            theme_id=theme.id if theme else None,
            owner_id=owner.id,
            title=title,
            description="Growing vegetables together behind the flats.",
            help_wanted={"volunteers": True, "volunteer_count": 4},
            status=status,
            supporter_count=supporters,
            created_at=now,
            updated_at=now,
            decided_at=decided_at or (now if status is InitiativeStatus.APPROVED else None),
        )
        session.add(item)
    return item
