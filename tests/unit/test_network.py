"""The long breath: the monthly state of the network, and one invitation back after 60 days."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, update

from bot.app import App
from bot.chat.limits import CAPTION_LIMIT, visible_length
from bot.chat.replies import Reply
from bot.clock import ManualClock
from bot.config import SUPPORTED_LOCALES
from bot.delivery import outbox
from bot.delivery.kinds import KINDS
from bot.delivery.preferences import Category
from bot.delivery.sender import Sender, SenderSettings
from bot.delivery.transport import Outcome, Result
from bot.domain import network, privacy
from bot.domain.models import (
    Commitment,
    Delivery,
    DeliveryStatus,
    Initiative,
    NetworkMonth,
    Person,
    Silence,
    Support,
    SweepDay,
)
from bot.i18n import translator
from bot.jobs.sweeps import network_report, silence_invitations
from bot.reports.charts import network_chart
from tests.chat import Chat, coordinator, pushed
from tests.factories import action, initiative, organisation, resident

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
FEBRUARY = network.Month(date(2026, 2, 1), AMSTERDAM)
REPORT_DAY = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)  # Sunday 1 March, 09:30 in Amsterdam


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


async def sweep(app: App, job) -> int:  # type: ignore[no-untyped-def]
    async with app.sessions.begin() as session:
        return await job(session, app.clock.now())


async def person(
    app: App, clock: ManualClock, user_id: int, created: datetime, seen: datetime, **kw: str
) -> Person:
    """A resident who started at `created` and was last seen at `seen`."""
    clock.set(created)
    someone = await resident(app, user_id, **kw)
    async with app.sessions.begin() as session:
        await session.execute(
            update(Person).where(Person.id == someone.id).values(last_seen_at=seen)
        )
    return someone


async def rows(app: App, kind: str) -> list[tuple[int, str, str]]:
    async with app.sessions() as session:
        found = await session.execute(
            select(Delivery.person_id, Delivery.subject, Delivery.period)
            .where(Delivery.kind == kind)
            .order_by(Delivery.id)
        )
        return [tuple(row) for row in found]


async def february(app: App, clock: ManualClock) -> dict[str, Person]:
    """Four residents: one active all along, one new in February, one silent since November
    and one who came back in February after three months (through a real message)."""
    people = {
        "ann": await person(app, clock, 1, utc(2025, 9, 1), utc(2026, 2, 15)),
        "bob": await person(app, clock, 2, utc(2026, 2, 5, 12), utc(2026, 2, 5, 12)),
        "cem": await person(app, clock, 3, utc(2025, 10, 1), utc(2025, 11, 1)),
        "dua": await person(app, clock, 4, utc(2025, 10, 1), utc(2025, 11, 20)),
    }
    clock.set(utc(2026, 2, 10, 12))
    await Chat(app, 4).send("hello again")  # Dua comes back after 82 days
    return people


async def test_the_month_in_four_numbers(app: App, clock: ManualClock) -> None:
    people = await february(app, clock)
    async with app.sessions() as session:
        assert await session.scalar(select(Silence.returned_on)) == date(2026, 2, 10)
        neighbourhood_id = people["ann"].neighbourhood_id
        assert neighbourhood_id is not None  # (ids are not 1 on PostgreSQL after other tests)
        counts = await network.count(session, neighbourhood_id, FEBRUARY)
    # Active: Ann, Bob, Dua. New: Bob. Came back: Dua. Silent at the month's end: Cem.
    assert counts == {"active": 3, "joined": 1, "came_back": 1, "silent": 1}


async def test_the_report_goes_to_each_coordinator_once_on_the_first(
    app: App, clock: ManualClock
) -> None:
    await february(app, clock)
    clock.set(utc(2026, 2, 20, 9))
    await coordinator(app)  # a resident too: active in February

    clock.set(utc(2026, 2, 28, 22, 59))  # 23:59 on the last day: not yet
    assert await sweep(app, network_report) == 0
    clock.set(utc(2026, 3, 1, 7, 59))  # 08:59 on the first: counted, not yet sent
    assert await sweep(app, network_report) == 0
    async with app.sessions() as session:
        assert await session.scalar(select(NetworkMonth.active)) == 4
    clock.set(REPORT_DAY)
    assert await sweep(app, network_report) == 1
    assert await sweep(app, network_report) == 0  # a rerun sends nothing twice
    clock.set(utc(2026, 3, 2, 10))
    assert await sweep(app, network_report) == 0  # nor the day after
    ((coordinator_id, subject, period),) = await rows(app, "network_report")
    assert period == "2026-02" and subject.startswith("neighbourhood:")

    async with app.sessions() as session:
        (kept,) = await session.scalars(select(NetworkMonth))
        numbers = (kept.month, kept.active, kept.joined, kept.came_back, kept.silent)
        assert numbers == ("2026-02", 4, 2, 1, 1)  # Fatima started on 20 February
        # The month's numbers are kept as counted, whatever happens after.
        await session.execute(update(Person).values(last_seen_at=utc(2025, 1, 1)))
        await session.commit()
    clock.set(REPORT_DAY)
    assert await sweep(app, network_report) == 0
    async with app.sessions() as session:
        assert (await session.scalar(select(NetworkMonth.active))) == 4
        assert await session.scalar(select(func.count(NetworkMonth.id))) == 1

    reply = await pushed(app, coordinator_id, "network_report")
    assert reply is not None and reply.picture is not None
    assert (reply.picture.data or b"").startswith(b"\x89PNG")
    assert "February 2026" in reply.text
    assert "4 residents active" in reply.text and "2 new residents" in reply.text
    assert "1 came back after a silence" in reply.text and "1 silent for 60 days" in reply.text
    for name in ("Ann", "Fatima"):  # numbers only
        assert name not in reply.text


async def test_a_missed_report_is_caught_up_within_three_days(app: App, clock: ManualClock) -> None:
    await coordinator(app)
    clock.set(utc(2026, 4, 3, 12))
    assert await sweep(app, network_report) == 1
    assert [period for _, _, period in await rows(app, "network_report")] == ["2026-03"]
    clock.set(utc(2026, 5, 4, 12))
    assert await sweep(app, network_report) == 0


async def test_the_report_names_what_stalled_bounded_and_escaped(
    app: App, clock: ManualClock
) -> None:
    await coordinator(app)
    owner = await resident(app, 10)
    quiet = [
        await initiative(app, owner, f"Quiet <{n}> & co", decided_at=utc(2026, 1, 1))
        for n in range(7)
    ]
    await initiative(app, owner, "Lively")  # decided today: news enough
    mitros = await organisation(app)
    async with app.sessions.begin() as session:
        session.add(
            Commitment(
                neighbourhood_id=owner.neighbourhood_id,
                organisation_id=mitros,
                what="Lampen",
                due_on=date(2026, 2, 20),
                created_at=clock.now(),
                updated_at=clock.now(),
            )
        )
    clock.set(utc(2026, 2, 10))
    await action(app, utc(2026, 2, 14, 10), initiative_id=quiet[0].id)  # in Taagdreef, February
    clock.set(REPORT_DAY)
    assert await sweep(app, network_report) == 1
    ((coordinator_id, _, _),) = await rows(app, "network_report")
    for locale in SUPPORTED_LOCALES:
        async with app.sessions.begin() as session:
            await session.execute(
                update(Person).where(Person.id == coordinator_id).values(locale=locale)
            )
        reply = await pushed(app, coordinator_id, "network_report")
        assert reply is not None and visible_length(reply.text) <= CAPTION_LIMIT
    en = await _in_english(app, coordinator_id)
    assert "7 initiatives without news for 30 days:" in en
    assert "• Quiet &lt;0&gt; &amp; co" in en and "Quiet &lt;3&gt;" not in en
    assert "… and 4 more" in en and "Lively" not in en
    assert "1 partner with overdue commitments:\n• Mitros (1)" in en
    assert "7 buurten without activity:" in en and "Taagdreef" not in en.split("buurten")[1]


async def _in_english(app: App, person_id: int) -> str:
    async with app.sessions.begin() as session:
        await session.execute(update(Person).where(Person.id == person_id).values(locale="en"))
    reply = await pushed(app, person_id, "network_report")
    assert reply is not None
    return reply.text


def test_the_chart_is_drawn_in_every_language_with_numbers_only() -> None:
    months = [
        NetworkMonth(month=f"2026-0{m}", active=10 + m, joined=m, came_back=1, silent=30 - m)
        for m in range(1, 7)
    ]
    for locale in SUPPORTED_LOCALES:
        picture = network_chart(months, translator(locale))
        assert picture.startswith(b"\x89PNG") and len(picture) > 10_000
    assert network_chart(months, translator("nl")) == network_chart(months, translator("nl"))


async def silent_resident(app: App, clock: ManualClock, user_id: int, **kw: str) -> Person:
    return await person(app, clock, user_id, utc(2025, 10, 1), utc(2025, 12, 1), **kw)


async def test_one_invitation_per_silence_to_something_relevant(
    app: App, clock: ManualClock
) -> None:
    owner = await resident(app, 10)
    garden = await initiative(app, owner)  # in Taagdreef, on living together
    ann = await silent_resident(app, clock, 1)  # lives in Taagdreef
    far = await silent_resident(app, clock, 2, area="tigrisdreef")  # nothing near, follows none
    fan = await silent_resident(app, clock, 3, area="tigrisdreef")  # follows the theme
    quiet = await silent_resident(app, clock, 4)  # opted out of nudges
    async with app.sessions.begin() as session:
        other = Initiative(**{**_copy(garden), "area_id": None})  # same theme, no buurt
        session.add(other)
        await session.flush()
        session.add(Support(initiative_id=other.id, person_id=fan.id, created_at=clock.now()))
        await session.execute(
            update(Person).where(Person.id == quiet.id).values(opt_outs=["nudges"])
        )

    clock.set(utc(2026, 1, 20, 10))  # 50 days of silence: too early
    soon = await action(app, utc(2026, 2, 7, 14), initiative_id=garden.id, title="Soup <day>")
    assert await sweep(app, silence_invitations) == 0
    clock.set(utc(2026, 2, 1, 10))  # 62 days
    added = await sweep(app, silence_invitations)
    invited = {p for p, _, _ in await rows(app, "silence_invitation")}
    assert invited == {ann.id, fan.id} and far.id not in invited and quiet.id not in invited
    assert added == 2
    assert await sweep(app, silence_invitations) == 0
    clock.set(utc(2026, 2, 5, 10))
    assert await sweep(app, silence_invitations) == 0  # once per silence, even if still silent

    reply = await pushed(app, ann.id, "silence_invitation")
    assert reply is not None
    nl = translator("nl")
    assert nl._("Hello {name}, we have not heard from you for a while.", name="Ann") in reply.text
    assert "Soup &lt;day&gt;" in reply.text and "Playground" in reply.text
    assert "7 februari 2026" in reply.text  # in Dutch, Ann's language
    assert KINDS["silence_invitation"].category is Category.NUDGES  # opt-outs and the cap

    # Cancelled meanwhile: the invitation says nothing rather than something irrelevant.
    async with app.sessions.begin() as session:
        await session.execute(update(type(soon)).values(status="cancelled"))
    assert await pushed(app, ann.id, "silence_invitation") is None

    # Ann comes back, then falls silent again: a new silence, a new invitation.
    clock.set(utc(2026, 2, 6))
    await Chat(app, 1).send("hi")
    clock.set(utc(2026, 4, 10, 10))
    await action(app, utc(2026, 4, 20, 14), initiative_id=garden.id, title="Spring clean")
    assert await sweep(app, silence_invitations) == 1  # Ann again; Fan is still in one silence
    newest = (await rows(app, "silence_invitation"))[-1]
    assert newest[0] == ann.id and newest[2].startswith("2026-02-06")


async def test_silent_residents_are_looked_for_once_a_day_from_ten_bounded(
    app: App, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = await resident(app, 10)
    garden = await initiative(app, owner)
    ann = await silent_resident(app, clock, 1)  # silent since 1 December
    bob = await person(app, clock, 2, utc(2025, 10, 1), utc(2025, 11, 1))  # since 1 November
    cem = await silent_resident(app, clock, 3)
    await action(app, utc(2026, 2, 20, 14), initiative_id=garden.id)
    monkeypatch.setattr(network, "INVITE_LIMIT", 1)

    clock.set(utc(2026, 2, 10, 8, 30))  # 09:30 in Amsterdam: not yet
    assert await sweep(app, silence_invitations) == 0
    clock.set(utc(2026, 2, 10, 9, 0))  # 10:00: the day's one run, the longest silent first
    assert await sweep(app, silence_invitations) == 1
    assert [p for p, _, _ in await rows(app, "silence_invitation")] == [bob.id]
    for later in (utc(2026, 2, 10, 9, 1), utc(2026, 2, 10, 22, 59)):  # the rest of the day
        clock.set(later)
        assert await sweep(app, silence_invitations) == 0  # nothing more is looked for
    async with app.sessions() as session:
        days = await session.execute(select(SweepDay.sweep, SweepDay.day))
        assert list(days) == [("silence_invitations", date(2026, 2, 10))]

    clock.set(utc(2026, 2, 11, 9, 5))  # the next day: the next one
    assert await sweep(app, silence_invitations) == 1
    clock.set(utc(2026, 2, 12, 12))
    assert await sweep(app, silence_invitations) == 1
    assert [p for p, _, _ in await rows(app, "silence_invitation")] == [bob.id, ann.id, cem.id]
    clock.set(utc(2026, 2, 13, 12))
    assert await sweep(app, silence_invitations) == 0  # everyone had theirs


def _copy(item: Initiative) -> dict[str, object]:
    return {
        column: getattr(item, column)
        for column in (
            "neighbourhood_id",
            "theme_id",
            "title",
            "status",
            "created_at",
            "updated_at",
            "decided_at",
        )
    }


async def test_forget_erases_the_silence_dates(app: App, clock: ManualClock) -> None:
    await person(app, clock, 4, utc(2025, 10, 1), utc(2025, 11, 20))
    clock.set(utc(2026, 2, 10, 12))
    chat = Chat(app, 4, language_code="en")
    await chat.send("hello again")
    assert ("silences", "person_id") not in privacy.NOT_EXPORTED
    async with app.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Silence)) == 1
    await chat.send("/forget")
    await chat.press(translator("nl")._("Yes, forget me"))
    async with app.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Silence)) == 0


class Recording:
    """The sender's transport, recording what it is given."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, Reply]] = []

    async def deliver(self, chat_id: int, reply: Reply, *, paid: bool = False) -> Outcome:
        self.sent.append((chat_id, reply))
        return Outcome(Result.SENT, message_id=len(self.sent))


