"""Statistics, charts, CSV export and the wins-of-the-week card, from data built with factories.

The story: Overvecht over weeks 10-12 of 2026 (Monday 2 March to Sunday 22
March, Amsterdam time), with initiatives in several themes and statuses,
signups and supports across the weeks (one on each side of a local Monday
midnight), a broadcast with outbox rows in every outcome, and a second
neighbourhood whose numbers must never leak into Overvecht's.
"""

from __future__ import annotations

import csv
import gettext
import io
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from sqlalchemy import select, update

from bot.app import App
from bot.chat.limits import CAPTION_LIMIT, visible_length
from bot.clock import ManualClock
from bot.delivery.kinds import KINDS, RenderContext
from bot.domain import neighbourhoods
from bot.domain.broadcasts import Report
from bot.domain.models import (
    Action,
    ActionStatus,
    Broadcast,
    BroadcastStatus,
    Delivery,
    DeliveryStatus,
    Initiative,
    InitiativeStatus,
    Person,
    Result,
    Signup,
    SignupStatus,
    Support,
    Theme,
)
from bot.i18n import Translator, translator
from bot.jobs.sweeps import weekly_digest
from bot.reports import charts
from bot.reports.card import WinsCard, wins_card
from bot.reports.export import export_tables, export_zip
from bot.reports.statistics import BroadcastReach, WeekTally, overview
from tests.factories import action, initiative, join, resident

NOW = datetime(2026, 3, 18, 12, 0, tzinfo=UTC)  # Wednesday of week 12
ZONE = ZoneInfo("Europe/Amsterdam")
NAMES = ("Annemarie", "Bartholomeus", "Cemile", "Dilan", "Evangelina")
CHAT_IDS = (7770001, 7770002, 7770003, 7770004, 7770005)
FIRST_SENT, SECOND_SENT = (
    datetime(2026, 3, 4, 10, 0, tzinfo=UTC),
    datetime(2026, 3, 11, 10, 0, tzinfo=UTC),
)


