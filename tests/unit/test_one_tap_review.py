"""Review requests carry Open and Approve; a request whose proposal was dealt with before its
turn is skipped; a coordinator may choose one summary a day instead of a message each."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot.app import App
from bot.chat.replies import Reply
from bot.clock import ManualClock
from bot.delivery.coordinators import notify_coordinators
from bot.delivery.kinds import KINDS, RenderContext
from bot.delivery.sender import Sender, SenderSettings
from bot.delivery.transport import Outcome, Result
from bot.domain import initiatives
from bot.domain.models import (
    AuditEntry,
    Delivery,
    DeliveryStatus,
    Initiative,
    InitiativeStatus,
    Person,
)
from bot.i18n import translator
from bot.jobs.sweeps import proposals_summaries
from tests.chat import REFUSED, coordinator, person_with, pushed
from tests.factories import initiative, person_of, resident, snapshot

FAST = SenderSettings(per_second=1000, private_per_second=1000, group_per_minute=60_000)


class Recording:
    def __init__(self) -> None:
        self.sent: list[tuple[int, object]] = []

    async def deliver(self, chat_id: int, reply: object, *, paid: bool = False) -> Outcome:
        self.sent.append((chat_id, reply))
        return Outcome(Result.SENT, message_id=len(self.sent))


async def propose(app: App, title: str, user_id: int = 950) -> Initiative:
    """A resident's proposal, sent for review now, as the propose flow sends it."""
    owner = await resident(app, user_id, locale="tr", first_name="Ayşe")
    item = await initiative(app, owner, title, status=InitiativeStatus.DRAFT)
    async with app.sessions.begin() as session:
        stored = await session.get(Initiative, item.id)
        assert stored is not None
        await initiatives.submit(session, stored, app.clock.now())
        await notify_coordinators(session, stored, app.clock.now())
    return item


async def person_id(app: App, user_id: int) -> int:
    person = await person_of(app, user_id)
    assert person is not None
    return person.id


async def status_of(app: App, item_id: int) -> InitiativeStatus:
    async with app.sessions() as session:
        stored = await session.get(Initiative, item_id)
        assert stored is not None
        return stored.status


async def approvals(app: App) -> int:
    async with app.sessions() as session:
        count = await session.scalar(
            select(func.count(AuditEntry.id)).where(AuditEntry.action == "initiative.approved")
        )
    return count or 0


async def rows(app: App, kind: str) -> list[tuple[int, DeliveryStatus, str | None]]:
    async with app.sessions() as session:
        found = await session.execute(
            select(Delivery.person_id, Delivery.status, Delivery.last_error)
            .where(Delivery.kind == kind)
            .order_by(Delivery.id)
        )
        return [tuple(row) for row in found]  # type: ignore[misc]


async def test_approve_in_one_tap_and_a_second_press_changes_nothing(app: App) -> None:
    fatima, gerrit = await coordinator(app), await coordinator(app, 901)
    garden = await propose(app, "Garden <&>")
    request = await pushed(app, await person_id(app, 900), "review_request")
    assert request is not None and "Garden &lt;&amp;&gt;" in request.text
    labels = [button.label for row in request.buttons for button in row]
    assert labels == ["📂 Open", "✅ Approve"]
    assert all(len(b.payload.encode()) <= 64 for row in request.buttons for b in row)

    await fatima.press_on(request, "Approve")
    assert fatima.last.edit and "Approved: “Garden &lt;&amp;&gt;”" in fatima.text
    assert await status_of(app, garden.id) is InitiativeStatus.APPROVED
    async with app.sessions() as session:
        told = await session.scalar(
            select(Delivery.period).where(
                Delivery.kind == "review_decision", Delivery.subject == f"initiative:{garden.id}"
            )
        )
    assert told == "approved"

    other = await pushed(app, await person_id(app, 901), "review_request")
    assert other is None  # its turn has not come: it is not even rendered any more
    before = await snapshot(app)
    await gerrit.press_on(request, "Approve")
    assert "already approved by another coordinator" in gerrit.text
    assert not gerrit.last.edit
    await fatima.press_on(request, "Approve")
    assert "You have already approved “Garden &lt;&amp;&gt;”." in fatima.text
    assert await snapshot(app) == before and await approvals(app) == 1


