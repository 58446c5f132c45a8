"""/forget leaves no trace of the person and keeps the neighbourhood's work; /mydata is complete."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update

from bot.app import App
from bot.domain import privacy
from bot.domain.models import (
    AuditEntry,
    Broadcast,
    ConversationState,
    Delivery,
    Identity,
    Initiative,
    InitiativeStatus,
    Person,
    ReceivedUpdate,
    Signup,
    SignupStatus,
    Support,
    UpdateStatus,
)
from bot.domain.traces import Needles, scrub
from bot.i18n import translator
from tests.chat import Chat, coordinator, onboard
from tests.factories import action, initiative, join, person_of, resident
from tests.traces import person_columns, references_to, traces

ZEYNEP = 777001
TYPED = "Quxbrindle soup evening"  # a distinctive text she typed


def update_row(update_id: int, chat: int, status: UpdateStatus, **columns: Any) -> dict[str, Any]:
    return {
        "messenger": "telegram",
        "update_id": update_id,
        "chat_key": f"chat:{chat}",
        "status": status,
        "attempts": 1,
        **columns,
    }


def coordinator_press(update_id: int, text: str) -> dict[str, Any]:
    """A coordinator's button press on a message that shows the proposal and its proposer."""
    return {
        "update_id": update_id,
        "callback_query": {
            "id": "cb1",
            "from": {"id": 900, "first_name": "Fatima"},
            "data": "r:approve",
            "message": {"message_id": 5, "chat": {"id": 900, "type": "private"}, "text": text},
        },
    }


async def zeynep_with_traces(app: App) -> tuple[Chat, Chat, Person]:
    """Zeynep, with her data spread over every table a person can end up in."""
    fatima = await coordinator(app)
    chat = Chat(app, ZEYNEP, first_name="Zeynep", language_code="tr")
    await onboard(chat, "Türkçe")
    person = await person_of(app, ZEYNEP)
    coordinator_person = await person_of(app, 900)
    assert person is not None and coordinator_person is not None
    waiting = await initiative(app, person, "Pomegranate corner", status=InitiativeStatus.SUBMITTED)
    await initiative(app, person, "Flobbergast draft", status=InitiativeStatus.DRAFT)
    await initiative(app, person, "Zeynep's garden")  # the neighbourhood's work, signed
    now = app.clock.now()
    shown = f"Proposal\nName: Pomegranate corner\nDescription: {TYPED}\nProposed by Zeynep"
    async with app.sessions.begin() as session:
        await session.execute(
            update(Initiative).where(Initiative.id == waiting.id).values(description=TYPED)
        )
        await session.execute(
            update(Identity).where(Identity.person_id == person.id).values(username="zeynep_ovv")
        )
        own = {"message": {"from": {"id": ZEYNEP, "username": "zeynep_ovv"}, "text": TYPED}}
        session.add_all(
            [
                ReceivedUpdate(
                    **update_row(1, ZEYNEP, UpdateStatus.DONE, payload=own, received_at=now)
                ),
                ReceivedUpdate(
                    **update_row(
                        2,
                        900,
                        UpdateStatus.DONE,
                        payload=coordinator_press(2, shown),
                        received_at=now,
                    )
                ),
                ReceivedUpdate(
                    **update_row(
                        3,
                        900,
                        UpdateStatus.PENDING,
                        payload=coordinator_press(3, shown),
                        received_at=now,
                    )
                ),
                ReceivedUpdate(
                    **update_row(
                        4,
                        900,
                        UpdateStatus.DONE,
                        payload=None,
                        answer={
                            "chat_id": 900,
                            "replies": [{"text": f"By Zeynep: {TYPED}"}],
                        },
                        received_at=now,
                    )
                ),
                Delivery(
                    key=f"{coordinator_person.id}|joined|action:1|",
                    person_id=coordinator_person.id,
                    kind="joined",
                    subject="action:1",
                    payload={"params": {"name": "Zeynep"}},
                    next_attempt_at=now,
                    created_at=now,
                ),
                Delivery(
                    key=f"{coordinator_person.id}|welcome_role|person:{person.id}|",
                    person_id=coordinator_person.id,
                    kind="welcome_role",
                    subject=f"person:{person.id}",
                    next_attempt_at=now,
                    created_at=now,
                ),
                AuditEntry(
                    at=now,
                    action="role.granted",
                    actor_id=coordinator_person.id,
                    subject_type="person",
                    subject_id=person.id,
                    details={"name": "Zeynep", "role": "partner"},
                ),
                Broadcast(
                    neighbourhood_id=person.neighbourhood_id,
                    author_id=person.id,
                    text=f"Draft: {TYPED}",
                    created_at=now,
                ),
            ]
        )
        state = await session.get(ConversationState, coordinator_person.id)
        assert state is not None
        state.data = {**state.data, "note": "call Zeynep (@zeynep_ovv) about the soup"}
    return chat, fatima, person