async def test_the_invitation_keeps_the_nudge_cap(app: App, clock: ManualClock) -> None:
    owner = await resident(app, 10)
    garden = await initiative(app, owner)
    ann = await silent_resident(app, clock, 1)
    bob = await silent_resident(app, clock, 2)
    clock.set(utc(2026, 2, 2, 12))
    await action(app, utc(2026, 2, 7, 14), initiative_id=garden.id)
    async with app.sessions.begin() as session:  # Ann had her one nudge this week already
        await session.execute(update(Person).where(Person.id == ann.id).values(nudges_per_week=1))
        await outbox.enqueue(session, [outbox.Message(ann.id, "nudge_draft", "x")], now=clock.now())
        await session.execute(
            update(Delivery).values(status=DeliveryStatus.SENT, sent_at=clock.now())
        )
    assert await sweep(app, silence_invitations) == 2
    transport = Recording()
    fast = SenderSettings(per_second=1000, private_per_second=1000, group_per_minute=60_000)
    await Sender(app.sessions, app.clock, transport, fast, app.settings.zone).send_due()
    assert [chat_id for chat_id, _ in transport.sent] == [2]  # Bob's chat only
    async with app.sessions() as session:
        skipped = await session.scalar(
            select(Delivery).where(
                Delivery.person_id == ann.id, Delivery.kind == "silence_invitation"
            )
        )
    assert skipped is not None and skipped.status is DeliveryStatus.CANCELLED
    assert skipped.last_error == "weekly nudge cap"
    assert await sweep(app, silence_invitations) == 0  # at most one per silence
    assert {p for p, _, _ in await rows(app, "silence_invitation")} == {ann.id, bob.id}
