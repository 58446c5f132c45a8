"""The retention sweep: what is kept, for how long, and that a second run changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.app import App
from bot.config import ConfigError
from bot.domain import broadcasts
from bot.domain.models import (
    Broadcast,
    BroadcastStatus,
    ConversationState,
    Delivery,
    DeliveryStatus,
    Identity,
    Initiative,
    InitiativeStatus,
    Person,
    ReceivedUpdate,
    UpdateStatus,
)
from bot.jobs.retention import Retention, Swept, sweep
from bot.jobs.scheduler import make_scheduler
from tests.conftest import make_settings
from tests.factories import initiative, resident

DAY = timedelta(days=1)


async def run(app: App, policy: Retention | None = None) -> Swept:
    async with app.sessions.begin() as session:
        return await sweep(session, app.clock.now(), policy or Retention())


async def received(app: App, update_id: int, status: UpdateStatus, age: timedelta) -> None:
    async with app.sessions.begin() as session:
        session.add(
            ReceivedUpdate(
                messenger="telegram",
                update_id=update_id,
                chat_key="chat:5",
                payload={"update_id": update_id, "message": {"text": "hello"}},
                answer={"text": "hi"} if status is UpdateStatus.DONE else None,
                status=status,
                received_at=app.clock.now() - age,
            )
        )


async def test_stored_updates_lose_their_payload_when_done_and_go_after_a_week(app: App) -> None:
    await received(app, 1, UpdateStatus.DONE, timedelta(hours=1))
    await received(app, 2, UpdateStatus.FAILED, timedelta(hours=1))
    await received(app, 3, UpdateStatus.PENDING, timedelta(minutes=1))
    await received(app, 4, UpdateStatus.DONE, 8 * DAY)
    await received(app, 5, UpdateStatus.FAILED, 8 * DAY)
    first = await run(app)
    async with app.sessions() as session:
        rows = {row.update_id: row for row in await session.scalars(select(ReceivedUpdate))}
    assert set(rows) == {1, 2, 3}
    assert rows[1].payload is None and rows[1].answer == {"text": "hi"}  # owed until sent
    assert rows[2].payload is not None  # failed: kept a week for whoever looks into it
    assert rows[3].payload is not None  # still to be processed
    assert (first.updates_deleted, first.payloads_cleared) == (2, 2)  # 4 was cleared too
    app.clock.advance(7 * DAY)
    await run(app)
    async with app.sessions() as session:
        left = await session.scalar(select(func.count(ReceivedUpdate.id)))
    assert left == 0


async def test_a_shorter_setting_is_honoured(app: App) -> None:
    await received(app, 1, UpdateStatus.FAILED, 2 * DAY)
    await run(app, Retention(updates=DAY))
    async with app.sessions() as session:
        assert await session.scalar(select(func.count(ReceivedUpdate.id))) == 0


async def delivery(
    app: App,
    person: Person,
    key: str,
    status: DeliveryStatus,
    age: timedelta,
    *,
    kind: str = "news",
    subject: str = "",
    broadcast_id: int | None = None,
) -> None:
    at = app.clock.now() - age
    async with app.sessions.begin() as session:
        session.add(
            Delivery(
                key=key,
                person_id=person.id,
                kind=kind,
                subject=subject,
                status=status,
                broadcast_id=broadcast_id,
                next_attempt_at=at,
                created_at=at,
                sent_at=at if status is DeliveryStatus.SENT else None,
            )
        )


async def test_finished_messages_go_after_30_days_and_broadcast_reports_stay_right(
    app: App,
) -> None:
    ann = await resident(app, 11)
    bob = await resident(app, 12)
    draft = await initiative(app, ann, "Unfinished", status=InitiativeStatus.DRAFT)
    async with app.sessions.begin() as session:
        message = Broadcast(
            neighbourhood_id=ann.neighbourhood_id,
            text="Clean-up on Saturday",
            status=BroadcastStatus.SENT,
            created_at=app.clock.now() - 40 * DAY,
        )
        session.add(message)
    old = 31 * DAY
    await delivery(app, ann, "b1", DeliveryStatus.SENT, old, broadcast_id=message.id)
    await delivery(app, bob, "b2", DeliveryStatus.UNREACHABLE, old, broadcast_id=message.id)
    await delivery(app, ann, "old", DeliveryStatus.SENT, old)
    await delivery(app, ann, "failed", DeliveryStatus.FAILED, old)
    await delivery(app, ann, "recent", DeliveryStatus.SENT, 29 * DAY)
    await delivery(app, ann, "waiting", DeliveryStatus.PENDING, old)
    nudge = f"initiative:{draft.id}"
    await delivery(app, ann, "nudge", DeliveryStatus.SENT, old, kind="nudge_draft", subject=nudge)
    async with app.sessions() as session:
        before = await broadcasts.report(session, message.id)

    assert (await run(app)).deliveries_deleted == 4
    assert (await run(app)).deliveries_deleted == 0  # idempotent: nothing counted twice
    async with app.sessions() as session:
        keys = set(await session.scalars(select(Delivery.key)))
        after = await broadcasts.report(session, message.id)
    assert keys == {"recent", "waiting", "nudge"}  # the nudge's key still keeps it once
    assert before == after and (after.sent, after.unreachable) == (1, 1)


async def test_stale_drafts_conversations_and_people_without_consent_go(app: App) -> None:
    ann = await resident(app, 21)
    stale = await initiative(app, ann, "Old draft", status=InitiativeStatus.DRAFT)
    app.clock.advance(31 * DAY)
    fresh = await initiative(app, ann, "New draft", status=InitiativeStatus.DRAFT)
    app.clock.advance(30 * DAY)  # the old draft is now 61 days untouched, the new one 30
    now = app.clock.now()
    async with app.sessions.begin() as session:
        for user_id, consented, age in (
            (31, False, 31 * DAY),
            (32, False, DAY),
            (33, True, 40 * DAY),
        ):
            person = Person(
                first_name="Visitor",
                locale="nl",
                created_at=now - age,
                last_seen_at=now - age,
                consent_at=now - age if consented else None,
                identities=[
                    Identity(messenger="telegram", external_id=str(user_id), chat_id=user_id)
                ],
            )
            session.add(person)
            await session.flush()
            session.add(
                ConversationState(
                    person_id=person.id,
                    flow="propose",
                    step="title",
                    data={"typed": "half a sentence"},
                    updated_at=now - age,
                )
            )

    swept = await run(app)
    assert (swept.drafts_deleted, swept.people_deleted, swept.conversations_reset) == (1, 1, 2)
    async with app.sessions() as session:
        titles = set(await session.scalars(select(Initiative.title)))
        people = set(await session.scalars(select(Identity.external_id)))
        states = {
            identity: (state.flow, state.data)
            for identity, state in await session.execute(
                select(Identity.external_id, ConversationState).join(
                    ConversationState, ConversationState.person_id == Identity.person_id
                )
            )
        }
    assert titles == {"New draft"} and stale.id != fresh.id
    assert people == {"21", "32", "33"}  # 31 never consented and came 61 days ago
    assert states == {"32": ("propose", {"typed": "half a sentence"}), "33": (None, {})}
    assert await run(app) == Swept()


@pytest.mark.parametrize(
    "name", ["update_retention_days", "outbox_retention_days", "unconsented_retention_days"]
)
def test_retention_settings_are_checked_and_read(name: str) -> None:
    with pytest.raises(ConfigError, match=f"^{name.upper()} is malformed: .*1"):
        make_settings("sqlite+aiosqlite:///x.db", **{name: 0})
    settings = make_settings("sqlite+aiosqlite:///x.db", **{name: 3})
    policy = Retention.from_settings(settings)
    assert timedelta(days=3) in (policy.updates, policy.outbox, policy.unconsented)


async def test_the_scheduler_runs_the_retention_sweep_every_hour(app: App) -> None:
    scheduler = make_scheduler(
        app.sessions, app.clock, lambda: None, on_failure=lambda name, exc: None
    )
    job = scheduler.get_job("retention")
    assert job is not None and job.trigger.interval == timedelta(hours=1)
    await received(app, 1, UpdateStatus.DONE, 8 * DAY)
    assert await job.func(*job.args) == 0  # it enqueues nothing...
    async with app.sessions() as session:  # ...and has cleaned up
        assert await session.scalar(select(func.count(ReceivedUpdate.id))) == 0