async def test_forget_leaves_no_trace_in_any_table_or_column(app: App) -> None:
    chat, fatima, person = await zeynep_with_traces(app)
    assert await traces(app.engine, "zeynep", TYPED, str(ZEYNEP))  # the scan does find her

    await chat.send("/forget")
    await chat.press(translator("tr")._("Yes, forget me"))

    assert await traces(app.engine, "zeynep", TYPED, "Quxbrindle", str(ZEYNEP)) == []
    assert await references_to(app.engine, person.id) == []
    async with app.sessions() as session:
        updates = {u.update_id: u for u in await session.scalars(select(ReceivedUpdate))}
        about = await session.scalars(select(Delivery).where(Delivery.subject.like("person:%")))
        assert list(about) == []
    # The coordinator's waiting update can still be processed and her answer still sent.
    pending = updates[3].payload
    assert pending is not None and pending["callback_query"]["data"] == "r:approve"
    assert "Proposed by …" in pending["callback_query"]["message"]["text"]
    assert updates[2].payload is None  # done: not needed any more
    assert updates[4].answer == {"chat_id": 900, "replies": [{"text": "By …: …"}]}
    assert updates[1].chat_key == "forgotten" and updates[1].payload is None
    assert fatima.answers  # the coordinator is untouched
    async with app.sessions() as session:
        kept = await session.scalar(select(Initiative).where(Initiative.title == "…'s garden"))
    assert kept is not None and kept.status is InitiativeStatus.APPROVED and kept.owner_id is None


