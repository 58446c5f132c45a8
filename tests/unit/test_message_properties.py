"""Every message kind, and the screens that show typed text, in every language, with the
longest and oddest text each field accepts, fits Telegram and WhatsApp: the reply can be
made, the Telegram emulator's HTML parser and limits accept it, and rendered for WhatsApp
each of its messages passes the WhatsApp emulator's rules.

Fields are filled up to the limit their step accepts (UTF-16 code units) or, where nothing
is typed through a step (a neighbourhood's name, an activity's place), up to their column's
size, from pieces that break naive code: astral emoji, a family joined by zero-width
joiners, flags, Arabic, HTML characters, combining accents, direction marks.

One database per kind serves all its examples: each example overwrites the fields, so the
run stays short; Hypothesis is derandomized, so CI sees the same examples every time.
"""

from __future__ import annotations

import asyncio
import html
import shutil
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import App, build_app
from bot.chat.events import Event
from bot.chat.limits import CAPTION_LIMIT, TEXT_LIMIT, bounded, clip, fit, utf16_length
from bot.chat.replies import File, Reply
from bot.clock import ManualClock
from bot.config import SUPPORTED_LOCALES
from bot.delivery.kinds import KINDS, RenderContext
from bot.domain import db, goals
from bot.domain.commitments import WHAT_LIMIT
from bot.domain.initiatives import TITLE_LIMIT
from bot.domain.models import (
    Action,
    ActionStatus,
    Base,
    Broadcast,
    BroadcastStatus,
    ChatLink,
    ChatLinkStatus,
    Commitment,
    CommitmentStatus,
    Delivery,
    Goal,
    GoalMeasure,
    Identity,
    Initiative,
    InitiativeStatus,
    Neighbourhood,
    NetworkMonth,
    Organisation,
    Person,
    ProgressUpdate,
    Result,
    Signup,
    SignupStatus,
    Support,
)
from bot.domain.review import REASON_LIMIT
from bot.flows.broadcast import PHOTO_TEXT_LIMIT
from bot.flows.broadcast import TEXT_LIMIT as BROADCAST_LIMIT
from bot.flows.mine import UPDATE_LIMIT
from bot.flows.results import RESULT_LIMIT
from bot.i18n import N_, Html, escape, translator
from tests.chat import Chat, onboard, person_with
from tests.conftest import load_example, make_settings
from tests.factories import initiative, organisation, person_of, resident
from tests.telegram_limits import assert_fits
from tests.whatsapp_limits import assert_fits_whatsapp

# Few, fixed examples per case: the same on every run, and quick enough for CI.
EXAMPLES = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

PIECES = [
    "😀",  # astral: 2 UTF-16 units
    "👩‍👩‍👧‍👦",  # a family: 4 emoji and 3 zero-width joiners, 11 units
    "🇳🇱",
    "مرحبا بالجيران",
    "\u200f",  # right-to-left mark
    "\u200d",  # zero-width joiner, alone
    "e\u0301",  # e and a combining acute accent
    "<b>",
    "</i>",
    "&amp;",
    "&",
    "<",
    ">",
    '"',
    "'",
    "Ğ",
    "𝔘",
    " ",
    "x",
]
FOLLOWED = 5  # initiatives the person follows: the digest names 3 "… and 2 more"
OVERDUE = 30  # commitments in the overdue summary


def cut(text: str, limit: int, *, units: bool) -> str:
    """The longest start of `text` within `limit` UTF-16 units (or characters)."""
    out, used = [], 0
    for character in text:
        size = utf16_length(character) if units else 1
        if used + size > limit:
            break
        out.append(character)
        used += size
    return "".join(out)