def utc(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


@dataclass
class Story:
    neighbourhood_id: int
    garden_id: int
    cleanup_id: int
    coffee_id: int
    first_broadcast: int
    second_broadcast: int


async def retheme(app: App, item: Initiative, slug: str | None) -> None:
    async with app.sessions.begin() as session:
        theme_id = None
        if slug is not None:
            theme_id = await session.scalar(
                select(Theme.id).where(
                    Theme.slug == slug, Theme.neighbourhood_id == item.neighbourhood_id
                )
            )
        await session.execute(
            update(Initiative).where(Initiative.id == item.id).values(theme_id=theme_id)
        )


async def add(app: App, *rows: object) -> None:
    async with app.sessions.begin() as session:
        session.add_all(rows)


async def signup(
    app: App, action_id: int, person_id: int, status: SignupStatus, at: datetime, **extra: object
) -> None:
    await add(
        app,
        Signup(action_id=action_id, person_id=person_id, status=status, created_at=at, **extra),
    )


async def elsewhere(app: App, clock: ManualClock) -> tuple[int, int]:
    """Lansingerland, with a resident and an initiative: none of it may count for Overvecht."""
    document = {
        "slug": "lansingerland",
        "name": "Lansingerland",
        "areas": [{"slug": "bleiswijk", "name": "Bleiswijk"}],
        "themes": [
            {
                "slug": "health",
                "names": {
                    "nl": "Gezondheid",
                    "en": "Health",
                    "tr": "Sağlık",
                    "ar": "الصحة",
                    "pl": "Zdrowie",
                },
            }
        ],
    }
    async with app.sessions.begin() as session:
        other = await neighbourhoods.load(session, neighbourhoods.parse(document), clock.now())
        person = Person(
            first_name="Elsewhere",
            locale="nl",
            neighbourhood_id=other.id,
            consent_at=clock.now(),
            created_at=clock.now(),
            last_seen_at=clock.now(),
        )
        session.add(person)
        await session.flush()
        item = Initiative(
            neighbourhood_id=other.id,
            owner_id=person.id,
            title="Far away",
            status=InitiativeStatus.APPROVED,
            created_at=clock.now(),
            updated_at=clock.now(),
        )
        session.add(item)
        await session.flush()
        return item.id, person.id


@pytest.fixture
async def story(app: App, clock: ManualClock) -> Story:
    clock.set(utc(2, 25, 10))  # week 9, before the three weeks counted
    lead = await resident(app, CHAT_IDS[0], first_name=NAMES[0])

    clock.set(utc(3, 2, 9))  # week 10
    bo = await resident(app, CHAT_IDS[1], first_name=NAMES[1])
    cem = await resident(app, CHAT_IDS[2], first_name=NAMES[2], locale="tr")
    far_initiative, _ = await elsewhere(app, clock)
    walking = await initiative(app, lead, "Walking group")
    await retheme(app, walking, "health")
    fair = await initiative(app, lead, "Health fair", status=InitiativeStatus.SUBMITTED)
    await retheme(app, fair, "health")
    garden = await initiative(app, lead, "Vegetable garden", supporters=2)
    street = await initiative(app, lead, "Street party")
    await initiative(app, lead, "Night market", status=InitiativeStatus.REJECTED)
    watch = await initiative(app, lead, "Neighbourhood watch", status=InitiativeStatus.COMPLETED)
    await retheme(app, watch, "safety")
    formula = await initiative(
        app, lead, '=HYPERLINK("https://example.org")', status=InitiativeStatus.WITHDRAWN
    )
    await retheme(app, formula, None)
    draft = await initiative(app, lead, "Secret draft", status=InitiativeStatus.DRAFT)
    await retheme(app, draft, "work")
    cleanup = await action(
        app, utc(3, 7, 10), title="Clean-up", capacity=2, initiative_id=garden.id
    )
    coffee = await action(app, utc(3, 12, 9), title="Coffee morning", place="@ the library")
    cancelled = await action(app, utc(3, 19, 9), title="Cancelled walk")
    async with app.sessions.begin() as session:
        await session.execute(
            update(Action).where(Action.id == cancelled.id).values(status=ActionStatus.CANCELLED)
        )

    clock.set(utc(3, 3, 18))
    await join(app, cleanup.id, bo.id)
    await join(app, cleanup.id, cem.id)

    clock.set(utc(3, 10, 9))  # week 11
    dilan = await resident(app, CHAT_IDS[3], first_name=NAMES[3], locale="ar")
    clock.set(utc(3, 11, 10))
    await join(app, coffee.id, dilan.id)
    await join(app, coffee.id, bo.id)  # bo counts again: a new week

    clock.set(utc(3, 16, 9))  # week 12
    eva = await resident(app, CHAT_IDS[4], first_name=NAMES[4], locale="pl")

    await signup(app, coffee.id, cem.id, SignupStatus.LEFT, utc(3, 11, 12))
    await signup(app, cleanup.id, eva.id, SignupStatus.WAITLISTED, utc(3, 16, 10))
    await signup(app, cancelled.id, eva.id, SignupStatus.JOINED, utc(3, 16, 11))
    # On the waiting list in week 10, in from week 12: counted when they got in.
    await signup(
        app, coffee.id, lead.id, SignupStatus.JOINED, utc(3, 5, 9), promoted_at=utc(3, 17, 8)
    )

    await add(
        app,
        Support(initiative_id=garden.id, person_id=bo.id, created_at=utc(3, 4, 12)),
        # Sunday 23:30 in Amsterdam: still week 10 ...
        Support(initiative_id=garden.id, person_id=cem.id, created_at=utc(3, 8, 22, 30)),
        # ... and Monday 00:30 in Amsterdam is week 11, although it is Sunday in UTC.
        Support(initiative_id=walking.id, person_id=dilan.id, created_at=utc(3, 8, 23, 30)),
        Support(initiative_id=street.id, person_id=bo.id, created_at=utc(3, 10, 12)),
        Support(initiative_id=far_initiative, person_id=eva.id, created_at=utc(3, 17, 12)),
    )

    assert lead.neighbourhood_id is not None
    overvecht = lead.neighbourhood_id
    broadcasts = [
        Broadcast(
            neighbourhood_id=overvecht,
            text=text,
            status=status,
            sent_at=sent_at,
            created_at=utc(3, 2, 9),
        )
        for text, status, sent_at in (
            ("Spring clean-up!", BroadcastStatus.SENT, FIRST_SENT),
            ("Street party on Saturday", BroadcastStatus.SENDING, SECOND_SENT),
            ("Not sent yet", BroadcastStatus.DRAFT, None),
        )
    ]
    await add(app, *broadcasts)
    first, second = broadcasts[0].id, broadcasts[1].id
    outcomes = [
        (first, bo, DeliveryStatus.SENT),
        (first, cem, DeliveryStatus.SENT),
        (second, bo, DeliveryStatus.SENT),
        (second, cem, DeliveryStatus.SENT),
        (second, dilan, DeliveryStatus.SENT),
        (second, eva, DeliveryStatus.UNREACHABLE),
        (second, lead, DeliveryStatus.FAILED),
        (second, None, DeliveryStatus.PENDING),
        (None, bo, DeliveryStatus.SENT),  # a weekly digest: not a broadcast
    ]
    await add(
        app,
        *[
            Delivery(
                key=f"row-{index}",
                person_id=(person or bo).id,
                kind="broadcast" if broadcast_id else "weekly_digest",
                broadcast_id=broadcast_id,
                status=status,
                next_attempt_at=SECOND_SENT,
                created_at=SECOND_SENT,
            )
            for index, (broadcast_id, person, status) in enumerate(outcomes)
        ],
    )
    clock.set(NOW)
    return Story(overvecht, garden.id, cleanup.id, coffee.id, first, second)


async def test_statistics_count_themes_statuses_weeks_and_reach(app: App, story: Story) -> None:
    async with app.sessions() as session:
        stats = await overview(session, story.neighbourhood_id, NOW, weeks=3)

    assert [(tally.slug, dict(tally.by_status)) for tally in stats.initiatives] == [
        ("health", {InitiativeStatus.APPROVED: 1, InitiativeStatus.SUBMITTED: 1}),
        ("parenting", {}),
        ("living-together", {InitiativeStatus.APPROVED: 2, InitiativeStatus.REJECTED: 1}),
        ("work", {}),  # its only initiative is a draft
        ("safety", {InitiativeStatus.COMPLETED: 1}),
        (None, {InitiativeStatus.WITHDRAWN: 1}),
    ]
    assert stats.initiatives[2].names["ar"] == "العيش معًا"
    assert stats.weeks == [
        WeekTally("2026-W10", date(2026, 3, 2), joined=2, supporters=2, residents=2),
        WeekTally("2026-W11", date(2026, 3, 9), joined=2, supporters=2, residents=1),
        WeekTally("2026-W12", date(2026, 3, 16), joined=1, supporters=0, residents=1),
    ]
    assert stats.broadcasts == [
        BroadcastReach(story.first_broadcast, FIRST_SENT, Report(2, 0, 0, 0)),
        BroadcastReach(story.second_broadcast, SECOND_SENT, Report(3, 1, 1, 1)),
    ]
    assert [item.recipients for item in stats.broadcasts] == [2, 6]


def png_size(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "PNG"
        return image.size


async def test_charts_are_small_phone_sized_pngs_in_the_readers_language(
    app: App, story: Story
) -> None:
    async with app.sessions() as session:
        stats = await overview(session, story.neighbourhood_id, NOW, weeks=3)
    pictures = {}
    for locale in ("en", "ar"):
        t = translator(locale)
        pictures[locale] = [
            charts.initiatives_chart(stats.initiatives, t),
            charts.participation_chart(stats.weeks, t),
            charts.reach_chart(stats.broadcasts, t, ZONE),
        ]
        for data in pictures[locale]:
            assert png_size(data) == (1000, 700)
            assert len(data) < 200_000
    # Theme names and dates differ by language, so the pictures do.
    assert pictures["en"][0] != pictures["ar"][0] and pictures["en"][2] != pictures["ar"][2]
    # The same numbers give the same bytes.
    assert charts.initiatives_chart(stats.initiatives, translator("en")) == pictures["en"][0]


def test_charts_draw_without_any_data() -> None:
    t = translator("nl")
    for data in (
        charts.initiatives_chart([], t),
        charts.participation_chart([], t),
        charts.reach_chart([], t, ZONE),
    ):
        assert png_size(data) == (1000, 700)


def test_matplotlib_shapes_arabic_itself() -> None:
    """Arabic chart labels rely on the libraqm that matplotlib >= 3.11 is built with."""
    from matplotlib import ft2font

    assert getattr(ft2font, "__libraqm_version__", None)


def test_starting_the_bot_imports_neither_matplotlib_nor_pillow() -> None:
    code = (
        "import sys, bot.app, bot.delivery.kinds, bot.reports.charts, bot.reports.export\n"
        "print([name for name in ('matplotlib', 'PIL') if name in sys.modules])"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "[]"


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # the byte order mark Excel needs for UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


async def test_csv_export_holds_counts_and_no_personal_data(app: App, story: Story) -> None:
    t = translator("en")
    async with app.sessions() as session:
        tables = await export_tables(session, story.neighbourhood_id, t, NOW, weeks=3)
    assert list(tables) == ["initiatives.csv", "activities.csv", "participation.csv"]

    initiatives = read_csv(tables["initiatives.csv"])
    assert initiatives[0] == [
        "ID",
        "Title",
        "Theme",
        "Buurt",
        "Status",
        "Supporters",
        "Created",
        "Decided",
    ]
    assert len(initiatives) == 1 + 7  # every initiative but the draft
    garden = next(row for row in initiatives if row[0] == str(story.garden_id))
    assert garden == [
        str(story.garden_id),
        "Vegetable garden",
        "Living together",
        "Taagdreef",
        "approved",
        "2",
        "2026-03-02",
        "2026-03-02",
    ]
    # A resident's formula stays text in a spreadsheet.
    formula = ['\'=HYPERLINK("https://example.org")', "", "Taagdreef", "withdrawn"]
    assert initiatives[-1][1:5] == formula
    assert "Secret draft" not in tables["initiatives.csv"].decode()

    activities = read_csv(tables["activities.csv"])
    assert activities == [
        [
            "ID",
            "Initiative ID",
            "Title",
            "Place",
            "Starts",
            "Capacity",
            "Joined",
            "Waiting list",
            "Came",
            "Did not come",
        ],
        [
            str(story.cleanup_id),
            str(story.garden_id),
            "Clean-up",
            "Playground",
            "2026-03-07 11:00",
            "2",
            "2",
            "1",
            "",  # no check-in used: nothing known of who came
            "",
        ],
        [
            str(story.coffee_id),
            "",
            "Coffee morning",
            "'@ the library",
            "2026-03-12 10:00",
            "",
            "3",
            "0",
            "",
            "",
        ],
    ]

    assert read_csv(tables["participation.csv"]) == [
        ["Week", "Monday", "Joined an activity", "New supporters", "New residents"],
        ["2026-W10", "2026-03-02", "2", "2", "2"],
        ["2026-W11", "2026-03-09", "2", "2", "1"],
        ["2026-W12", "2026-03-16", "1", "0", "1"],
    ]

    everything = b"".join(tables.values()).decode("utf-8-sig")
    for private in (*NAMES, "Elsewhere", *map(str, CHAT_IDS)):
        assert private not in everything


async def test_the_zip_holds_the_three_tables(app: App, story: Story) -> None:
    t = translator("en")
    async with app.sessions() as session:
        file = await export_zip(session, story.neighbourhood_id, t, NOW, weeks=3)
        tables = await export_tables(session, story.neighbourhood_id, t, NOW, weeks=3)
    assert file.filename == "wijkbot-overvecht-2026-03-18.zip" and file.data is not None
    with zipfile.ZipFile(io.BytesIO(file.data)) as archive:
        assert {name: archive.read(name) for name in archive.namelist()} == tables


CARD = WinsCard("Overvecht", date(2026, 3, 2), date(2026, 3, 8), 3, 12, 1)


@pytest.mark.parametrize("locale", ["nl", "ar"])
def test_the_card_is_a_square_png_that_shows_the_weeks_numbers(locale: str) -> None:
    t = translator(locale)
    data = wins_card(CARD, t)
    assert png_size(data) == (1080, 1080)
    other_week = WinsCard("Overvecht", date(2026, 3, 9), date(2026, 3, 15), 0, 4, 2)
    assert wins_card(other_week, t) != data
    assert wins_card(CARD, t) is data  # drawn once, then sent to everyone from the cache


class Marker(gettext.NullTranslations):
    """A catalog that says "WORDS" for every message: shows where translated words are drawn."""

    def gettext(self, message: str) -> str:
        return "WORDS"

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return "WORDS"


@pytest.mark.parametrize("locale", ["nl", "en", "tr", "ar", "pl", "uk"])
def test_the_card_has_translated_words_in_every_language(locale: str) -> None:
    marked = wins_card(CARD, Translator(locale, Marker()))
    assert wins_card(CARD, translator(locale)) != marked


async def test_weekly_digest_sends_the_card_with_the_text_as_caption(
    app: App, clock: ManualClock
) -> None:
    clock.set(utc(3, 3, 12))
    bo = await resident(app, 31, locale="pl")
    await initiative(app, bo, "Vegetable garden")
    assert bo.neighbourhood_id is not None
    await add(
        app, Result(neighbourhood_id=bo.neighbourhood_id, text="40 bags", published_at=utc(3, 6, 9))
    )
    clock.set(utc(3, 9, 8, 30))  # Monday 09:30 in Amsterdam
    async with app.sessions.begin() as session:
        assert await weekly_digest(session, clock.now()) == 1
    async with app.sessions() as session:
        delivery = await session.scalar(select(Delivery))
        person = await session.get(Person, bo.id)
        assert delivery is not None and person is not None
        t = translator("pl")
        context = RenderContext(session, person, t, app.settings.zone, clock.now())
        reply = await KINDS["weekly_digest"].render(context, delivery)

    assert reply is not None and reply.picture is not None
    assert reply.picture.filename == "wins.png" and reply.picture.mime == "image/png"
    assert t.n_("{n} result", "{n} results", 1) in reply.text
    assert visible_length(reply.text) <= CAPTION_LIMIT
    expected = WinsCard("Overvecht", date(2026, 3, 2), date(2026, 3, 8), 1, 0, 1)
    assert reply.picture.data == wins_card(expected, t)
