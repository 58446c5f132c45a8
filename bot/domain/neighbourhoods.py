"""Neighbourhoods, their buurten and themes, loaded from a YAML description; and the small
queries every flow asks of them (a neighbourhood's themes, its buurten, the organisations).

The file format is documented in the README and by `examples/overvecht.yaml`.
Loading is idempotent: it updates what exists (matched by slug) and adds what
is new; buurten and themes missing from the file stay, since initiatives may
point to them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.config import SUPPORTED_LOCALES
from bot.domain import audit
from bot.domain.errors import InvalidNeighbourhoodFile
from bot.domain.models import Area, Neighbourhood, Organisation, Theme

SLUG = r"^[a-z0-9][a-z0-9-]{0,63}$"


class AreaSpec(BaseModel):
    slug: str = Field(pattern=SLUG)
    name: str = Field(min_length=1, max_length=60)


class ThemeSpec(BaseModel):
    slug: str = Field(pattern=SLUG)
    emoji: str = Field(default="", max_length=8)
    names: dict[str, str]

    @field_validator("names")
    @classmethod
    def _known_languages(cls, names: dict[str, str]) -> dict[str, str]:
        unknown = [locale for locale in names if locale not in SUPPORTED_LOCALES]
        if unknown:
            raise ValueError(
                f"no catalog for {', '.join(unknown)}: use {', '.join(SUPPORTED_LOCALES)}"
            )
        return {locale: name for locale, name in names.items() if name}

    def names_in_every_language(self, default_locale: str) -> dict[str, str]:
        """A name for every language Wijkbot speaks: a language the file does not name yet
        (say, a catalog added after the file was written) shows the default language's."""
        return {
            locale: self.names.get(locale) or self.names[default_locale]
            for locale in SUPPORTED_LOCALES
        }


class NeighbourhoodSpec(BaseModel):
    slug: str = Field(pattern=SLUG)
    name: str = Field(min_length=1, max_length=60)
    timezone: str = "Europe/Amsterdam"
    default_locale: str = "nl"
    # Only admins invite coordinators, unless this is true (see bot.domain.roles).
    coordinators_invite_coordinators: bool = False
    areas: list[AreaSpec] = Field(min_length=1)
    themes: list[ThemeSpec] = Field(min_length=1)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @field_validator("default_locale")
    @classmethod
    def _locale(cls, value: str) -> str:
        if value not in SUPPORTED_LOCALES:
            raise ValueError(f"must be one of {', '.join(SUPPORTED_LOCALES)}")
        return value

    @model_validator(mode="after")
    def _named_in_the_default_language(self) -> NeighbourhoodSpec:
        for index, theme in enumerate(self.themes):
            if self.default_locale not in theme.names:
                raise ValueError(
                    f"themes.{index}.names lack {self.default_locale}, the default_locale"
                )
        return self


def parse(document: Any) -> NeighbourhoodSpec:
    """Validate a parsed YAML document; the error names the first wrong field."""
    try:
        return NeighbourhoodSpec.model_validate(document)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"]) or "file"
        reason = str(error["msg"]).removeprefix("Value error, ")
        raise InvalidNeighbourhoodFile(f"{where}: {reason}") from None


async def load(session: AsyncSession, spec: NeighbourhoodSpec, now: datetime) -> Neighbourhood:
    neighbourhood = await session.scalar(
        select(Neighbourhood)
        .where(Neighbourhood.slug == spec.slug)
        .options(selectinload(Neighbourhood.areas), selectinload(Neighbourhood.themes))
    )
    if neighbourhood is None:
        neighbourhood = Neighbourhood(slug=spec.slug, created_at=now, areas=[], themes=[])
        session.add(neighbourhood)
    neighbourhood.name = spec.name
    neighbourhood.timezone = spec.timezone
    neighbourhood.default_locale = spec.default_locale
    neighbourhood.coordinators_invite_coordinators = spec.coordinators_invite_coordinators

    areas = {area.slug: area for area in neighbourhood.areas}
    for position, area_spec in enumerate(spec.areas):
        area = areas.get(area_spec.slug)
        if area is None:
            area = Area(slug=area_spec.slug)
            neighbourhood.areas.append(area)
        area.name, area.position = area_spec.name, position

    themes = {theme.slug: theme for theme in neighbourhood.themes}
    for position, theme_spec in enumerate(spec.themes):
        theme = themes.get(theme_spec.slug)
        if theme is None:
            theme = Theme(slug=theme_spec.slug)
            neighbourhood.themes.append(theme)
        names = theme_spec.names_in_every_language(spec.default_locale)
        theme.names, theme.emoji, theme.position = names, theme_spec.emoji, position

    await session.flush()
    audit.record(
        session, now, "neighbourhood.loaded", neighbourhood_id=neighbourhood.id, slug=spec.slug
    )
    return neighbourhood


async def all_neighbourhoods(session: AsyncSession) -> list[Neighbourhood]:
    return list(await session.scalars(select(Neighbourhood).order_by(Neighbourhood.name)))


async def by_slug(session: AsyncSession, slug: str) -> Neighbourhood | None:
    return await session.scalar(select(Neighbourhood).where(Neighbourhood.slug == slug))


Part = TypeVar("Part", Area, Theme)


async def _in_order(session: AsyncSession, part: type[Part], neighbourhood_id: int) -> list[Part]:
    return list(
        await session.scalars(
            select(part).where(part.neighbourhood_id == neighbourhood_id).order_by(part.position)
        )
    )


# One function a question, each taking plain ids, so that any of them can be cached later
# without its callers changing.


async def areas_of(session: AsyncSession, neighbourhood_id: int) -> list[Area]:
    """The neighbourhood's buurten, in the order of its description."""
    return await _in_order(session, Area, neighbourhood_id)


async def themes_of(session: AsyncSession, neighbourhood_id: int) -> list[Theme]:
    """The neighbourhood's themes, in the order of its description."""
    return await _in_order(session, Theme, neighbourhood_id)


async def organisations(session: AsyncSession, limit: int | None = None) -> list[Organisation]:
    """Organisations by name (partners of any neighbourhood: one organisation may serve several)."""
    return list(
        await session.scalars(select(Organisation).order_by(Organisation.name).limit(limit))
    )
