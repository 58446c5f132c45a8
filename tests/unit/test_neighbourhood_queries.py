"""The small queries flows ask of a neighbourhood, each one function in bot.domain."""

from __future__ import annotations

from bot.app import App
from bot.domain import neighbourhoods
from bot.domain.models import Organisation


async def test_buurten_and_themes_in_the_order_of_the_description_and_only_their_own(
    app: App,
) -> None:
    async with app.sessions.begin() as session:
        overvecht = await neighbourhoods.by_slug(session, "overvecht")
        assert overvecht is not None
        areas = await neighbourhoods.areas_of(session, overvecht.id)
        themes = await neighbourhoods.themes_of(session, overvecht.id)
        assert [area.name for area in areas][:3] == ["Zamenhofdreef", "Taagdreef", "Donaudreef"]
        assert len(areas) == 8 and all(area.neighbourhood_id == overvecht.id for area in areas)
        assert [theme.slug for theme in themes] == [
            "health",
            "parenting",
            "living-together",
            "work",
            "safety",
        ]
        assert await neighbourhoods.areas_of(session, overvecht.id + 1) == []
        assert await neighbourhoods.themes_of(session, overvecht.id + 1) == []


async def test_organisations_by_name_and_at_most_as_many_as_asked(app: App) -> None:
    now = app.clock.now()
    async with app.sessions.begin() as session:
        for name in ("Mitros", "Al Amal", "Portaal"):
            session.add(Organisation(name=name, created_at=now))
    async with app.sessions() as session:
        every = await neighbourhoods.organisations(session)
        first_two = await neighbourhoods.organisations(session, limit=2)
    assert [o.name for o in every] == ["Al Amal", "Mitros", "Portaal"]
    assert [o.name for o in first_two] == ["Al Amal", "Mitros"]
