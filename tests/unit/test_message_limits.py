"""Lengths as Telegram counts them, typed text limited where it is typed, lists bounded."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from bot.app import App
from bot.chat.limits import bounded, clip, utf16_length
from bot.delivery.kinds import KINDS, RenderContext
from bot.domain.models import (
    Commitment,
    Delivery,
    DeliveryStatus,
    Initiative,
    Neighbourhood,
    Organisation,
    Person,
    Support,
)
from bot.emulator.html_rules import parse_html
from bot.i18n import escape, translator
from tests.chat import Chat, onboard, person_with
from tests.factories import initiative, organisation, person_of, resident
from tests.telegram_limits import assert_fits

FACE = "😀"  # U+1F600: one character, two UTF-16 code units


def test_clip_counts_utf16_units_and_cuts_between_characters() -> None:
    clipped = clip(FACE * 600, 1000)
    assert utf16_length(clipped) <= 1000 and clipped.endswith("…")
    clipped.encode("utf-16")  # whole characters only: no lone surrogate
    assert clip(FACE * 3, 6) == FACE * 3  # exactly the limit: untouched
    assert clip("a" + FACE, 2) == "a…"  # the emoji does not fit beside the "…"
    # Clipped before escaping: no half entity such as "&am".
    parse_html(escape(clip("&<>" * 100, 50)))


def test_bounded_lists_say_how_many_are_left_out() -> None:
    t = translator("en")
    lines, shown = bounded(t, ["head"], [FACE * 100] * 50, 1000)
    assert shown == 4 and lines[-1] == "… and 46 more"
    assert sum(utf16_length(line) + 1 for line in lines) <= 1000
    assert bounded(t, [], ["a", "b", "c"], most=2) == (["a", "b", "… and 1 more"], 2)
    assert bounded(t, [], ["a"], most=2) == (["a"], 1)


async def test_a_progress_update_is_limited_in_utf16_units_where_it_is_typed(app: App) -> None:
    chat = Chat(app, 300, language_code="en")
    await onboard(chat)
    lead = await person_of(app, 300)
    assert lead is not None
    await initiative(app, lead, "Tea " + FACE)
    await chat.press("My Wijkbot")
    await chat.press("Tea")
    await chat.press("Post an update")
    await chat.send(FACE * 401)  # 401 characters to Python, 802 to Telegram
    assert "That is 802 characters (an emoji counts as 2); at most 800 fit." in chat.text
    await chat.send(FACE * 400)
    assert "Add a photo?" in chat.text


async def test_two_hundred_commitments_are_paged(app: App) -> None:
    coordinator = await person_with(app, "coordinator", 310)
    organisation_id = await organisation(app)
    me = await person_of(app, 310)
    assert me is not None
    async with app.sessions.begin() as session:
        for n in range(200):
            session.add(
                Commitment(
                    neighbourhood_id=me.neighbourhood_id,
                    organisation_id=organisation_id,
                    what=f"{n:03} " + "🚧" * 148,  # 300 UTF-16 units, the most a step accepts
                    due_on=date(2026, 1, 1),
                    created_by_id=me.id,
                    created_at=app.clock.now(),
                    updated_at=app.clock.now(),
                )
            )
    await coordinator.press("Commitments")
    assert_fits(coordinator.last)
    assert "1/34" in coordinator.labels and "000" in coordinator.text
    await coordinator.press("▶")
    assert_fits(coordinator.last)
    assert "2/34" in coordinator.labels and "006" in coordinator.text
    assert "000" not in coordinator.text
    await coordinator.press("006")
    assert "Latest note" not in coordinator.text and "006" in coordinator.text


async def test_my_wijkbot_with_two_hundred_initiatives_fits_one_message(app: App) -> None:
    chat = Chat(app, 320, language_code="en")
    await onboard(chat)
    me = await person_of(app, 320)
    other = await resident(app, 321)
    assert me is not None
    title = FACE * 40  # 80 UTF-16 units, the most the title step accepts
    for n in range(200):
        app.clock.advance(timedelta(seconds=1))  # the newest are listed first
        await initiative(app, me, f"{n:03}{title}"[:80])
        supported = await initiative(app, other, f"s{n:03}{title}"[:80])
        async with app.sessions.begin() as session:
            session.add(
                Support(initiative_id=supported.id, person_id=me.id, created_at=app.clock.now())
            )
    await chat.press("My Wijkbot")
    assert_fits(chat.last)
    assert chat.text.count("… and 192 more") == 2  # 8 of each list shown
    assert "⚙️ 192" in " ".join(chat.labels) and "⚙️ 191" not in " ".join(chat.labels)
    await chat.press("⚙️ 199")  # the buttons go with the lines shown
    assert "Status: approved" in chat.text


async def test_the_overdue_summary_of_two_hundred_commitments_fits(app: App) -> None:
    me = await resident(app, 330, locale="ar")
    async with app.sessions.begin() as session:
        overvecht = await session.scalar(select(Neighbourhood))
        mitros = Organisation(name="Mitros", created_at=app.clock.now())
        session.add(mitros)
        await session.flush()
        assert overvecht is not None
        for _ in range(200):
            session.add(
                Commitment(
                    neighbourhood_id=overvecht.id,
                    organisation_id=mitros.id,
                    what="<b>&" + "🚧" * 148,
                    due_on=app.clock.now().date() - timedelta(days=1),
                    created_at=app.clock.now(),
                    updated_at=app.clock.now(),
                )
            )
        row = Delivery(
            key="k",
            person_id=me.id,
            kind="overdue_summary",
            subject=f"neighbourhood:{overvecht.id}",
            period="",
            payload={},
            status=DeliveryStatus.SENDING,
            attempts=0,
            next_attempt_at=app.clock.now(),
            created_at=app.clock.now(),
        )
        session.add(row)
    async with app.sessions() as session:
        person = await session.get(Person, me.id)
        assert person is not None
        context = RenderContext(
            session, person, translator("ar"), app.settings.zone, app.clock.now()
        )
        reply = await KINDS["overdue_summary"].render(context, row)
    assert reply is not None
    assert_fits(reply)
    lines = reply.text.split("\n")
    shown = len(lines) - 2  # the heading, the commitments, the line for the rest
    assert shown >= 10
    assert lines[-1] == translator("ar").n_("… and {n} more", "… and {n} more", 200 - shown)


async def test_supported_initiative_titles_are_listed_as_typed(app: App) -> None:
    """The cut keeps typed text escaped: an initiative named like markup shows as typed."""
    chat = Chat(app, 340, language_code="en")
    await onboard(chat)
    me = await person_of(app, 340)
    assert me is not None
    await initiative(app, me, "<i>tea</i> & cake")
    await chat.press("My Wijkbot")
    assert_fits(chat.last)
    assert "&lt;i&gt;tea&lt;/i&gt; &amp; cake" in chat.last.text
    async with app.sessions() as session:
        assert await session.scalar(select(Initiative.title)) == "<i>tea</i> & cake"