def typed(limit: int, *, units: bool = True) -> st.SearchStrategy[str]:
    """Text of at most `limit` (mostly exactly `limit`) from awkward pieces."""

    def build(pieces: list[str], longest: bool, length: int) -> str:
        pattern = "".join(pieces)
        repeated = pattern * (limit // len(pattern) + 1)
        text = cut(repeated, limit if longest else length, units=units)
        return text.strip() or "x"

    return st.builds(
        build,
        st.lists(st.sampled_from(PIECES), min_size=1, max_size=12),
        st.booleans() | st.just(True),
        st.integers(1, limit),
    )


@dataclass
class Texts:
    locale: str
    title: str
    note: str
    action_title: str
    place: str
    update: str
    result: str
    broadcast: str
    organisation: str
    what: str
    first_name: str
    neighbourhood: str
    photo: bool
    number: int


def limits(photo: bool) -> dict[str, tuple[int, bool]]:
    """Each typed field's limit, and whether it counts UTF-16 units (else characters)."""
    return {
        "title": (TITLE_LIMIT, True),
        "note": (REASON_LIMIT, True),
        "action_title": (200, False),  # the column's size in characters
        "place": (200, False),
        "update": (UPDATE_LIMIT, True),
        "result": (RESULT_LIMIT, True),
        "broadcast": (PHOTO_TEXT_LIMIT if photo else BROADCAST_LIMIT, True),
        "organisation": (120, True),
        "what": (WHAT_LIMIT, True),
        "first_name": (64, False),  # Telegram's limit for a first name
        "neighbourhood": (120, False),
    }


def texts() -> st.SearchStrategy[Texts]:
    photo = st.booleans()
    return photo.flatmap(
        lambda with_photo: st.builds(
            Texts,
            locale=st.sampled_from(SUPPORTED_LOCALES),
            photo=st.just(with_photo),
            number=st.integers(0, 10_000_000),
            **{
                name: typed(limit, units=units)
                for name, (limit, units) in limits(with_photo).items()
            },
        )
    )


def longest(locale: str) -> Texts:
    """An example in `locale` with every field at its limit, from all the awkward pieces:
    for a language the examples above happened to leave out."""
    every = "".join(PIECES)
    return Texts(
        locale=locale,
        photo=True,
        number=9_999_999,
        **{
            name: cut(every * limit, limit, units=units).strip()
            for name, (limit, units) in limits(True).items()
        },
    )


@dataclass
class World:
    app: App
    person: Person
    owner: Person
    neighbourhood_id: int
    initiative_ids: list[int]
    action_id: int
    update_id: int
    result_id: int
    broadcast_id: int
    organisation_id: int
    commitment_ids: list[int]


async def build_world(database_url: str) -> World:
    app = build_app(
        make_settings(database_url), ManualClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    )
    await load_example(app, "overvecht.yaml")
    now = app.clock.now()
    person = await resident(app, 7000)
    owner = await resident(app, 7001)
    items = [await initiative(app, owner, f"i{n}") for n in range(FOLLOWED)]
    async with app.sessions.begin() as session:
        neighbourhood_id = owner.neighbourhood_id
        assert neighbourhood_id is not None
        for item in items:
            session.add(Support(initiative_id=item.id, person_id=person.id, created_at=now))
            session.add(ProgressUpdate(initiative_id=item.id, text="-", created_at=now))
        action = Action(
            neighbourhood_id=neighbourhood_id,
            initiative_id=items[0].id,
            title="-",
            starts_at=now + timedelta(days=3),
            status=ActionStatus.OPEN,
            created_at=now,
        )
        update = ProgressUpdate(initiative_id=items[0].id, text="-", created_at=now)
        result = Result(
            neighbourhood_id=neighbourhood_id,
            initiative_id=items[0].id,
            text="-",
            published_at=now,
        )
        broadcast = Broadcast(
            neighbourhood_id=neighbourhood_id,
            author_id=owner.id,
            text="-",
            status=BroadcastStatus.SENDING,
            created_at=now,
        )
        organisation = Organisation(name="-", created_at=now)
        session.add_all([action, update, result, broadcast, organisation])
        await session.flush()
        session.add(
            Signup(
                action_id=action.id,
                person_id=person.id,
                status=SignupStatus.JOINED,
                created_at=now,
            )
        )
        commitments = [
            Commitment(
                neighbourhood_id=neighbourhood_id,
                organisation_id=organisation.id,
                what="-",
                due_on=now.date() - timedelta(days=1),
                created_at=now,
                updated_at=now,
            )
            for _ in range(OVERDUE)
        ]
        session.add_all(commitments)
        await session.flush()
        return World(
            app,
            person,
            owner,
            neighbourhood_id,
            [item.id for item in items],
            action.id,
            update.id,
            result.id,
            broadcast.id,
            organisation.id,
            [commitment.id for commitment in commitments],
        )


async def fill(world: World, texts: Texts) -> None:
    """Every field, everywhere, set to this example's text."""
    photo = "AgACAgIAAxkBAAIB" if texts.photo else None
    async with world.app.sessions.begin() as session:
        person = await session.get(Person, world.person.id)
        owner = await session.get(Person, world.owner.id)
        assert person is not None and owner is not None
        person.locale = texts.locale
        person.opt_outs = ["updates"]  # followed news comes in the digest
        owner.first_name = texts.first_name
        neighbourhood = await session.get(Neighbourhood, world.neighbourhood_id)
        assert neighbourhood is not None
        neighbourhood.name = texts.neighbourhood
        for initiative_id in world.initiative_ids:
            item = await session.get(Initiative, initiative_id)
            assert item is not None
            item.title, item.review_note = texts.title, texts.note
        action = await session.get(Action, world.action_id)
        update = await session.get(ProgressUpdate, world.update_id)
        result = await session.get(Result, world.result_id)
        broadcast = await session.get(Broadcast, world.broadcast_id)
        organisation = await session.get(Organisation, world.organisation_id)
        assert action and update and result and broadcast and organisation
        action.title, action.place = texts.action_title, texts.place
        action.starts_at = world.app.clock.now() + timedelta(days=3)  # (report_asked moves it)
        first = await session.get(Initiative, world.initiative_ids[0])
        assert first is not None
        first.owner_id = world.owner.id
        update.text, update.photo_file_id = texts.update, photo
        update.numbers = {"reached": texts.number}
        result.text, result.photo_file_id, result.number = texts.result, photo, texts.number
        broadcast.text, broadcast.photo_file_id = texts.broadcast, photo
        broadcast.texts_by_locale = {texts.locale: texts.broadcast}
        organisation.name = texts.organisation
        for commitment_id in world.commitment_ids:
            commitment = await session.get(Commitment, commitment_id)
            assert commitment is not None
            commitment.what, commitment.status = texts.what, CommitmentStatus.OPEN


async def set_status(session: AsyncSession, world: World, status: InitiativeStatus) -> None:
    item = await session.get(Initiative, world.initiative_ids[0])
    assert item is not None
    item.status = status


Setup = Callable[[AsyncSession, World, Texts], Awaitable[dict[str, Any]]]


def simple(**row: Any) -> Setup:
    async def setup(session: AsyncSession, world: World, texts: Texts) -> dict[str, Any]:
        return {key: value(world) if callable(value) else value for key, value in row.items()}

    return setup


def with_status(status: InitiativeStatus, period: str = "") -> Setup:
    async def setup(session: AsyncSession, world: World, texts: Texts) -> dict[str, Any]:
        await set_status(session, world, status)
        return {"subject": f"initiative:{world.initiative_ids[0]}", "period": period}

    return setup


async def decision(session: AsyncSession, world: World, texts: Texts) -> dict[str, Any]:
    period = ["approved", "changes", "reject"][texts.number % 3]
    status = {
        "approved": InitiativeStatus.APPROVED,
        "changes": InitiativeStatus.CHANGES_REQUESTED,
        "reject": InitiativeStatus.REJECTED,
    }[period]
    return await with_status(status, period)(session, world, texts)


async def reminder(session: AsyncSession, world: World, texts: Texts) -> dict[str, Any]:
    """The reminder a day before, which asks "still coming?" with buttons."""
    signup = await session.scalar(select(Signup).where(Signup.action_id == world.action_id))
    assert signup is not None
    signup.status, signup.offer_ends_at, signup.confirmed_at = SignupStatus.JOINED, None, None
    return {"subject": f"action:{world.action_id}", "period": "24h"}


async def report_asked(session: AsyncSession, world: World, texts: Texts) -> dict[str, Any]:
    """The activity took place yesterday; the person leads its initiative and is asked."""
    action = await session.get(Action, world.action_id)
    item = await session.get(Initiative, world.initiative_ids[0])
    assert action is not None and item is not None
    action.starts_at = world.app.clock.now() - timedelta(days=1)
    item.status, item.owner_id = InitiativeStatus.APPROVED, world.person.id
    period = ["ended", "3d", "7d"][texts.number % 3]
    return {"subject": f"action:{world.action_id}", "period": period}


async def offered(session: AsyncSession, world: World, texts: Texts) -> dict[str, Any]:
    """The person's place, offered to them for six hours (long texts: title and dates)."""
    signup = await session.scalar(select(Signup).where(Signup.action_id == world.action_id))
    assert signup is not None
    ends_at = (world.app.clock.now() + timedelta(hours=6)).replace(microsecond=0)
    signup.status, signup.offer_ends_at = SignupStatus.OFFERED, ends_at
    return {"subject": f"action:{world.action_id}", "period": str(int(ends_at.timestamp()))}


async def everyone_public(session: AsyncSession, world: World, texts: Texts) -> dict[str, Any]:
    """An approved initiative and a result whose people said yes to the public page: the
    longest post in a neighbourhood's group (a name, and the result's photo)."""
    await set_status(session, world, InitiativeStatus.APPROVED)
    await session.execute(update(Person).values(public_name=True, public_photos=True))
    return {}


def public(**row: Any) -> Setup:
    async def setup(session: AsyncSession, world: World, texts: Texts) -> dict[str, Any]:
        await everyone_public(session, world, texts)
        return await simple(**row)(session, world, texts)

    return setup


async def chat_added(session: AsyncSession, world: World, texts: Texts) -> dict[str, Any]:
    """The person added the bot to a group with a name as long as Telegram allows."""
    link = await session.scalar(select(ChatLink))
    if link is None:
        link = ChatLink(
            messenger="telegram",
            chat_id=-1001,
            title="",
            chat_type="supergroup",
            added_by_id=world.person.id,
            status=ChatLinkStatus.PENDING,
            created_at=world.app.clock.now(),
        )
        session.add(link)
        await session.flush()
    link.title = cut(texts.note, 128, units=True)
    return {"subject": f"chat:{link.id}"}


async def goal_passed(session: AsyncSession, world: World, texts: Texts) -> dict[str, Any]:
    """A goal counted by hand that passed a threshold, with a title as long as a goal's may be."""
    goal = await session.scalar(select(Goal).where(Goal.measure == GoalMeasure.BY_HAND))
    assert goal is not None
    goal.titles = dict.fromkeys(SUPPORTED_LOCALES, cut(texts.note, goals.TITLE_LIMIT, units=True))
    goal.counted, goal.note = texts.number, cut(texts.note, goals.NOTE_LIMIT, units=True)
    return {"subject": f"goal:{goal.id}", "period": str(goals.THRESHOLDS[texts.number % 4])}


async def new_proposals(session: AsyncSession, world: World, texts: Texts) -> dict[str, Any]:
    """Every initiative sent for review in the hour before the daily summary."""
    now = world.app.clock.now()
    for initiative_id in world.initiative_ids:
        item = await session.get(Initiative, initiative_id)
        assert item is not None
        item.status, item.submitted_at = InitiativeStatus.SUBMITTED, now - timedelta(hours=1)
        item.owner_id = world.owner.id
    return {"subject": f"neighbourhood:{world.neighbourhood_id}", "created_at": now}


async def network_month(session: AsyncSession, world: World, texts: Texts) -> dict[str, Any]:
    """Last month's report with six months of numbers, five initiatives without news, an
    organisation with 30 overdue commitments and every buurt quiet: the longest caption."""
    now = world.app.clock.now()
    for month in range(9, 15):
        key = f"{2025 + month // 13}-{(month - 1) % 12 + 1:02d}"
        exists = await session.scalar(
            select(NetworkMonth).where(
                NetworkMonth.neighbourhood_id == world.neighbourhood_id,
                NetworkMonth.month == key,
            )
        )
        if exists is None:
            n = texts.number
            session.add(
                NetworkMonth(
                    neighbourhood_id=world.neighbourhood_id,
                    month=key,
                    active=n,
                    joined=n // 3,
                    came_back=n // 7,
                    silent=n * 2,
                    created_at=now,
                )
            )
    for initiative_id in world.initiative_ids:
        item = await session.get(Initiative, initiative_id)
        assert item is not None
        item.status, item.decided_at = InitiativeStatus.APPROVED, now - timedelta(days=40)
    return {"subject": f"neighbourhood:{world.neighbourhood_id}", "period": "2026-02"}


SETUPS: dict[str, Setup] = {
    "notice": simple(
        payload={
            "msgid": N_("Done: I will now write to you in {language}."),
            "params": {"language": "<&>" * 20},
        }
    ),
    "broadcast": simple(broadcast_id=lambda w: w.broadcast_id),
    "broadcast_report": simple(subject=lambda w: f"broadcast:{w.broadcast_id}"),
    "action_reminder": reminder,
    "place_offered": offered,
    "report_request": report_asked,
    "celebration_action_done": simple(subject=lambda w: f"action:{w.action_id}"),
    "weekly_digest": simple(subject=lambda w: f"neighbourhood:{w.neighbourhood_id}"),
    "overdue_summary": simple(subject=lambda w: f"neighbourhood:{w.neighbourhood_id}"),
    "review_request": with_status(InitiativeStatus.SUBMITTED),
    "proposals_summary": new_proposals,
    "nudge_draft": with_status(InitiativeStatus.DRAFT),
    "nudge_silent": with_status(InitiativeStatus.APPROVED),
    "celebration_milestone": with_status(InitiativeStatus.APPROVED, "1000"),
    "help_offered": with_status(InitiativeStatus.APPROVED),  # period: set below
    "review_decision": decision,
    "progress_update": simple(subject=lambda w: f"progress:{w.update_id}"),
    "celebration_result": simple(subject=lambda w: f"result:{w.result_id}"),
    "commitment_due": simple(subject=lambda w: f"commitment:{w.commitment_ids[0]}"),
    "commitment_overdue": simple(subject=lambda w: f"commitment:{w.commitment_ids[0]}"),
    "celebration_goal": goal_passed,
    "chat_link_request": chat_added,
    "chat_welcome": simple(subject=lambda w: f"neighbourhood:{w.neighbourhood_id}"),
    "chat_initiative": public(subject=lambda w: f"initiative:{w.initiative_ids[0]}"),
    "chat_result": public(subject=lambda w: f"result:{w.result_id}"),
    "chat_goal": goal_passed,
    "chat_wins": simple(subject=lambda w: f"neighbourhood:{w.neighbourhood_id}"),
    "network_report": network_month,
    "silence_invitation": simple(),  # the person's buurt has the world's activity in 3 days
}


CHAT_POSTS = {"chat_welcome", "chat_initiative", "chat_result", "chat_goal", "chat_wins"}


async def render(world: World, kind: str, texts: Texts) -> None:
    t = translator(texts.locale)
    await fill(world, texts)
    async with world.app.sessions.begin() as session:
        row = {"subject": "", "period": "", "payload": {}, "broadcast_id": None}
        row.update(await SETUPS[kind](session, world, texts))
        if kind == "help_offered":
            row["period"] = str(world.organisation_id)
    delivery = Delivery(kind=kind, person_id=world.person.id, **row)
    async with world.app.sessions() as session:
        person = await session.get(Person, world.person.id)
        assert person is not None
        zone = world.app.settings.zone
        to = None if kind in CHAT_POSTS else person  # a group's post: nobody in particular
        context = RenderContext(session, to, t, zone, world.app.clock.now())
        reply = await KINDS[kind].render(context, delivery)  # a Reply checks its limits
    assert reply is not None, f"{kind} said nothing: the example does not test it"
    assert_fits(reply)
    assert_fits_whatsapp(reply, t)


@pytest.fixture(scope="module")
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    running = asyncio.new_event_loop()
    yield running
    running.close()


def _database(loop: asyncio.AbstractEventLoop, template: str, tmp_path: Path) -> str:
    """A fresh copy of the migrated database (or the emptied PostgreSQL one)."""
    if "://" in template:
        loop.run_until_complete(_empty(template))
        return template
    shutil.copy(template, tmp_path / "wijkbot.db")
    return f"sqlite+aiosqlite:///{tmp_path / 'wijkbot.db'}"


@pytest.fixture
def world(
    loop: asyncio.AbstractEventLoop, database_template: str, tmp_path: Path
) -> Iterator[World]:
    built = loop.run_until_complete(build_world(_database(loop, database_template, tmp_path)))
    yield built
    loop.run_until_complete(built.app.close())


async def _empty(url: str) -> None:
    engine = db.make_engine(url)
    async with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            await connection.execute(table.delete())
    await engine.dispose()


def test_every_kind_has_an_example() -> None:
    assert set(SETUPS) == set(KINDS), "a new kind of message needs its example here"


@pytest.mark.parametrize("kind", sorted(SETUPS))
def test_every_message_fits_telegram_and_whatsapp(
    kind: str, world: World, loop: asyncio.AbstractEventLoop
) -> None:
    spoken: set[str] = set()

    @EXAMPLES
    @given(texts())
    def fits(example: Texts) -> None:
        spoken.add(example.locale)
        loop.run_until_complete(render(world, kind, example))

    fits()
    for locale in sorted(set(SUPPORTED_LOCALES) - spoken):
        loop.run_until_complete(render(world, kind, longest(locale)))


AWKWARD = st.lists(st.sampled_from(PIECES), max_size=400).map("".join)
QUICK = settings(max_examples=200, deadline=None, derandomize=True, database=None)


@QUICK
@given(AWKWARD, st.integers(1, 1500))
def test_clip_keeps_whole_characters_within_the_limit(text: str, limit: int) -> None:
    clipped = clip(text, limit)
    assert utf16_length(clipped) <= limit
    assert clipped == text or clipped[:-1] == text[: len(clipped) - 1].rstrip()
    clipped.encode("utf-16")  # no lone surrogate


@QUICK
@given(AWKWARD, st.sampled_from(SUPPORTED_LOCALES), st.booleans())
def test_fitted_text_parses_and_fits(text: str, locale: str, caption: bool) -> None:
    t = translator(locale)
    limit = CAPTION_LIMIT if caption else TEXT_LIMIT

    def frame(body: Html) -> Html:
        return Html("📣 <b>" + t._("News from “{title}”:", title=text[:80]) + "</b>\n\n" + body)

    fitted = fit(frame, text * 10, limit)
    reply = Reply(fitted, picture=File("p.jpg", file_id="x") if caption else None)
    assert_fits(reply)
    assert_fits_whatsapp(reply, t)


@QUICK
@given(st.lists(AWKWARD, max_size=60), st.sampled_from(SUPPORTED_LOCALES))
def test_bounded_lists_fit(items: list[str], locale: str) -> None:
    t = translator(locale)
    lines, shown = bounded(t, ["<b>head</b>"], [escape(item) or "-" for item in items])
    assert 0 <= shown <= len(items)
    assert_fits(Reply(Html("\n".join(lines))))
    assert_fits_whatsapp(Reply(Html("\n".join(lines))), t)


@dataclass
class Screens:
    app: App
    lead: Chat
    coordinator: Chat
    initiative_id: int
    commitment_id: int


async def build_screens(database_url: str) -> Screens:
    """A lead whose proposal came back with a note, and a coordinator with a commitment."""
    app = build_app(make_settings(database_url), ManualClock(datetime(2026, 3, 2, 9, tzinfo=UTC)))
    await load_example(app, "overvecht.yaml")
    lead = Chat(app, 7300, language_code="en")
    await onboard(lead)
    coordinator = await person_with(app, "coordinator", 7301)
    organisation_id = await organisation(app)
    owner = await person_of(app, 7300)
    me = await person_of(app, 7301)
    assert owner is not None and me is not None
    item = await initiative(app, owner, status=InitiativeStatus.CHANGES_REQUESTED)
    async with app.sessions.begin() as session:
        commitment = Commitment(
            neighbourhood_id=me.neighbourhood_id,
            organisation_id=organisation_id,
            what="-",
            due_on=app.clock.now().date(),
            created_by_id=me.id,
            created_at=app.clock.now(),
            updated_at=app.clock.now(),
        )
        session.add(commitment)
        await session.flush()
        return Screens(app, lead, coordinator, item.id, commitment.id)


async def show_screens(screens: Screens, texts: Texts) -> None:
    """My Wijkbot and the lead's initiative; the commitments and one commitment."""
    async with screens.app.sessions.begin() as session:
        for chat in (screens.lead, screens.coordinator):
            person = await person_of_chat(session, chat)
            person.locale = texts.locale
        item = await session.get(Initiative, screens.initiative_id)
        commitment = await session.get(Commitment, screens.commitment_id)
        assert item is not None and commitment is not None
        item.title, item.description, item.review_note = texts.title, texts.note * 2, texts.note
        commitment.what, commitment.progress_note = texts.what, texts.note
        organisation = await session.get(Organisation, commitment.organisation_id)
        assert organisation is not None
        organisation.name = texts.organisation
    for chat, menu, action in (
        (screens.lead, "mine", ":own:"),
        (screens.coordinator, "commitments", ":open:"),
    ):
        await chat.send("/cancel")  # else the menu resumes where the last example left off
        await chat.event(Event.button("m:" + menu))
        assert_fits(chat.last)
        assert_fits_whatsapp(chat.last, translator(texts.locale))
        (payload,) = [b.payload for row in chat.last.buttons for b in row if action in b.payload]
        await chat.event(Event.button(payload))
        assert_fits(chat.last)
        assert_fits_whatsapp(chat.last, translator(texts.locale))
        assert texts.note.strip()[:20] in html.unescape(chat.last.text)  # the screen we meant


async def person_of_chat(session: AsyncSession, chat: Chat) -> Person:
    person = await session.scalar(
        select(Person).join(Identity).where(Identity.external_id == chat.contact.external_id)
    )
    assert person is not None
    return person


def test_screens_that_show_typed_text_fit_telegram_and_whatsapp(
    loop: asyncio.AbstractEventLoop, database_template: str, tmp_path: Path
) -> None:
    url = _database(loop, database_template, tmp_path)
    screens = loop.run_until_complete(build_screens(url))
    spoken: set[str] = set()
    try:

        @EXAMPLES
        @given(texts())
        def fits(example: Texts) -> None:
            spoken.add(example.locale)
            loop.run_until_complete(show_screens(screens, example))

        fits()
        for locale in sorted(set(SUPPORTED_LOCALES) - spoken):
            loop.run_until_complete(show_screens(screens, longest(locale)))
    finally:
        loop.run_until_complete(screens.app.close())
