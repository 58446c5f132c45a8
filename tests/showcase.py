"""A neighbourhood at work, for the tests of the public results page: two residents (one
agreed to show her name and photos, one did not), their initiatives, results with photos,
an activity held, and a partner's commitments kept and open."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.app import App
from bot.domain.models import (
    Commitment,
    CommitmentStatus,
    Initiative,
    Neighbourhood,
    Person,
    Result,
    Theme,
)
from bot.emulator import make_png
from tests.factories import action, initiative, join, organisation, resident

PICTURE = make_png(320, 180, (46, 125, 50))


async def photos(file_id: str) -> bytes | None:
    return PICTURE if file_id.startswith("photo-") else None


async def agree(app: App, person: Person, *, name: bool, photos: bool) -> None:
    async with app.sessions.begin() as session:
        found = await session.get(Person, person.id)
        assert found is not None
        found.public_name, found.public_photos = name, photos


async def publish(app: App, item: Initiative, text: str, number: int, photo: str) -> Result:
    async with app.sessions.begin() as session:
        result = Result(
            neighbourhood_id=item.neighbourhood_id,
            initiative_id=item.id,
            author_id=item.owner_id,
            text=text,
            number=number,
            photo_file_id=photo,
            published_at=app.clock.now(),
        )
        session.add(result)
    return result


async def commitments(app: App) -> None:
    mitros = await organisation(app)
    now = app.clock.now()
    async with app.sessions.begin() as session:
        overvecht = await session.scalar(
            select(Neighbourhood.id).where(Neighbourhood.slug == "overvecht")
        )
        safety = await session.scalar(select(Theme.id).where(Theme.slug == "safety"))
        for what, status in (
            ("Light the path", CommitmentStatus.DONE),
            ("Fix the door", CommitmentStatus.OPEN),
        ):
            session.add(
                Commitment(
                    neighbourhood_id=overvecht,
                    organisation_id=mitros,
                    theme_id=safety,
                    what=what,
                    status=status,
                    created_at=now,
                    updated_at=now,
                )
            )


async def neighbourhood_at_work(app: App) -> tuple[Result, Result]:
    """Ann keeps her name and photos to herself; Bilal agreed to both."""
    ann, bilal = (
        await resident(app, 1, first_name="Ann"),
        await resident(app, 2, first_name="Bilal"),
    )
    await agree(app, bilal, name=True, photos=True)
    garden = await initiative(app, ann, "Vegetable garden", supporters=3)
    tea = await initiative(app, bilal, "Tea afternoons", supporters=1)
    held = await action(app, app.clock.now() - timedelta(hours=2), initiative_id=garden.id)
    await join(app, held.id, bilal.id)
    hidden = await publish(app, garden, "Forty kilos of beans", 40, "photo-ann")
    shown = await publish(app, tea, "Tea with 25 neighbours", 25, "photo-bilal")
    await commitments(app)
    return hidden, shown
