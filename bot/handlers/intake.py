"""Durable intake: an update is stored before it is acknowledged, processed once, answered.

    record ──> pending ──claim──> processing ──step's transaction──> done + answer owed
      │                  (lease,    │  (re-checked: still ours?)         │ commit
      │                  renewed)   └─ error ─> pending (pause) / failed   ▼
      │                                                              send ─> answer cleared
      ├─ over the chat's cap ─> done at once, no payload
      └─ not for Wijkbot (a group's chatter, an edit, the upgrade of a group
         that is not Wijkbot's) ─> not stored at all

Both runtimes use it. Polling stores a batch before asking for the next one
(which is what acknowledges it to Telegram); a webhook stores the update
before answering 200. The transaction that stores updates also claims those
whose chat is free (`record_and_claim`), so a step starts without a claim of
its own; the others wait for the claims of the processor's loop. Storing is
idempotent on `update_id`, and only what the bot reads of an update is kept
(`telegram.essentials`); the payload is set to NULL in the transaction that
marks the update done (or failed).

Exactly once: a process claims rows with a short lease that it renews while it
holds them (also the rows waiting behind a busy chat), and the step's
transaction only commits when the row is still the one it claimed
(status processing, same attempt). A process that dies leaves rows whose lease
runs out within seconds; whoever claims them next processes them, or, when
only the answer was still owed, sends that answer without processing again.
A chat's next update is not taken by another process while an earlier one is
held or its answer is still owed, so answers reach a person in the order
they wrote, also across processes and crashes.

Flood control: a chat with `per_chat_cap` updates waiting gets further
updates stored as done without a payload and unprocessed, and one "slow down"
answer per burst.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, Insert, Update, bindparam, func, null, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import metrics
from bot.clock import Clock
from bot.config import INTAKE_LEASE
from bot.domain import chat_links
from bot.domain.dialect import insert_ignoring_duplicates
from bot.domain.models import ReceivedUpdate, UpdateStatus
from bot.handlers import telegram
from bot.handlers.owed import Owed
from bot.handlers.telegram import ChatMigration, Turn, chat_key
from bot.logs import event

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 3  # processing attempts before an update is given up
MAX_SENDS = 5  # sending attempts before an owed answer is given up
LEASE = timedelta(seconds=INTAKE_LEASE)
OWED_EVERY = timedelta(seconds=1)  # how often a claim also looks for answers a dead sender left
PER_CHAT_CAP = 20
FOLLOW_UP = 0.05  # seconds from a finished update to the claim of its chat's next one
FLOODED = "flood: not processed"  # the `error` of an update dropped by the flood control
QUEUED = (UpdateStatus.PENDING, UpdateStatus.PROCESSING)
Json = dict[str, Any]

UPDATES = ReceivedUpdate.__table__  # Core statements on the hot path: no ORM bookkeeping
telegram_chat_key = chat_key  # the name the intake's callers know it by


@dataclass(frozen=True, slots=True)
class Messenger:
    """How the intake reads one messenger's updates: each is a dict with an int "update_id"
    (unique per messenger), the chat it belongs to (`chat_key`), what of it is kept
    (`essentials`, None: nothing Wijkbot acts on) and what the kept part means (`read`)."""

    name: str
    chat_key: Callable[[Json], str]
    essentials: Callable[[Json], Json | None]
    read: Callable[[Json], object]
    # False where a chat id is personal data in itself (WhatsApp's is the phone number).
    chat_in_logs: bool = True


TELEGRAM = Messenger(
    telegram.MESSENGER, telegram.chat_key, telegram.essentials, telegram.read_update
)


def _claiming(wanted: ColumnElement[bool], **values: Any) -> Update:
    """UPDATE ... RETURNING the oldest rows `wanted` selects (up to :limit), built once:
    a claim only binds :now, :until, :limit and :mine (the ids its caller holds)."""
    ids = (
        select(UPDATES.c.id)
        .where(wanted)
        .order_by(UPDATES.c.id)
        .limit(bindparam("limit"))
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    return update(UPDATES).where(UPDATES.c.id.in_(ids)).values(**values).returning(*UPDATES.c)


_STORED = select(UPDATES.c.update_id).where(
    UPDATES.c.messenger == bindparam("messenger"),
    UPDATES.c.update_id.in_(bindparam("ids", expanding=True)),
)
_WAITING = (  # per chat: updates waiting, and the oldest of them
    select(UPDATES.c.chat_key, func.count(), func.min(UPDATES.c.id))
    .where(UPDATES.c.chat_key.in_(bindparam("keys", expanding=True)), UPDATES.c.status.in_(QUEUED))
    .group_by(UPDATES.c.chat_key)
)
_CLEAR = (
    update(UPDATES)
    .where(UPDATES.c.id.in_(bindparam("ids", expanding=True)))
    .values(answer=null(), lease_until=None)
)
_now, _mine = bindparam("now"), bindparam("mine", expanding=True)
_earlier = UPDATES.alias("earlier")
# An earlier update of the chat that is not the caller's: still queued (held by another
# process, pausing, or just being claimed by one: a row locked by another claim is skipped
# here, not seen as taken), or its answer still owed. The later update waits for it, so a
# chat's steps run and its answers go out in order, across processes and crashes too.
_behind_others = (
    select(_earlier.c.id)
    .where(
        _earlier.c.chat_key == UPDATES.c.chat_key,
        _earlier.c.id < UPDATES.c.id,
        _earlier.c.status.in_(QUEUED) | _earlier.c.answer.is_not(None),
        _earlier.c.id.not_in(_mine),
    )
    .exists()
)


_ours_to_read = UPDATES.c.messenger == bindparam("reader")  # another intake reads the rest


def _to_process(which: ColumnElement[bool]) -> Update:
    """Claim updates `which` selects that wait to be processed and whose chat is free."""
    return _claiming(
        which
        & _ours_to_read
        & UPDATES.c.status.in_(QUEUED)
        & UPDATES.c.payload.is_not(None)
        & ~_behind_others,
        status=UpdateStatus.PROCESSING,
        attempts=UPDATES.c.attempts + 1,
        lease_until=bindparam("until"),
    )


TO_PROCESS = _to_process(  # pending, or left by a process whose lease ran out
    (UPDATES.c.lease_until.is_(None) | (UPDATES.c.lease_until < _now)) & UPDATES.c.id.not_in(_mine)
)
# Updates this process has just stored, in the transaction that stores them: a step whose
# chat is free starts without a claim of its own (one transaction fewer).
TO_PROCESS_FRESH = _to_process(
    UPDATES.c.id.in_(bindparam("fresh", expanding=True)) & UPDATES.c.lease_until.is_(None)
)
OWED = _claiming(  # answers owed whose sender is gone (its lease or pause has passed)
    (UPDATES.c.status == UpdateStatus.DONE)
    & _ours_to_read
    & (UPDATES.c.lease_until <= _now)
    & UPDATES.c.answer.is_not(None)
    & UPDATES.c.id.not_in(_mine),
    lease_until=bindparam("until"),
)


def _ours(row: Any, attempt: Any) -> Update:
    """UPDATE of the row only while it is the one claimed: processing, same attempt."""
    return update(UPDATES).where(
        UPDATES.c.id == row,
        UPDATES.c.status == UpdateStatus.PROCESSING,
        UPDATES.c.attempts == attempt,
    )


_FINISH = _ours(bindparam("row"), bindparam("attempt")).values(
    status=UpdateStatus.DONE,
    processed_at=bindparam("now"),
    payload=null(),
    error=None,
    answer=bindparam("owed", type_=UPDATES.c.answer.type),  # None is SQL NULL
    lease_until=bindparam("until"),
)


class Intake:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        *,
        lease: timedelta = LEASE,
        per_chat_cap: int = PER_CHAT_CAP,
        messenger: Messenger = TELEGRAM,
    ) -> None:
        self.sessions = sessions
        self.messenger = messenger
        self.clock = clock
        self.lease = lease
        self.per_chat_cap = per_chat_cap
        self._owed_due = clock.now()  # when a claim next looks for answers owed
        self._sent: set[int] = set()  # answers sent, waiting to be cleared
        self._clearing = asyncio.Lock()

    # -- storing -----------------------------------------------------------------------

    async def record(self, updates: Sequence[Json]) -> int:
        """Store updates (ignoring ones already stored); returns how many were new."""
        if not updates:
            return 0
        async with self.sessions.begin() as session:
            return len(await self._store(session, updates))

    async def record_and_claim(
        self, updates: Sequence[Json], held: Iterable[int] = ()
    ) -> list[ReceivedUpdate]:
        """Store updates and, in the same transaction, claim the new ones whose chat is free
        (see `claim`: `held` are the caller's rows); the others wait for a claim."""
        if not updates:
            return []
        now = self.clock.now()
        async with self.sessions.begin() as session:
            stored = await self._store(session, updates)
            if not stored:
                return []
            values = {
                "now": now,
                "until": now + self.lease,
                "mine": list(held),
                "fresh": stored,
                "limit": len(stored),
                "reader": self.messenger.name,
            }
            result = await session.execute(TO_PROCESS_FRESH, values)
            claimed = [ReceivedUpdate(**row._mapping) for row in result]
        return sorted(claimed, key=lambda row: row.id)

    async def _store(self, session: AsyncSession, updates: Sequence[Json]) -> list[int]:
        """Insert the updates not stored yet; returns their rows' ids."""
        now = self.clock.now()
        chat_key, read = self.messenger.chat_key, self.messenger.read
        fresh = await self._not_stored(session, updates)
        queued, warned = await self._queues(session, {chat_key(item) for item in fresh})
        kept_of = {id(item): self.messenger.essentials(item) for item in fresh}
        reading_of = {key: read(kept) for key, kept in kept_of.items() if kept is not None}
        # A group's upgrade to a supergroup is kept only for Wijkbot's own chats.
        migrations = {
            key: reading
            for key, reading in reading_of.items()
            if isinstance(reading, ChatMigration)
        }
        if migrations:
            followed = await chat_links.followed(
                session, {reading.old_chat_id for reading in migrations.values()}
            )
            for key_of_item, reading in migrations.items():
                if reading.old_chat_id not in followed:
                    kept_of[key_of_item] = None
        rows = []
        for item in fresh:
            key, kept = chat_key(item), kept_of[id(item)]
            row: Json = {
                "messenger": self.messenger.name,
                "update_id": int(item["update_id"]),
                "chat_key": key,
                "payload": None,
                "status": UpdateStatus.DONE.value,
                "attempts": 0,
                "lease_until": None,
                "received_at": now,
                "processed_at": now,
                "error": None,
                "answer": None,
            }
            if kept is None:
                continue  # nothing Wijkbot acts on (a group's chatter): nothing is kept
            turn = reading_of[id(item)]
            if isinstance(turn, Turn) and queued.get(key, 0) >= self.per_chat_cap:
                row["error"] = FLOODED
                if key not in warned:  # one "slow down" per burst, not one per update
                    warned.add(key)
                    row.update(answer=slow_down(turn).to_json(), lease_until=now)  # owed
                    self._owed_due = now
                    said = {"chat": turn.chat_id} if self.messenger.chat_in_logs else {}
                    event(log, "intake.flooded", messenger=self.messenger.name, **said)
            else:
                row.update(payload=kept, status=UpdateStatus.PENDING.value, processed_at=None)
                queued[key] = queued.get(key, 0) + 1
            rows.append(row)
        return await _insert(session, rows)

    async def _not_stored(self, session: AsyncSession, updates: Sequence[Json]) -> list[Json]:
        ids = [int(item["update_id"]) for item in updates]
        values = {"messenger": self.messenger.name, "ids": ids}
        known = set(await session.scalars(_STORED, values))
        fresh: dict[int, Json] = {}
        for item in updates:
            update_id = int(item["update_id"])
            if update_id not in known:
                fresh.setdefault(update_id, item)
        return list(fresh.values())

    async def _queues(
        self, session: AsyncSession, keys: set[str]
    ) -> tuple[dict[str, int], set[str]]:
        """Per chat: how many updates wait, and whether this burst was told to slow down."""
        if not keys:
            return {}, set()
        waiting = {
            key: (count, first)
            for key, count, first in await session.execute(_WAITING, {"keys": list(keys)})
        }
        full = [key for key, (count, _) in waiting.items() if count >= self.per_chat_cap]
        warned: set[str] = set()
        if full:
            last_dropped = await session.execute(
                select(ReceivedUpdate.chat_key, func.max(ReceivedUpdate.id))
                .where(ReceivedUpdate.chat_key.in_(full), ReceivedUpdate.error == FLOODED)
                .group_by(ReceivedUpdate.chat_key)
            )
            # Dropped after the oldest update still waiting: the same burst, already told.
            warned = {key for key, last in last_dropped if last > waiting[key][1]}
        return {key: count for key, (count, _) in waiting.items()}, warned

    # -- claiming and leases -------------------------------------------------------------

    async def claim(self, limit: int, held: Iterable[int] = ()) -> list[ReceivedUpdate]:
        """Take up to `limit` rows: updates to process (pending, or left by a dead process)
        and answers still owed whose sender is gone. Their lease is `self.lease`. Rows in
        `held` are the caller's already (its heartbeat renews them) and are left alone; an
        update waits while an earlier one of its chat is not in `held` and still queued
        (in another process's hands, pausing before a retry, or claimable: it is taken
        first, the later one by the next claim) or still owes its answer, so a chat's
        updates are processed, and answered, in order.

        Owed answers are looked for at most every `OWED_EVERY` (they wait out a lease or
        a pause first anyway), and only among rows whose `lease_until` has passed: a
        sent answer leaves `lease_until` NULL, so the index on (status, lease_until)
        skips the history of done updates."""
        now = self.clock.now()
        wanted = [TO_PROCESS, OWED] if now >= self._owed_due else [TO_PROCESS]
        values = {
            "now": now,
            "until": now + self.lease,
            "mine": list(held),
            "reader": self.messenger.name,
        }
        claimed: list[ReceivedUpdate] = []
        # Each claim is one UPDATE, so SQLite takes its write lock before it reads.
        async with self.sessions.begin() as session:
            for statement in wanted:
                if limit <= len(claimed):
                    break
                result = await session.execute(statement, {**values, "limit": limit - len(claimed)})
                claimed.extend(ReceivedUpdate(**row._mapping) for row in result)
                if statement is OWED:
                    self._owed_due = now + OWED_EVERY
        return sorted(claimed, key=lambda row: row.id)

    async def renew(self, rows: Sequence[ReceivedUpdate]) -> None:
        """Extend the lease of rows this process still holds (a heartbeat)."""
        ids = [row.id for row in rows]
        if not ids:
            return
        until = self.clock.now() + self.lease
        async with self.sessions.begin() as session:
            await session.execute(
                update(ReceivedUpdate)
                .where(
                    ReceivedUpdate.id.in_(ids),
                    ReceivedUpdate.status.in_([UpdateStatus.PROCESSING, UpdateStatus.DONE]),
                )
                .values(lease_until=until)
                .execution_options(synchronize_session=False)
            )
            for row in rows:
                row.lease_until = until

    # -- inside the step's own transaction --------------------------------------------------

    async def finish(self, session: AsyncSession, row: ReceivedUpdate, owed: Owed | None) -> bool:
        """Last in the step's transaction: done, payload gone, answer owed; False (and
        nothing may be committed) when the row is no longer ours: its lease ran out and
        another process claimed it (a new attempt), or finished it. This one check is
        what makes a step count once; the step does its work before it, unlocked."""
        now = self.clock.now()
        values = {
            "row": row.id,
            "attempt": row.attempts,
            "now": now,
            "owed": owed.to_json() if owed is not None else None,
            "until": now + self.lease if owed is not None else None,  # ours to send
        }
        changed = await session.execute(_FINISH, values)
        return changed.rowcount == 1  # type: ignore[attr-defined]

    @staticmethod
    async def _still_ours(session: AsyncSession, row: ReceivedUpdate, **values: Any) -> bool:
        changed = await session.execute(_ours(row.id, row.attempts).values(**values))
        return changed.rowcount == 1  # type: ignore[attr-defined]

    # -- after the step ----------------------------------------------------------------------

    async def mark_failed(self, row: ReceivedUpdate, error: BaseException) -> bool:
        """Back to pending after a pause, or failed for good (without its payload); True
        when it will be retried. A row no longer ours (done meanwhile) is left alone."""
        retry = row.attempts < MAX_ATTEMPTS
        now = self.clock.now()
        async with self.sessions.begin() as session:
            values: Json = {
                "status": UpdateStatus.PENDING if retry else UpdateStatus.FAILED,
                "lease_until": now + timedelta(seconds=2**row.attempts) if retry else None,
                "error": type(error).__name__,  # its text may quote what a person typed
            }
            if not retry:
                values["payload"] = null()
            ours = await self._still_ours(session, row, **values)
        return retry and ours

    async def answer_sent(self, row: ReceivedUpdate) -> None:
        """Clear a sent answer; returns once it is cleared. Answers sent while an earlier
        clearing runs are cleared together after it, in one UPDATE (a group commit)."""
        self._sent.add(row.id)
        async with self._clearing:
            if row.id not in self._sent:
                return  # cleared by the batch before us
            ids, self._sent = self._sent, set()
            try:
                async with self.sessions.begin() as session:
                    await session.execute(_CLEAR, {"ids": list(ids)})
            except BaseException:
                self._sent |= ids  # each waiter tries again (and this one reports it)
                raise

    async def answer_failed(self, row: ReceivedUpdate, owed: Owed, error: BaseException) -> bool:
        """Try the answer again after a pause, or give it up; True when it will be retried."""
        failures = owed.failures + 1
        retry = failures < MAX_SENDS
        now = self.clock.now()
        async with self.sessions.begin() as session:
            await session.execute(
                update(ReceivedUpdate)
                .where(ReceivedUpdate.id == row.id, ReceivedUpdate.answer.is_not(None))
                .values(
                    answer={**owed.to_json(), "failures": failures} if retry else null(),
                    lease_until=now + timedelta(seconds=2**failures) if retry else None,
                    error=None if retry else f"answer not sent: {type(error).__name__}",
                )
            )
        return retry

    async def pending_count(self) -> int:
        async with self.sessions() as session:
            count = await session.scalar(
                select(func.count(ReceivedUpdate.id)).where(ReceivedUpdate.status.in_(QUEUED))
            )
            return int(count or 0)


async def _insert(session: AsyncSession, rows: list[Json]) -> list[int]:
    """Insert rows (every one with every column: None is SQL NULL in the JSON columns too),
    ignoring ones stored meanwhile, in one statement; returns the new rows' ids."""
    if not rows:  # all of them stored already (an empty executemany would insert one row)
        return []
    return list((await session.scalars(_inserting(session.bind.dialect.name), rows)).all())


@functools.cache
def _inserting(dialect_name: str) -> Insert:
    """The INSERT of new updates, built once per database kind."""
    insert = insert_ignoring_duplicates(UPDATES, dialect_name, "messenger", "update_id")
    return insert.returning(UPDATES.c.id)


def slow_down(turn: Turn) -> Owed:
    """The flood control's notice, rendered when it is sent (in the person's language)."""
    return Owed(
        chat_id=turn.chat_id,
        callback_id=turn.callback_id,
        language_code=turn.contact.language_code or "",
    )


class Processor:
    """Runs stored updates through `process`: in order within a chat, chats in parallel.

    `process` runs one update's step and returns the answer it committed as owed (or
    None); `deliver` sends an owed answer, raising when it could not. A heartbeat
    renews the lease of every row in hand, also the ones waiting behind a busy chat.
    """

    def __init__(
        self,
        intake: Intake,
        process: Callable[[ReceivedUpdate], Awaitable[Owed | None]],
        deliver: Callable[[Owed], Awaitable[None]],
        *,
        workers: int = 64,
        idle_poll: float = 1.0,
        renew_every: float | None = None,
    ) -> None:
        self.intake = intake
        self.process = process
        self.deliver = deliver
        self.workers = workers
        self.idle_poll = idle_poll
        self.renew_every = renew_every or intake.lease.total_seconds() / 3
        self._wake = asyncio.Event()
        self._follow_up_due: asyncio.TimerHandle | None = None
        self._slots = asyncio.Semaphore(workers)
        self._last_of_chat: dict[str, asyncio.Task[None]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._held: dict[int, ReceivedUpdate] = {}
        self._beat = asyncio.Lock()  # a row let go is not renewed by a beat already under way

    def wake(self) -> None:
        self._wake.set()

    async def receive(self, updates: Sequence[Json]) -> None:
        """Store updates that just came in and start those whose chat is free, in one
        transaction; a later update of a chat busy elsewhere waits for a claim."""
        rows = await self.intake.record_and_claim(updates, self._held)
        for row in rows:
            self._schedule(row)

    def _follow_up(self) -> None:
        """After an update is done, the chat's next one may wait in the database, stored by
        another process (a load balancer spreads a chat's updates): claim soon, not at the
        next idle poll. Updates done close together share one claim (a claim is a
        transaction, and under load they are done hundreds of times a second)."""
        if self._follow_up_due is None:
            loop = asyncio.get_running_loop()
            self._follow_up_due = loop.call_later(FOLLOW_UP, self._followed_up)

    def _followed_up(self) -> None:
        self._follow_up_due = None
        self.wake()

    async def run(self, stop: asyncio.Event) -> None:
        heartbeat = asyncio.create_task(self._heartbeat())
        try:
            while not stop.is_set():
                self._wake.clear()
                try:
                    rows = await self.intake.claim(self.workers * 2, self._held)
                except Exception as exc:  # the database is away for a moment: try again
                    event(log, "intake.claim_failed", logging.WARNING, error=type(exc).__name__)
                    rows = []
                for row in rows:
                    self._schedule(row)
                if not rows:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wake.wait(), self.idle_poll)
                elif len(self._tasks) >= self.workers * 4:
                    await asyncio.wait(self._tasks, return_when=asyncio.FIRST_COMPLETED)
            await self.drain()
        finally:
            heartbeat.cancel()
            await asyncio.wait([heartbeat])  # not `await`: our own cancellation must pass

    def abort(self) -> list[asyncio.Task[None]]:
        """Drop the updates in hand (their leases run out and another run takes them);
        returns the cancelled tasks, to be awaited."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        return tasks

    async def drain(self) -> None:
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _heartbeat(self) -> None:
        while True:
            await asyncio.sleep(self.renew_every)
            try:
                async with self._beat:
                    await self.intake.renew(list(self._held.values()))
            except Exception as exc:  # the next beat tries again
                event(log, "intake.renew_failed", logging.WARNING, error=type(exc).__name__)

    def _schedule(self, row: ReceivedUpdate) -> None:
        self._held[row.id] = row
        before = self._last_of_chat.get(row.chat_key)
        task = asyncio.create_task(self._run(row, before))
        self._last_of_chat[row.chat_key] = task
        self._tasks.add(task)
        task.add_done_callback(lambda done: self._forget(row, done))

    def _forget(self, row: ReceivedUpdate, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        self._held.pop(row.id, None)
        if self._last_of_chat.get(row.chat_key) is task:
            del self._last_of_chat[row.chat_key]

    async def _run(self, row: ReceivedUpdate, before: asyncio.Task[None] | None) -> None:
        if before is not None:
            await asyncio.wait([before])
        async with self._slots:
            if row.status is UpdateStatus.DONE:  # processed already; only its answer is owed
                owed: Owed | None = Owed.from_json(row.answer) if row.answer else None
            else:
                owed = await self._process(row)
            if owed is not None:
                await self._send(row, owed)
        self._follow_up()

    async def _process(self, row: ReceivedUpdate) -> Owed | None:
        try:
            return await metrics.timed(metrics.STEP_SECONDS, self.process(row))
        except Exception as exc:  # one bad update must not stop the others
            metrics.UPDATES_FAILED.inc()
            retried = await self.intake.mark_failed(row, exc)
            event(
                log,
                "update.failed",
                logging.ERROR,
                update=row.update_id,
                attempt=row.attempts,
                retried=retried,
                error=type(exc).__name__,
            )
            log.debug("update %s failed", row.update_id, exc_info=exc)
            if retried:
                self.wake()
            return None

    async def _send(self, row: ReceivedUpdate, owed: Owed) -> None:
        """The update is done whatever happens here: a failed send only leaves the answer
        owed, to be tried again after a pause."""
        try:
            await self.deliver(owed)
        except Exception as exc:
            async with self._beat:  # its pause is in lease_until: no beat may extend it
                self._held.pop(row.id, None)
            retried = await self.intake.answer_failed(row, owed, exc)
            event(
                log,
                "answer.failed",
                logging.WARNING,
                update=row.update_id,
                retried=retried,
                error=type(exc).__name__,
            )
            return
        await self.intake.answer_sent(row)