async def test_audit_lines_stay_with_one_pseudonym_and_lose_the_identity(app: App) -> None:
    chat, _, _ = await zeynep_with_traces(app)
    await chat.send("/forget")
    await chat.press(translator("tr")._("Yes, forget me"))
    async with app.sessions() as session:
        lines = list(await session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    hers = [line for line in lines if line.actor_label]
    assert {line.action for line in hers} == {"consent.given", "initiative.withdrawn"}
    labels = {line.actor_label for line in hers}
    assert len(labels) == 1 and all(line.actor_id is None for line in hers)
    (label,) = labels
    assert label.startswith("erased-") and len(label) == 15
    granted = next(line for line in lines if line.details.get("subject") == label)
    assert granted.action == "role.granted"
    assert granted.subject_id is None and granted.details == {
        "name": "…",
        "role": "partner",
        "subject": label,
    }


async def test_a_coordinators_decisions_stay_after_they_are_forgotten(app: App) -> None:
    fatima = await coordinator(app)
    owner = await resident(app, 960, locale="en")
    await initiative(app, owner, "Garden", status=InitiativeStatus.SUBMITTED)
    await fatima.press("Review proposals")
    await fatima.press("Garden")
    await fatima.press("Approve")
    await fatima.send("/forget")
    await fatima.press("Yes, forget me")
    async with app.sessions() as session:
        decision = await session.scalar(
            select(AuditEntry).where(AuditEntry.action == "initiative.approved")
        )
    assert decision is not None and decision.actor_id is None
    assert decision.actor_label and decision.actor_label.startswith("erased-")


async def test_the_proposal_of_an_erased_person_does_not_break_the_review(app: App) -> None:
    fatima = await coordinator(app)
    chat = Chat(app, 961, language_code="en")
    await onboard(chat)
    person = await person_of(app, 961)
    assert person is not None
    await initiative(app, person, "Bench", status=InitiativeStatus.SUBMITTED)
    orphan = await initiative(app, person, "Orphan", status=InitiativeStatus.APPROVED)
    async with app.sessions.begin() as session:  # an ownerless proposal, as older data may hold
        await session.execute(
            update(Initiative)
            .where(Initiative.id == orphan.id)
            .values(status=InitiativeStatus.SUBMITTED, submitted_at=app.clock.now(), owner_id=None)
        )
    await fatima.press("Review proposals")
    await fatima.press("Bench")  # the coordinator is looking at it...
    await chat.send("/forget")  # ...when its proposer is erased
    await chat.press("Yes, forget me")
    await fatima.press("Reject")
    assert "Someone has already decided on this proposal." in fatima.text
    await fatima.press("Orphan")
    assert "Proposed by someone who has left Wijkbot" in fatima.text
    await fatima.press("Reject")
    await fatima.send("Not this year.")
    assert "The proposer has left Wijkbot, so nobody is told." in fatima.text
    async with app.sessions() as session:
        statuses = {i.id: i.status for i in await session.scalars(select(Initiative))}
        decisions = list(
            await session.scalars(select(Delivery).where(Delivery.kind == "review_decision"))
        )
    assert statuses[orphan.id] is InitiativeStatus.REJECTED
    assert InitiativeStatus.WITHDRAWN in statuses.values() and decisions == []


async def test_the_queue_says_how_many_more_are_waiting(app: App) -> None:
    fatima = await coordinator(app)
    owner = await resident(app, 962, locale="en")
    for number in range(12):
        await initiative(app, owner, f"Idea {number:02}", status=InitiativeStatus.SUBMITTED)
        app.clock.advance(timedelta(minutes=1))
    async with app.sessions.begin() as session:
        await session.execute(
            update(Initiative).values(submitted_at=Initiative.created_at, owner_id=None)
        )
    await fatima.press("Review proposals")
    assert "And 2 more" in fatima.text and len(fatima.labels) == 11


async def test_erasure_lowers_supporter_counts_and_offers_the_place_on(app: App) -> None:
    chat = Chat(app, 963, language_code="en")
    await onboard(chat)
    person = await person_of(app, 963)
    waiting = await resident(app, 964)
    assert person is not None
    owner = await resident(app, 965)
    garden = await initiative(app, owner, "Garden", supporters=1)
    soon = await action(app, app.clock.now() + timedelta(days=2), capacity=1)
    await join(app, soon.id, person.id)
    async with app.sessions.begin() as session:
        session.add(
            Support(initiative_id=garden.id, person_id=person.id, created_at=app.clock.now())
        )
        session.add(
            Signup(
                action_id=soon.id,
                person_id=waiting.id,
                status=SignupStatus.WAITLISTED,
                created_at=app.clock.now(),
            )
        )
    await chat.send("/forget")
    await chat.press("Yes, forget me")
    async with app.sessions() as session:
        counted = await session.get(Initiative, garden.id)
        offered = await session.scalar(select(Signup).where(Signup.person_id == waiting.id))
        told = await session.scalar(select(Delivery).where(Delivery.kind == "place_offered"))
    assert counted is not None and counted.supporter_count == 0
    assert offered is not None and offered.status is SignupStatus.OFFERED
    assert told is not None and told.person_id == waiting.id and told.subject == f"action:{soon.id}"


def test_every_reference_to_a_person_is_exported_or_deliberately_not() -> None:
    exported = {(model.__tablename__, column) for model, column in privacy.REFERENCES}
    missing = set(person_columns()) - exported - set(privacy.NOT_EXPORTED)
    assert missing == set()


async def test_my_data_holds_audit_consent_updates_and_what_they_authored(app: App) -> None:
    chat, _, person = await zeynep_with_traces(app)
    await chat.send("/mydata")
    document = chat.answers[-1].replies[0].document
    assert document is not None and document.data is not None
    exported = json.loads(document.data)
    assert [line["action"] for line in exported["audit"]] == ["consent.given"]
    assert exported["audit_about_you"][0]["action"] == "role.granted"
    assert exported["identities"][0]["username"] == "zeynep_ovv"
    assert [u["update_id"] for u in exported["received_updates"]] == [1]
    assert exported["received_updates"][0]["payload"]["message"]["text"] == TYPED
    assert exported["broadcasts"][0]["text"] == f"Draft: {TYPED}"
    titles = {i["title"] for i in exported["initiatives"]}
    assert titles == {"Pomegranate corner", "Flobbergast draft", "Zeynep's garden"}
    assert set(privacy.REFERENCES.values()) <= set(exported)
    assert exported["person"]["id"] == person.id


def test_mentions_are_whole_words_and_button_data_is_left_alone() -> None:
    needles = Needles.of([777001], ["Open", "zeynep_ovv", "A", None])
    update = {
        "callback_query": {
            "from": {"id": 777001, "username": "zeynep_ovv"},
            "data": "r:3:open:12",
            "message": {"text": "Open day by Open, Opening at 7770012 (777001)"},
        }
    }
    assert scrub(update, needles) == {
        "callback_query": {
            "from": {"id": 0, "username": "…"},
            "data": "r:3:open:12",
            "message": {"text": "… day by …, Opening at 7770012 (…)"},
        }
    }
    assert not needles.mentions({"text": "A day out"})  # one letter protects nothing
