"""Coordinators: the review queue and the broadcast composer, through the engine."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.app import App
from bot.domain.models import (
    AuditEntry,
    Broadcast,
    BroadcastStatus,
    Delivery,
    Initiative,
    InitiativeStatus,
)
from bot.jobs.sweeps import SWEEPS
from tests.chat import Chat, coordinator, onboard
from tests.factories import initiative, person_of, resident


async def submitted(app: App, title: str) -> Initiative:
    owner = await resident(app, 950 + len(title), locale="tr")
    return await initiative(app, owner, title, status=InitiativeStatus.SUBMITTED)


async def decision_rows(app: App) -> list[tuple[str, int]]:
    async with app.sessions() as session:
        rows = await session.execute(
            select(Delivery.period, Delivery.person_id).where(Delivery.kind == "review_decision")
        )
        return [tuple(row) for row in rows]


async def test_approve_reject_and_ask_for_changes(app: App) -> None:
    fatima = await coordinator(app)
    assert "🗂️ Review proposals" in fatima.labels
    garden = await submitted(app, "Garden")
    cafe = await submitted(app, "Repair café")
    games = await submitted(app, "Street games")

    await fatima.press("Review proposals")
    assert fatima.labels[:3] == ["Garden", "Repair café", "Street games"]
    await fatima.press("Garden")
    assert "Proposed by Ann" in fatima.text
    await fatima.press("Approve")
    assert "Approved: “Garden”" in fatima.text and "Garden" not in fatima.labels
    await fatima.press("Repair café")
    await fatima.press("Reject")
    await fatima.send("   ")
    assert "That was empty" in fatima.text
    await fatima.send("We have one already on <Tigrisdreef>.")
    assert "Sent to the proposer of “Repair café”." in fatima.text
    await fatima.press("Street games")
    await fatima.press("Ask for changes")
    await fatima.send("Which day of the week?")

    async with app.sessions() as session:
        statuses = {
            item.title: (item.status, item.review_note)
            for item in await session.scalars(select(Initiative))
        }
        audited = [
            a.action for a in await session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        ]
    assert statuses["Garden"] == (InitiativeStatus.APPROVED, None)
    assert statuses["Repair café"] == (
        InitiativeStatus.REJECTED,
        "We have one already on <Tigrisdreef>.",
    )
    assert statuses["Street games"] == (
        InitiativeStatus.CHANGES_REQUESTED,
        "Which day of the week?",
    )
    assert {"initiative.approved", "initiative.rejected", "initiative.changes_requested"} <= set(
        audited
    )
    assert sorted(period for period, _ in await decision_rows(app)) == [
        "approved",
        "changes",
        "reject",
    ]
    assert garden.id and cafe.id and games.id


async def test_answering_a_proposal_another_coordinator_decided_goes_back_to_the_queue(
    app: App,
) -> None:
    fatima, gerrit = await coordinator(app), await coordinator(app, 901)
    await submitted(app, "Garden")
    await submitted(app, "Repair café")
    typed = lambda: fatima.send("What about Tuesdays?")  # noqa: E731
    for title, answer in (("Garden", typed), ("Repair café", fatima.send_other)):
        for chat in (fatima, gerrit):
            await chat.press("Review proposals")
            await chat.press(title)
        await gerrit.press("Approve")
        await gerrit.press("Done")
        await answer()  # a text, then a sticker: wrong input asks the step again
        assert "Someone has already decided on this proposal." in fatima.text
        assert title not in fatima.labels
        await fatima.press("Done")


async def test_the_proposer_changes_and_sends_again(app: App) -> None:
    fatima = await coordinator(app)
    ann = Chat(app, 31, language_code="en")
    await onboard(ann)
    await ann.press("Propose an initiative")
    await ann.send("Book swap")
    await ann.send("Swap books in the hall.")
    await ann.press("Living together")
    await ann.press("Taagdreef")
    await ann.press("Continue")
    await ann.press("Not known yet")
    await ann.press("Skip")
    await ann.press("Send")
    await fatima.press("Review proposals")
    await fatima.press("Book swap")
    await fatima.press("Ask for changes")
    await fatima.send("Which hall?")

    app.clock.advance(timedelta(hours=2))  # Ann reads it later
    await ann.press("Propose an initiative", answers_back=1)
    assert "The coordinators asked you to change “Book swap”: Which hall?" in ann.text
    await ann.press("Continue")
    await ann.press("Description")
    await ann.send("Swap books in the hall of Taagdreef 12.")
    await ann.press("Send")
    async with app.sessions() as session:
        item = await session.scalar(select(Initiative).where(Initiative.title == "Book swap"))
        requests = (
            await session.scalars(select(Delivery.period).where(Delivery.kind == "review_request"))
        ).all()
    assert item is not None and item.status is InitiativeStatus.SUBMITTED
    assert len(set(requests)) == 2  # a new review request for the new version


async def test_compose_preview_count_and_send_now(app: App) -> None:
    fatima = await coordinator(app)
    for user_id, locale, area in (
        (61, "nl", "taagdreef"),
        (62, "ar", "taagdreef"),
        (63, "pl", "tigrisdreef"),
    ):
        await resident(app, user_id, locale=locale, area=area)
    await fatima.press("Broadcast")
    await fatima.press("New message")
    await fatima.send("Soup <b>tonight</b> & tomorrow!")
    await fatima.press("Choose buurten")
    await fatima.press("Continue")
    assert "Choose at least one." in fatima.text
    await fatima.press("Taagdreef")
    await fatima.press("Continue")
    assert "3 people will receive it." in fatima.text  # two residents and Fatima herself
    assert "Soup &lt;b&gt;tonight&lt;/b&gt; &amp; tomorrow!" in fatima.text
    await fatima.press("Add a translation")
    await fatima.press("العربية")
    await fatima.send("حساء الليلة")
    assert "Own versions in: العربية" in fatima.text
    await fatima.press("Send now")
    assert "Sending to 3 people." in fatima.text
    async with app.sessions() as session:
        item = await session.scalar(select(Broadcast))
        recipients = len(
            (await session.scalars(select(Delivery).where(Delivery.kind == "broadcast"))).all()
        )
    assert item is not None and item.status is BroadcastStatus.SENDING and recipients == 3
    assert item.texts_by_locale == {"ar": "حساء الليلة"}


async def test_schedule_and_cancel(app: App) -> None:
    fatima = await coordinator(app)
    await fatima.press("Broadcast")
    await fatima.press("New message")
    await fatima.send("Meeting on Friday")
    await fatima.press("Everyone in the neighbourhood")
    await fatima.press("Send later")
    await fatima.send("yesterday 10:00")
    assert "That date has passed. Please choose a later date." in fatima.text
    await fatima.send("whenever 10:00")
    assert "I cannot read that date" in fatima.text
    await fatima.send("6-3-2026 25:00")
    assert "Please type a date and time" in fatima.text
    await fatima.send("friday 10:00")  # in words: shown back for a yes
    assert "Friday, March 6, 2026" in fatima.text and "is that right?" in fatima.text
    await fatima.press("Yes")
    assert "Scheduled for Friday, March 6, 2026" in fatima.text
    async with app.sessions() as session:
        item = await session.scalar(select(Broadcast))
    assert item is not None and item.scheduled_for == datetime(2026, 3, 6, 9, 0, tzinfo=UTC)
    await fatima.press("Broadcast")
    await fatima.press("Cancel: Meeting on Friday")
    assert "Cancelled." in fatima.text
    async with app.sessions.begin() as session:
        assert await SWEEPS["scheduled_broadcasts"](session, datetime(2026, 3, 7, tzinfo=UTC)) == 0


async def test_residents_cannot_review_or_broadcast(app: App) -> None:
    ann = Chat(app, 70, language_code="en")
    await onboard(ann)
    assert "🗂️ Review proposals" not in ann.labels
    for command in ("/review", "/broadcast"):
        await ann.send(command)
        assert "Sorry, only coordinators of this neighbourhood can do that." in ann.text
    person = await person_of(app, 70)
    assert person is not None