async def test_open_shows_the_review_of_that_proposal(app: App) -> None:
    fatima = await coordinator(app)
    await propose(app, "Repair café")
    await propose(app, "Street games", 951)
    request = await pushed(app, await person_id(app, 900), "review_request")
    assert request is not None and "Street games" in request.text
    await fatima.send("/start")
    await fatima.press("Activities")  # busy elsewhere: Open takes over
    await fatima.press_on(request, "Open")
    assert "Street games" in fatima.text and "Proposed by Ayşe" in fatima.text
    assert {"✅ Approve", "❌ Reject", "« Back"} <= set(fatima.labels)
    await fatima.press("Back")
    assert "Proposals waiting for review" in fatima.text
    assert "Repair café" in fatima.labels and "Street games" in fatima.labels


async def test_others_cannot_approve_and_nothing_changes(app: App) -> None:
    await coordinator(app)
    garden = await propose(app, "Garden")
    request = await pushed(app, await person_id(app, 900), "review_request")
    assert request is not None
    before = await snapshot(app)
    for role, user_id in (("resident", 30), ("coordinator elsewhere", 31), ("partner", 32)):
        chat = await person_with(app, role, user_id)
        before = await snapshot(app)
        await chat.press_on(request, "Approve")
        assert chat.text == REFUSED, role
        await chat.press_on(request, "Open")
        assert chat.text == REFUSED, role
        assert await snapshot(app) == before, role
    assert await status_of(app, garden.id) is InitiativeStatus.SUBMITTED


async def test_a_request_for_a_proposal_sent_again_does_not_approve_the_new_version(
    app: App, clock: ManualClock
) -> None:
    fatima = await coordinator(app)
    garden = await propose(app, "Garden")
    old = await pushed(app, await person_id(app, 900), "review_request")
    assert old is not None
    async with app.sessions.begin() as session:
        stored = await session.get(Initiative, garden.id)
        assert stored is not None
        stored.status = InitiativeStatus.CHANGES_REQUESTED
        clock.advance(timedelta(hours=2))
        await initiatives.submit(session, stored, clock.now())
    await fatima.press_on(old, "Approve")
    assert "was changed and sent again" in fatima.text and fatima.labels == ["📂 Open"]
    assert await status_of(app, garden.id) is InitiativeStatus.SUBMITTED
    await fatima.press("Open")
    assert "Proposed by Ayşe" in fatima.text


async def request_for(app: App, user_id: int, item: Initiative) -> Reply:
    """The review request about `item` to the person, rendered as the sender would now."""
    whom = await person_id(app, user_id)
    async with app.sessions() as session:
        delivery = await session.scalar(
            select(Delivery).where(
                Delivery.person_id == whom,
                Delivery.kind == "review_request",
                Delivery.subject == f"initiative:{item.id}",
            )
        )
        person = await session.get(Person, whom)
        assert delivery is not None and person is not None
        context = RenderContext(
            session, person, translator("en"), app.settings.zone, app.clock.now()
        )
        reply = await KINDS["review_request"].render(context, delivery)
    assert reply is not None
    return reply


async def send_all(app: App) -> Recording:
    transport = Recording()
    sender = Sender(app.sessions, app.clock, transport, FAST, app.settings.zone)
    for _ in range(20):  # one message per chat per batch; the next waits its second
        if not await sender.send_due():
            app.clock.advance(timedelta(seconds=2))  # type: ignore[attr-defined]
            if not await sender.send_due():
                break
    return transport


