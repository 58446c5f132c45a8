"""The quarterly report: its figures, its page in every language, and `wijkbot report`.

The story: Overvecht in the first quarter of 2027 (Amsterdam time), with
activities, signups, supports, approvals and results in each month and just
outside the quarter (one an hour before it begins, local time), partners'
commitments kept, open, overdue and old, and residents with names that must
never appear in the report.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import App
from bot.cli import main
from bot.domain.models import (
    Commitment,
    CommitmentStatus,
    InitiativeStatus,
    Neighbourhood,
    Result,
    Support,
)
from bot.i18n import translator
from bot.reports.quarter import BadQuarter, Quarter, QuarterFigures, gather
from bot.reports.quarter_page import page
from tests.factories import action, initiative, join, organisation, resident

NAMES = ("Annemarie", "Bartholomeus", "Cemile", "Dilan")
CHAT_IDS = (9120001, 9120002, 9120003, 9120004)
WRITTEN = datetime(2027, 4, 10, 9, 0, tzinfo=UTC)
LOCALES = ["nl", "en", "tr", "ar", "pl", "uk"]


def utc(month: int, day: int, hour: int = 12, year: int = 2027) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


@dataclass
class Story:
    neighbourhood_id: int


async def add(app: App, *rows: object) -> None:
    async with app.sessions.begin() as session:
        session.add_all(rows)


@pytest.fixture
async def story(app: App) -> Story:
    app.clock.set(utc(1, 2))
    people = [
        await resident(app, chat, first_name=name)
        for chat, name in zip(CHAT_IDS, NAMES, strict=True)
    ]
    nid = people[0].neighbourhood_id
    assert nid is not None
    garden = await initiative(app, people[0], "Moestuin Taagdreef", decided_at=utc(1, 10))
    await initiative(app, people[1], "Taalcafé", decided_at=utc(3, 5))
    await initiative(app, people[2], "Old idea", decided_at=utc(12, 20, year=2026))
    await initiative(app, people[3], "Still a wish", status=InitiativeStatus.SUBMITTED)
    # January: two people at one activity, one of them again in February.
    january = await action(app, utc(1, 15), title="Schoonmaak")
    february = await action(app, utc(2, 12), title="Soep")
    before = await action(app, datetime(2026, 12, 31, 22, 30, tzinfo=UTC), title="Oud en nieuw")
    for person in people[:2]:
        await join(app, january.id, person.id)
    await join(app, february.id, people[0].id)
    await join(app, before.id, people[3].id)  # 23:30 on 31 December in Amsterdam: not counted
    await add(
        app,
        Support(initiative_id=garden.id, person_id=people[1].id, created_at=utc(2, 3)),
        Support(initiative_id=garden.id, person_id=people[2].id, created_at=utc(3, 30)),
        Result(
            neighbourhood_id=nid,
            initiative_id=garden.id,
            author_id=people[0].id,
            text="40 <kilo> tomaten & courgettes",
            number=40,
            published_at=utc(2, 20),
        ),
        Result(neighbourhood_id=nid, text="Buurtfeest", published_at=utc(3, 31, 21)),
        Result(neighbourhood_id=nid, text="Too late", published_at=utc(4, 2)),
    )
    mitros = await organisation(app)

    def promise(what: str, due: date | None, status: CommitmentStatus) -> Commitment:
        return Commitment(
            neighbourhood_id=nid,
            organisation_id=mitros,
            what=what,
            due_on=due,
            status=status,
            created_at=utc(1, 3),
            updated_at=utc(1, 3),
        )

    await add(
        app,
        promise("Room for the language café", date(2027, 2, 1), CommitmentStatus.DONE),
        promise("Paint the benches", date(2027, 3, 15), CommitmentStatus.IN_PROGRESS),
        promise("Lights in the park", date(2027, 6, 1), CommitmentStatus.OPEN),
        promise("Kept long ago", date(2026, 10, 1), CommitmentStatus.DONE),
    )
    return Story(nid)


async def figures_of(app: App, story: Story, text: str = "2027Q1") -> QuarterFigures:
    async with app.sessions() as session:
        neighbourhood = await session.get(Neighbourhood, story.neighbourhood_id)
        assert neighbourhood is not None
        return await gather(session, neighbourhood, Quarter.parse(text), WRITTEN)


@pytest.mark.parametrize(
    ("text", "year", "number"), [("2027Q1", 2027, 1), ("2026q4", 2026, 4), ("2027-Q3", 2027, 3)]
)
def test_a_quarter_is_a_year_and_q1_to_q4(text: str, year: int, number: int) -> None:
    assert Quarter.parse(text) == Quarter(year, number)


@pytest.mark.parametrize("text", ["2027Q5", "Q1 2027", "2027", "27Q1", "2027Q1x", ""])
def test_anything_else_is_not_a_quarter(text: str) -> None:
    with pytest.raises(BadQuarter, match="is not a quarter"):
        Quarter.parse(text)


def test_a_quarters_months_and_its_last_day() -> None:
    assert Quarter(2027, 4).months == [date(2027, 10, 1), date(2027, 11, 1), date(2027, 12, 1)]
    assert Quarter(2027, 4).next_day == date(2028, 1, 1)
    assert Quarter(2027, 1).next_day == date(2027, 4, 1)


async def test_the_figures_of_the_quarter(app: App, story: Story) -> None:
    figures = await figures_of(app, story)
    assert [
        (m.first_day, m.took_part, m.supporters, m.activities, m.approved, m.results)
        for m in figures.months
    ] == [
        (date(2027, 1, 1), 2, 0, 1, 1, 0),
        (date(2027, 2, 1), 1, 1, 1, 0, 1),
        (date(2027, 3, 1), 0, 1, 0, 1, 1),  # 31 March 23:00 local is still March
    ]
    assert sum(m.residents for m in figures.months) == 4
    assert [r.text for r in figures.results] == ["40 <kilo> tomaten & courgettes", "Buurtfeest"]
    assert figures.results[0].initiative == "Moestuin Taagdreef" and figures.results_total == 2
    assert {(c.what, c.state) for c in figures.commitments} == {
        ("Room for the language café", "kept"),
        ("Paint the benches", "overdue"),
        ("Lights in the park", "open"),
    }
    assert figures.commitments_by_organisation() == [
        ("Mitros", {"kept": 1, "open": 1, "overdue": 1})
    ]
    assert len(figures.goals) == 6  # every goal of the example runs in 2027


async def test_only_the_goals_of_the_quarter(app: App, story: Story) -> None:
    figures = await figures_of(app, story, "2026Q1")
    assert {item.goal.slug for item in figures.goals} == {
        "living-together-initiatives",
        "living-together-meeting-places",
    }
    assert figures.results == [] and all(m.took_part == 0 for m in figures.months)


async def test_a_quarter_that_has_not_begun_is_refused(app: App, story: Story) -> None:
    with pytest.raises(BadQuarter, match="2027Q3 has not begun yet"):
        await figures_of(app, story, "2027Q3")


@pytest.mark.parametrize("locale", LOCALES)
async def test_the_page_in_every_language_names_no_one(app: App, story: Story, locale: str) -> None:
    t = translator(locale)
    text = page(await figures_of(app, story), t)
    assert text.startswith("<!DOCTYPE html>")
    assert f'lang="{locale}" dir="{"rtl" if locale == "ar" else "ltr"}"' in text
    for heading in ("Goals", "Results", "Partners and their commitments"):
        assert f"<h2>{t._(heading)}</h2>" in text
    assert len(re.findall(r'<img class="chart" alt="[^"]+" src="data:image/png;base64,', text)) == 3
    assert "40 &lt;kilo&gt; tomaten &amp; courgettes" in text and "Too late" not in text
    assert "Moestuin Taagdreef" in text and "Mitros" in text
    assert "Still a wish" not in text
    for private in (*NAMES, *map(str, CHAT_IDS)):
        assert private not in text


async def test_a_quarter_without_news_says_so(app: App) -> None:
    async with app.sessions() as session:
        neighbourhood = await session.scalar(select(Neighbourhood))
        assert neighbourhood is not None
        figures = await gather(session, neighbourhood, Quarter(2026, 1), WRITTEN)
    t = translator("en")
    text = page(figures, t)
    assert t._("No results were published in this quarter.") in text
    assert t._("No commitments in this quarter.") in text
    assert text.count('<img class="chart"') == 2  # participation and goals


# -- the command line ------------------------------------------------------------------------


def run(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    database_url: str,
    *args: str,
) -> tuple[int, str, str]:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("BOT_TOKEN", "123456:TEST-TOKEN")
    code = main(["--env-file", "/nonexistent", "report", *args])
    out, err = capsys.readouterr()
    return code, out, "\n".join(line for line in err.splitlines() if "alembic" not in line)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--quarter", "2027-1"], "wijkbot: --quarter: '2027-1' is not a quarter"),
        (["--quarter", "2099Q1"], "wijkbot: --quarter: 2099Q1 has not begun yet"),
        (["--quarter", "2026Q1", "--neighbourhood", "nowhere"], "no neighbourhood 'nowhere'"),
        (["--quarter", "2026Q1", "--language", "fr"], "wijkbot: --language: choose one of"),
    ],
)
async def test_the_command_refuses_in_one_line(
    app: App,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    args: list[str],
    message: str,
) -> None:
    out = tmp_path / "report.html"
    code, _, err = await asyncio.to_thread(
        run, monkeypatch, capsys, app.settings.database_url, *args, "--out", str(out)
    )
    assert code == 2 and len(err.splitlines()) == 1 and message in err
    assert not out.exists()


async def test_the_command_writes_the_report(
    app: App,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    out = tmp_path / "report.html"
    args = ("--quarter", "2026Q1", "--neighbourhood", "overvecht", "--language", "uk")
    code, printed, _ = await asyncio.to_thread(
        run, monkeypatch, capsys, app.settings.database_url, *args, "--out", str(out)
    )
    assert code == 0 and printed.strip() == f"wrote the report for overvecht 2026Q1 to {out}"
    text = out.read_text(encoding="utf-8")
    assert 'lang="uk"' in text and translator("uk")._("Goals") in text
