"""A neighbourhood's initiatives, activities and weekly participation as CSV, for a spreadsheet.

Separated by semicolons, in UTF-8 with a byte order mark: Excel with Dutch
regional settings (decimal comma, so ";" lists) opens such a file with a
double click, in columns and with every accent intact, where a comma-separated
file lands in one column. LibreOffice asks, and pandas reads it with `sep=";"`.
No "sep=;" line: with it, Excel ignores the byte order mark and garbles accents.

Counts only: no names, no chat ids, not who leads an initiative or who joined.
Titles and places are typed by residents, so a cell a spreadsheet would run as
a formula (starting with = + - @) gets a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.chat.replies import File
from bot.domain.models import (
    Action,
    ActionStatus,
    Area,
    Initiative,
    InitiativeStatus,
    Signup,
    SignupStatus,
    Theme,
)
from bot.i18n import N_, Translator
from bot.reports.labels import status_name
from bot.reports.statistics import find_neighbourhood, participation

DELIMITER = ";"
WEEKS = 52  # a year of weekly counts: more than a chart can show, what a yearly report needs
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

INITIATIVE_COLUMNS = (
    N_("ID"),
    N_("Title"),
    N_("Theme"),
    N_("Buurt"),
    N_("Status"),
    N_("Supporters"),
    N_("Created"),
    N_("Decided"),
)
ACTION_COLUMNS = (
    N_("ID"),
    N_("Initiative ID"),
    N_("Title"),
    N_("Place"),
    N_("Starts"),
    N_("Capacity"),
    N_("Joined"),
    N_("Waiting list"),
    N_("Came"),
    N_("Did not come"),
)
PARTICIPATION_COLUMNS = (
    N_("Week"),
    N_("Monday"),
    N_("Joined an activity"),
    N_("New supporters"),
    N_("New residents"),
)

Row = Sequence[object]


async def export_zip(
    session: AsyncSession, neighbourhood_id: int, t: Translator, now: datetime, weeks: int = WEEKS
) -> File:
    """The three tables in one zip, ready to send as a document."""
    neighbourhood = await find_neighbourhood(session, neighbourhood_id)
    local = now.astimezone(ZoneInfo(neighbourhood.timezone))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in (await export_tables(session, neighbourhood_id, t, now, weeks)).items():
            # A fixed time stamp in each entry: the same data gives the same zip.
            archive.writestr(zipfile.ZipInfo(name, local.timetuple()[:6]), data)
    filename = f"wijkbot-{neighbourhood.slug}-{local.date().isoformat()}.zip"
    return File(filename, data=buffer.getvalue(), mime="application/zip")


async def export_tables(
    session: AsyncSession, neighbourhood_id: int, t: Translator, now: datetime, weeks: int = WEEKS
) -> dict[str, bytes]:
    """File name -> CSV bytes: initiatives.csv, activities.csv, participation.csv."""
    neighbourhood = await find_neighbourhood(session, neighbourhood_id)
    zone = ZoneInfo(neighbourhood.timezone)
    tallies = await participation(session, neighbourhood_id, now, weeks)
    return {
        "initiatives.csv": to_csv(
            INITIATIVE_COLUMNS, await initiative_rows(session, neighbourhood_id, t, zone), t
        ),
        "activities.csv": to_csv(
            ACTION_COLUMNS, await action_rows(session, neighbourhood_id, zone), t
        ),
        "participation.csv": to_csv(
            PARTICIPATION_COLUMNS,
            [
                (
                    tally.week,
                    tally.monday.isoformat(),
                    tally.joined,
                    tally.supporters,
                    tally.residents,
                )
                for tally in tallies
            ],
            t,
        ),
    }


async def initiative_rows(
    session: AsyncSession, neighbourhood_id: int, t: Translator, zone: ZoneInfo
) -> list[Row]:
    """Every initiative that was proposed (drafts are a resident's unfinished text)."""
    found = await session.execute(
        select(
            Initiative.id,
            Initiative.title,
            Theme,
            Area.name,
            Initiative.status,
            Initiative.supporter_count,
            Initiative.created_at,
            Initiative.decided_at,
        )
        .outerjoin(Theme, Theme.id == Initiative.theme_id)
        .outerjoin(Area, Area.id == Initiative.area_id)
        .where(
            Initiative.neighbourhood_id == neighbourhood_id,
            Initiative.status != InitiativeStatus.DRAFT,
        )
        .order_by(Initiative.id)
    )
    return [
        (
            id_,
            title,
            theme.name_in(t.locale) if theme else None,
            area,
            status_name(status, t),
            supporters,
            _day(created, zone),
            _day(decided, zone),
        )
        for id_, title, theme, area, status, supporters, created, decided in found
    ]


async def action_rows(session: AsyncSession, neighbourhood_id: int, zone: ZoneInfo) -> list[Row]:
    """Every activity that was not cancelled, with how many joined and wait, and when check-in
    was used there, how many of those who joined came; oldest first."""
    found = await session.execute(
        select(
            Action.id,
            Action.initiative_id,
            Action.title,
            Action.place,
            Action.starts_at,
            Action.capacity,
            func.count(case((Signup.status == SignupStatus.JOINED, Signup.id))),
            func.count(case((Signup.status == SignupStatus.WAITLISTED, Signup.id))),
            func.count(case((Signup.status == SignupStatus.JOINED, Signup.checked_in_at))),
        )
        .outerjoin(Signup, Signup.action_id == Action.id)
        .where(Action.neighbourhood_id == neighbourhood_id, Action.status != ActionStatus.CANCELLED)
        .group_by(Action.id)
        .order_by(Action.starts_at, Action.id)
    )
    return [
        (
            id_,
            initiative_id,
            title,
            place,
            starts.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
            capacity,
            joined,
            waiting,
            *((came, joined - came) if came else (None, None)),  # empty: no check-in used
        )
        for id_, initiative_id, title, place, starts, capacity, joined, waiting, came in found
    ]


def to_csv(columns: Sequence[str], rows: Iterable[Row], t: Translator) -> bytes:
    """A header of translated column names, then the rows; see the module's note on why so."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=DELIMITER, lineterminator="\r\n")
    writer.writerow([t._(column) for column in columns])
    writer.writerows([_cell(value) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _day(moment: datetime | None, zone: ZoneInfo) -> str | None:
    """ISO date in local time, which every spreadsheet reads as a date."""
    return moment.astimezone(zone).date().isoformat() if moment else None