async def test_the_sender_skips_requests_whose_proposal_was_dealt_with(app: App) -> None:
    fatima = await coordinator(app)
    await coordinator(app, 901)
    garden = await propose(app, "Garden")
    cafe = await propose(app, "Repair café", 951)
    games = await propose(app, "Street games", 952)
    # Fatima approves the garden from its request before the sender got to the others;
    # the proposer withdraws the café.
    await fatima.press_on(await request_for(app, 900, garden), "Approve")
    async with app.sessions.begin() as session:
        stored = await session.get(Initiative, cafe.id)
        assert stored is not None
        await initiatives.withdraw(session, stored, app.clock.now())

    transport = await send_all(app)
    found: dict[str, list[tuple[DeliveryStatus, str | None]]] = {}
    async with app.sessions() as session:
        for delivery in await session.scalars(
            select(Delivery).where(Delivery.kind == "review_request").order_by(Delivery.id)
        ):
            found.setdefault(delivery.subject, []).append((delivery.status, delivery.last_error))
    assert found == {
        f"initiative:{garden.id}": [(DeliveryStatus.SKIPPED, "proposal approved")] * 2,
        f"initiative:{cafe.id}": [(DeliveryStatus.SKIPPED, "proposal withdrawn")] * 2,
        f"initiative:{games.id}": [(DeliveryStatus.SENT, None)] * 2,
    }
    texts = [str(reply.text) for _, reply in transport.sent]  # type: ignore[attr-defined]
    assert sum("Street games" in text for text in texts) == 2
    assert not any("Garden" in text and "review" in text for text in texts)


async def test_one_summary_a_day_instead_of_a_message_each(app: App, clock: ManualClock) -> None:
    clock.set(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))  # Monday 09:00 in Amsterdam
    fatima = await coordinator(app)
    await coordinator(app, 901)
    await fatima.press("Notifications")
    assert "🗂️ New proposals: each one at once" in fatima.labels
    await fatima.press("New proposals")
    await fatima.press("One summary a day at 18:00")
    assert "🗂️ New proposals: one summary a day at 18:00" in fatima.labels
    resident_chat = await person_with(app, "resident", 40)
    await resident_chat.press("Notifications")
    assert not any("New proposals" in label for label in resident_chat.labels)

    titles = [f"Plan {n}" for n in range(10)]
    for n, title in enumerate(titles):
        await propose(app, title, 960 + n)
        clock.advance(timedelta(minutes=5))
    fatima_id, gerrit_id = await person_id(app, 900), await person_id(app, 901)
    requested = {person for person, _, _ in await rows(app, "review_request")}
    assert requested == {gerrit_id}  # Fatima waits for her summary

    async def sweep() -> int:
        async with app.sessions.begin() as session:
            return await proposals_summaries(session, clock.now())

    clock.set(datetime(2026, 3, 2, 16, 59, tzinfo=UTC))  # 17:59 in Amsterdam
    assert await sweep() == 0
    clock.set(datetime(2026, 3, 2, 17, 0, tzinfo=UTC))
    assert await sweep() == 1
    clock.advance(timedelta(hours=3))
    assert await sweep() == 0  # once a day, however often the sweep runs
    summary = await pushed(app, fatima_id, "proposals_summary")
    assert summary is not None
    assert "10 new proposals to review in Overvecht" in summary.text
    assert "“Plan 9” by Ayşe" in summary.text and "… and 2 more" in summary.text
    labels = [button.label for row in summary.buttons for button in row]
    assert labels[:8] == [f"📂 Plan {n}" for n in range(9, 1, -1)]
    assert labels[-1] == "🗂️ Review proposals"
    await fatima.press_on(summary, "Plan 9")
    assert "Proposed by Ayşe" in fatima.text and "Plan 9" in fatima.text

    # The next day: nothing new, nothing sent; a new proposal, a summary of that one only.
    clock.set(datetime(2026, 3, 3, 17, 0, tzinfo=UTC))
    assert await sweep() == 0
    clock.set(datetime(2026, 3, 3, 12, 0, tzinfo=UTC))
    await propose(app, "Soup", 990)
    clock.set(datetime(2026, 3, 3, 17, 30, tzinfo=UTC))
    assert await sweep() == 1
    latest = await pushed(app, fatima_id, "proposals_summary")
    assert latest is not None and "1 new proposal to review" in latest.text
    assert "Soup" in latest.text and "Plan" not in latest.text

    # All decided before its turn came: the summary is skipped.
    async with app.sessions.begin() as session:
        for item in await session.scalars(select(Initiative)):
            item.status = InitiativeStatus.APPROVED
    await send_all(app)
    assert [status for person, status, _ in await rows(app, "proposals_summary")] == [
        DeliveryStatus.SKIPPED,
        DeliveryStatus.SKIPPED,
    ]
    assert {error for _, _, error in await rows(app, "proposals_summary")} == {
        "nothing left to review"
    }

    await fatima.send("/cancel")
    await fatima.press("Notifications")  # back to a message each
    await fatima.press("New proposals")
    await fatima.press("Each proposal at once")
    await propose(app, "Tea", 991)
    assert fatima_id in {person for person, _, _ in await rows(app, "review_request")}


