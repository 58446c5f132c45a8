"""Render a neighbourhood's public pages into files (path -> bytes), for a folder or a server.

    files = await build.site(session, photos, now, slug="overvecht")
    build.write(files, Path("public"))

The same files whether written to disk (`wijkbot site build`) or served live at
/results/ (live.py); every link is relative, so both work.
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import SUPPORTED_LOCALES
from bot.domain import neighbourhoods
from bot.domain.models import Neighbourhood
from bot.domain.showcase import Showcase, showcase
from bot.i18n import LANGUAGE_NAMES, Html, translator
from bot.site import commitments, goals, initiatives, layout, results, timeline
from bot.site.photos import PhotoSource, extension
from bot.site.style import CSS

Files = dict[str, bytes]


class UnknownNeighbourhood(LookupError):
    """No neighbourhood has the slug asked for."""


async def site(
    session: AsyncSession, photos: PhotoSource, now: datetime, slug: str | None = None
) -> Files:
    """Every neighbourhood's pages (or only `slug`'s), the stylesheet and a start page."""
    if slug is None:
        chosen = await neighbourhoods.all_neighbourhoods(session)
    else:
        found = await neighbourhoods.by_slug(session, slug)
        if found is None:
            raise UnknownNeighbourhood(slug)
        chosen = [found]
    files: Files = {"style.css": CSS.encode()}
    for neighbourhood in chosen:
        view = await showcase(session, neighbourhood.id, now)
        assert view is not None
        files.update(await _neighbourhood(view, photos, now))
    files["index.html"] = _start_page(chosen, now).encode()
    return files


async def _neighbourhood(view: Showcase, photos: PhotoSource, now: datetime) -> Files:
    slug = view.neighbourhood.slug
    files: Files = {}
    shown: dict[int, str] = {}  # result id -> address from a language's page
    for result in view.results:
        if result.photo_file_id is None:
            continue
        picture = await photos(result.photo_file_id)
        if picture:
            name = f"photos/result-{result.id}{extension(picture)}"
            files[f"{slug}/{name}"] = picture
            shown[result.id] = f"../{name}"
    for locale in SUPPORTED_LOCALES:
        files[f"{slug}/{locale}/index.html"] = _page(view, locale, shown, now).encode()
    return files


def _page(view: Showcase, locale: str, photos: dict[int, str], now: datetime) -> str:
    t = translator(locale)
    name = view.neighbourhood.name
    return layout.page(
        t,
        title=t._("Results in {neighbourhood}", neighbourhood=name),
        intro=t._(
            "What residents and organisations in {neighbourhood} achieve together.",
            neighbourhood=name,
        ),
        stylesheet="../../style.css",
        switch=layout.language_switch(t, SUPPORTED_LOCALES, "../{lang}/index.html"),
        parts=[
            goals.part(t, view),
            results.part(t, view, photos),
            initiatives.part(t, view),
            commitments.part(t, view),
            timeline.part(t, view),
        ],
        made_at=now,
        zone=_zone(view.neighbourhood),
    )


def _zone(neighbourhood: Neighbourhood | None) -> ZoneInfo:
    return ZoneInfo(neighbourhood.timezone) if neighbourhood else ZoneInfo("UTC")


def _start_page(chosen: list[Neighbourhood], now: datetime) -> str:
    """A link per neighbourhood and language, each named in its own language."""
    t = translator(chosen[0].default_locale if chosen else SUPPORTED_LOCALES[0])
    blocks = []
    for neighbourhood in chosen:
        links = "".join(
            f'<li><a href="{escape(neighbourhood.slug)}/{code}/index.html" lang="{code}" '
            f'hreflang="{code}">{escape(LANGUAGE_NAMES[code])}</a></li>'
            for code in SUPPORTED_LOCALES
        )
        blocks.append(
            f"<h2>{escape(neighbourhood.name)}</h2>\n"
            f'<nav aria-label="{escape(neighbourhood.name)}"><ul>{links}</ul></nav>'
        )
    return layout.page(
        t,
        title=Html("Wijkbot"),
        intro=t._("Choose a neighbourhood and a language."),
        stylesheet="style.css",
        switch="",
        parts=blocks,
        made_at=now,
        zone=_zone(chosen[0] if chosen else None),
    )


def write(files: Files, out: Path) -> None:
    """The files under `out` (made if needed); files already there by other names stay."""
    for name, content in files.items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
