"""Neighbourhoods, their buurten, themes and goals, loaded from a YAML description; and the
small queries every flow asks of them (a neighbourhood's themes, its buurten, the
organisations).

The file format is documented in the README and by `examples/overvecht.yaml`.

The neighbourhoods and their buurten are read on almost every onboarding step
and change only through `load`, so they are kept in memory for `REFERENCE_TTL`
seconds, per database, as detached copies (nothing personal: no person's data
is ever cached). `load` empties the cache of every database in its process at
once; another process (`wijkbot admin load` beside `wijkbot run`) sees the
change within the TTL:

    areas_of(session, 7) ──> cache[engine][("areas", 7)] fresh? ──yes──> copies
                                                            └─no──> SELECT, keep for TTL
Loading is idempotent: it updates what exists (matched by slug) and adds what
is new; buurten, themes and goals missing from the file stay, since initiatives
and counts may point to them.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Callable
from datetime import date, datetime
from functools import partial
from typing import Annotated, Any, Literal, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from sqlalchemy import Engine, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.config import SUPPORTED_LOCALES
from bot.domain import audit, goals
from bot.domain.errors import InvalidNeighbourhoodFile
from bot.domain.models import Area, Goal, GoalMeasure, Neighbourhood, Organisation, Theme

SLUG = r"^[a-z0-9][a-z0-9-]{0,63}$"


class AreaSpec(BaseModel):
    slug: str = Field(pattern=SLUG)
    name: str = Field(min_length=1, max_length=60)


def _known_languages(names: dict[str, str]) -> dict[str, str]:
    """Texts by language code: a code without a catalog (a typo such as `ua:`) is refused."""
    unknown = [locale for locale in names if locale not in SUPPORTED_LOCALES]
    if unknown:
        raise ValueError(f"no catalog for {', '.join(unknown)}: use {', '.join(SUPPORTED_LOCALES)}")
    return {locale: name for locale, name in names.items() if name}


class ThemeSpec(BaseModel):
    slug: str = Field(pattern=SLUG)
    emoji: str = Field(default="", max_length=8)
    names: dict[str, str]

    _names = field_validator("names")(_known_languages)

    def names_in_every_language(self, default_locale: str) -> dict[str, str]:
        """A name for every language Wijkbot speaks: a language the file does not name yet
        (say, a catalog added after the file was written) shows the default language's."""
        return {
            locale: self.names.get(locale) or self.names[default_locale]
            for locale in SUPPORTED_LOCALES
        }