async def test_the_summary_in_every_language(app: App, clock: ManualClock) -> None:
    await coordinator(app)
    fatima_id = await person_id(app, 900)
    async with app.sessions.begin() as session:
        fatima = await session.get(Person, fatima_id)
        assert fatima is not None
        fatima.proposals_summary_hour = 8
    clock.set(datetime(2026, 3, 2, 6, 0, tzinfo=UTC))
    await propose(app, "Garden")
    clock.set(datetime(2026, 3, 2, 7, 0, tzinfo=UTC))
    async with app.sessions.begin() as session:
        assert await proposals_summaries(session, clock.now()) == 1
    for locale in ("nl", "en", "tr", "ar", "pl", "uk"):
        async with app.sessions.begin() as session:
            fatima = await session.get(Person, fatima_id)
            assert fatima is not None
            fatima.locale = locale
        summary = await pushed(app, fatima_id, "proposals_summary")
        t = translator(locale)
        assert summary is not None and "Garden" in summary.text
        heading = t.n_(
            "{n} new proposal to review in {neighbourhood}:",
            "{n} new proposals to review in {neighbourhood}:",
            1,
            neighbourhood="Overvecht",
        )
        assert heading in summary.text
        if locale != "en":
            assert heading != translator("en").n_(
                "{n} new proposal to review in {neighbourhood}:",
                "{n} new proposals to review in {neighbourhood}:",
                1,
                neighbourhood="Overvecht",
            ), locale


async def test_pressing_in_another_language_answers_in_it(app: App) -> None:
    await coordinator(app)
    gerrit = await coordinator(app, 901)
    garden = await propose(app, "Garden")
    request = await request_for(app, 901, garden)
    await gerrit.press("Language")
    await gerrit.press("Türkçe")
    await gerrit.press_on(request, "Approve")
    t = translator("tr")
    assert t._("Approved: “{title}”. The proposer will hear it now.", title="Garden") in gerrit.text
    assert await status_of(app, garden.id) is InitiativeStatus.APPROVED


async def test_a_decision_overtaken_before_it_was_sent_is_skipped(app: App) -> None:
    fatima = await coordinator(app)
    garden = await propose(app, "Garden")
    await fatima.press("Review proposals")
    await fatima.press("Garden")
    await fatima.press("Ask for changes")
    await fatima.send("Which day?")
    async with app.sessions.begin() as session:  # the proposer withdraws it at once
        stored = await session.get(Initiative, garden.id)
        assert stored is not None
        await initiatives.withdraw(session, stored, app.clock.now())
    await send_all(app)
    assert await rows(app, "review_decision") == [
        (await person_id(app, 950), DeliveryStatus.SKIPPED, "proposal withdrawn since")
    ]


async def test_two_coordinators_pressing_at_once_approve_once(app: App) -> None:
    import asyncio

    fatima, gerrit = await coordinator(app), await coordinator(app, 901)
    garden = await propose(app, "Garden")
    for_fatima, for_gerrit = (
        await request_for(app, 900, garden),
        await request_for(app, 901, garden),
    )
    await asyncio.gather(
        fatima.press_on(for_fatima, "Approve"), gerrit.press_on(for_gerrit, "Approve")
    )
    texts = [fatima.text, gerrit.text]
    assert sum("Approved: “Garden”" in text for text in texts) == 1
    assert sum("already approved by another coordinator" in text for text in texts) == 1
    assert await approvals(app) == 1
    assert await status_of(app, garden.id) is InitiativeStatus.APPROVED
