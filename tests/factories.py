"""Build domain rows directly, for tests that start in the middle of the story; read them back."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.app import App
from bot.config import SUPPORTED_LOCALES
from bot.domain import invites, neighbourhoods, people
from bot.domain.models import (
    Action,
    Area,
    Base,
    Identity,
    Initiative,
    InitiativeStatus,
    Neighbourhood,
    Person,
    Role,
    Signup,
    SignupStatus,
    Theme,
)

KEY = b"test-invite-secret"  # the signing key the `app` fixture's settings carry
LANSINGERLAND = {  # a second neighbourhood, for what one coordinator may not reach in another
    "slug": "lansingerland",
    "name": "Lansingerland",
    "areas": [{"slug": "berkel", "name": "Berkel"}],
    "themes": [{"slug": "green", "names": dict.fromkeys(SUPPORTED_LOCALES, "Groen")}],
}
THEIR_OWN = {"people", "conversation_states", "received_updates"}  # a visitor's bookkeeping


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


async def person_of(app: App, user_id: int) -> Person | None:
    """The person behind Telegram user `user_id`, or None once they are gone."""
    async with app.sessions() as session:
        return await session.scalar(
            select(Person).join(Identity).where(Identity.external_id == str(user_id))
        )


async def new_invite(
    app: App,
    role: Role = Role.COORDINATOR,
    *,
    neighbourhood: str = "overvecht",
    ttl: timedelta = timedelta(hours=72),
    **kwargs: object,
) -> str:
    """The start payload of a new invite to `role` in `neighbourhood`."""
    async with app.sessions.begin() as session:
        place = await neighbourhoods.by_slug(session, neighbourhood)
        assert place is not None
        _, payload = await invites.create(
            session,
            KEY,
            role=role,
            neighbourhood_id=place.id,
            now=app.clock.now(),
            ttl=ttl,
            **kwargs,  # type: ignore[arg-type]
        )
    return payload


async def new_invite_in(app: App, slug: str) -> str:
    """An invite to coordinate the neighbourhood `slug`, valid for an hour."""
    return await new_invite(app, Role.COORDINATOR, neighbourhood=slug, ttl=timedelta(hours=1))


async def redeem(app: App, payload: str, person_id: int) -> None:
    async with app.sessions.begin() as session:
        person = await session.get(Person, person_id)
        assert person is not None
        await invites.redeem(session, KEY, payload, person, app.clock.now())


async def organisation(app: App) -> int:
    """The id of the organisation Mitros, made when first asked for."""
    async with app.sessions.begin() as session:
        return (await invites.organisation_named(session, "Mitros", app.clock.now())).id


async def snapshot(app: App) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table but the outsider's own bookkeeping."""
    rows: dict[str, list[tuple[Any, ...]]] = {}
    async with app.sessions() as session:
        for table in Base.metadata.sorted_tables:
            if table.name not in THEIR_OWN:
                found = await session.execute(select(table).order_by(*table.primary_key))
                rows[table.name] = [tuple(row) for row in found]
    return rows


def message(update_id: int, chat_id: int, text: str = "hi") -> dict:
    """A Telegram update with a private text message, as the Bot API sends it."""
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 0,
            "chat": {"id": chat_id, "type": "private"},
            "from": {"id": chat_id, "is_bot": False, "first_name": "A"},
            "text": text,
        },
    }