class PeriodSpec(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    starts_on: date = Field(alias="from")
    ends_on: date = Field(alias="until")

    @model_validator(mode="after")
    def _in_order(self) -> PeriodSpec:
        if self.ends_on < self.starts_on:
            raise ValueError("until is before from")
        return self


class GoalSpec(BaseModel):
    """A goal: `period` is a year (2027) or {from: 2026-09-01, until: 2027-08-31};
    `target` a number, or "all" for commitments kept; `counted` and `note` are where a
    goal counted by hand starts (used once, when the goal is new: later counts come from
    the chat)."""

    slug: str = Field(pattern=SLUG)
    theme: str
    titles: dict[str, str]
    measure: GoalMeasure
    target: Annotated[int, Field(ge=1, le=goals.TARGET_LIMIT)] | Literal["all"]
    period: PeriodSpec
    counted: int = Field(default=0, ge=0, le=goals.TARGET_LIMIT)
    note: str | None = Field(default=None, max_length=goals.NOTE_LIMIT)

    @field_validator("titles")
    @classmethod
    def _titles(cls, titles: dict[str, str]) -> dict[str, str]:
        titles = _known_languages(titles)
        too_long = [code for code, title in titles.items() if len(title) > goals.TITLE_LIMIT]
        if too_long:
            raise ValueError(f"longer than {goals.TITLE_LIMIT} characters: {', '.join(too_long)}")
        return titles

    @field_validator("period", mode="before")
    @classmethod
    def _a_year(cls, period: Any) -> Any:
        """A year stands for its first to its last day."""
        if isinstance(period, int) and not isinstance(period, bool):
            if not 2000 <= period <= 2100:
                raise ValueError("a year from 2000 to 2100, or {from: ..., until: ...}")
            return {"from": date(period, 1, 1), "until": date(period, 12, 31)}
        return period

    @model_validator(mode="after")
    def _all_only_of_commitments(self) -> GoalSpec:
        if self.target == "all" and self.measure is not GoalMeasure.COMMITMENTS_KEPT:
            raise ValueError('target "all" is only for commitments_kept')
        return self


class NeighbourhoodSpec(BaseModel):
    slug: str = Field(pattern=SLUG)
    name: str = Field(min_length=1, max_length=60)
    timezone: str = "Europe/Amsterdam"
    default_locale: str = "nl"
    # Only admins invite coordinators, unless this is true (see bot.domain.roles).
    coordinators_invite_coordinators: bool = False
    areas: list[AreaSpec] = Field(min_length=1)
    themes: list[ThemeSpec] = Field(min_length=1)
    goals: list[GoalSpec] = Field(default=[], max_length=goals.MOST_GOALS)

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
        themes = {theme.slug for theme in self.themes}
        for index, goal in enumerate(self.goals):
            if goal.theme not in themes:
                raise ValueError(f"goals.{index}.theme: no theme {goal.theme!r} in this file")
            if self.default_locale not in goal.titles:
                raise ValueError(
                    f"goals.{index}.titles lack {self.default_locale}, the default_locale"
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
    await _load_goals(session, neighbourhood, spec, now)
    forget_reference_data()
    audit.record(
        session, now, "neighbourhood.loaded", neighbourhood_id=neighbourhood.id, slug=spec.slug
    )
    return neighbourhood


async def _load_goals(
    session: AsyncSession, neighbourhood: Neighbourhood, spec: NeighbourhoodSpec, now: datetime
) -> None:
    """Goals matched by slug: the file sets what they aim at; a new one starts at `counted`,
    and celebrates only what it passes from then on."""
    themes = {theme.slug: theme.id for theme in neighbourhood.themes}
    existing = {
        goal.slug: goal
        for goal in await session.scalars(
            select(Goal).where(Goal.neighbourhood_id == neighbourhood.id, Goal.slug.is_not(None))
        )
    }
    new: list[Goal] = []
    for position, goal_spec in enumerate(spec.goals):
        goal = existing.get(goal_spec.slug)
        if goal is None:
            goal = Goal(
                neighbourhood_id=neighbourhood.id,
                slug=goal_spec.slug,
                counted=goal_spec.counted,
                note=goal_spec.note,
                created_at=now,
            )
            session.add(goal)
            new.append(goal)
        goal.theme_id = themes[goal_spec.theme]
        goal.titles = dict(goal_spec.titles)
        goal.measure = goal_spec.measure
        goal.target = None if goal_spec.target == "all" else goal_spec.target
        goal.starts_on, goal.ends_on = goal_spec.period.starts_on, goal_spec.period.ends_on
        goal.position, goal.updated_at = position, now
    await session.flush()
    for goal in new:
        await goals.start_where_it_is(session, goal)


REFERENCE_TTL = 5.0  # seconds another process's `admin load` may go unseen
Row = TypeVar("Row", Neighbourhood, Area)
Key = tuple[str, int]


class ReferenceCache:
    """Per database: rows read recently, as plain column values, with when they expire."""

    def __init__(self, ttl: float = REFERENCE_TTL, clock: Callable[[], float] = time.monotonic):
        self.ttl = ttl
        self.clock = clock
        self._kept: weakref.WeakKeyDictionary[Engine, dict[Key, tuple[float, list[Any]]]] = (
            weakref.WeakKeyDictionary()
        )

    async def rows(
        self, session: AsyncSession, key: Key, kind: type[Row], query: Callable[[], Any]
    ) -> list[Row]:
        """The rows `query()` selects, as copies that belong to no session, read when the
        cache has none fresh. The copies are shared until the rows are read again: read
        them, never change them."""
        kept = self._kept.setdefault(session.get_bind(), {})
        now = self.clock()
        hit = kept.get(key)
        if hit is not None and hit[0] > now:
            return list(hit[1])
        found = list(await session.scalars(query()))
        columns = [column.key for column in kind.__table__.columns]
        copies = [kind(**{c: getattr(row, c) for c in columns}) for row in found]
        kept[key] = (now + self.ttl, copies)
        return found

    def clear(self) -> None:
        self._kept.clear()


reference = ReferenceCache()


def forget_reference_data() -> None:
    """After a change of neighbourhoods, buurten or themes: read them again."""
    reference.clear()


async def all_neighbourhoods(session: AsyncSession) -> list[Neighbourhood]:
    """Every neighbourhood by name (read-only copies: change one through `load`)."""
    query = select(Neighbourhood).order_by(Neighbourhood.name)
    return await reference.rows(session, ("all", 0), Neighbourhood, lambda: query)


async def by_slug(session: AsyncSession, slug: str) -> Neighbourhood | None:
    return await session.scalar(select(Neighbourhood).where(Neighbourhood.slug == slug))


Part = TypeVar("Part", Area, Theme)


def _in_order(part: type[Part], neighbourhood_id: int) -> Any:
    return select(part).where(part.neighbourhood_id == neighbourhood_id).order_by(part.position)


# One function a question, each taking plain ids, so that any of them can be cached later
# without its callers changing.


async def areas_of(session: AsyncSession, neighbourhood_id: int) -> list[Area]:
    """The neighbourhood's buurten, in the order of its description (read-only copies)."""
    query = partial(_in_order, Area, neighbourhood_id)  # built only when the cache has none
    return await reference.rows(session, ("areas", neighbourhood_id), Area, query)


async def neighbourhood(
    session: AsyncSession, neighbourhood_id: int | None
) -> Neighbourhood | None:
    """One neighbourhood by id, from the cached list (a read-only copy)."""
    found = [n for n in await all_neighbourhoods(session) if n.id == neighbourhood_id]
    return found[0] if found else None


async def area(
    session: AsyncSession, neighbourhood_id: int | None, area_id: int | None
) -> Area | None:
    """One buurt of a neighbourhood by id, from the cached list; None when it is not one of
    that neighbourhood's (a read-only copy)."""
    if neighbourhood_id is None or area_id is None:
        return None
    found = [a for a in await areas_of(session, neighbourhood_id) if a.id == area_id]
    return found[0] if found else None


async def themes_of(session: AsyncSession, neighbourhood_id: int) -> list[Theme]:
    """The neighbourhood's themes, in the order of its description."""
    return list(await session.scalars(_in_order(Theme, neighbourhood_id)))


async def organisations(session: AsyncSession, limit: int | None = None) -> list[Organisation]:
    """Organisations by name (partners of any neighbourhood: one organisation may serve several)."""
    return list(
        await session.scalars(select(Organisation).order_by(Organisation.name).limit(limit))
    )
