"""The sender: takes due rows from the outbox and sends them within each messenger's limits.

    claim (pending, due; the person's messenger and, on WhatsApp, whether the 24-hour
           window is open)
                         ──> skip: opted out / unreachable / over nudge cap
                         ──> skipped: the kind says its subject was dealt with meanwhile
                         ──> defer: quiet hours, chat still cooling down
                         ──> render in the person's language *now* ──> the messenger's transport
    outcome: sent · 429 (pause, same row again) · 403 (person unreachable)
             · 5xx/time-out (back off, then failed) · 400 (failed, reason kept)
    a group's post: skipped when its chat was unlinked since the claim (checked last);
    400 "upgraded to a supergroup": the link moves to the new chat id, sent there
             · anything raised on the way (a render bug, a reply over Telegram's
               limits, a transport surprise): that row failed, reason kept, next row

Per messenger (the identity's `messenger`):

    telegram   shared pace "global" (DELIVERY_RATE, ~30/s; "paid": 1000/s), 1/s per chat
    whatsapp   shared pace "whatsapp" (DELIVERY_WHATSAPP_RATE, 80/s), a pair rate per
               person (a bucket: `whatsapp_pair_*`); the transport is told the push
               (`Push`): free-form inside the window, the kind's template outside it
               130429 pauses the "whatsapp" pace only; 131056 defers that row only
               131026 (now or by a status webhook): the person unreachable, like a 403
               131047 by a status webhook (the window had closed): bot/handlers/whatsapp/
               receipts.py puts the row back once, and it goes again as its template

One row can never stop the others: whatever goes wrong with a row is recorded
on that row, by exception type (and, for a reply over the limits, its lengths),
never with what a person typed.

Claimed rows carry a lease and the claiming sender's id; each row is marked
the moment its outcome is known, so after a crash only a message that was in
flight can go out again. With `concurrency` 1 (the default) that is at most
one message per crash.

Several senders may run at once (the leader's, and extra ones for paid
broadcasts: `wijkbot send --extra`, PostgreSQL only). They claim different rows
(SKIP LOCKED), share each messenger's rate through the database (bot/delivery/pacing.py),
and each holds an advisory lock named by its id while it runs: rows claimed by a
sender whose lock is free again go back in the queue (`recover`, at the start
and every RECOVER_EVERY seconds).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import metrics
from bot.chat.replies import TooLong
from bot.clock import Clock
from bot.delivery.kinds import KINDS, Kind, RenderContext
from bot.delivery.limits import PairRate, SendingLimits
from bot.delivery.marks import SentMarks
from bot.delivery.pacing import SharedPace
from bot.delivery.preferences import Category, quiet_until
from bot.delivery.transport import (
    TELEGRAM,
    WHATSAPP,
    Outcome,
    Push,
    PushTransport,
    Result,
    Transport,
)
from bot.domain import chat_links
from bot.domain.dialect import sender_gone, sender_lock
from bot.domain.models import (
    ChatLink,
    ChatLinkStatus,
    Delivery,
    DeliveryStatus,
    Identity,
    Neighbourhood,
    Person,
)
from bot.i18n import translator
from bot.logs import event

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 6
LEASE = timedelta(minutes=2)
NUDGE_WINDOW = timedelta(days=7)
RECOVER_EVERY = 5.0  # seconds between looks for rows of senders that stopped
# WhatsApp's customer-service window: free-form messages until 24 hours after the person
# last wrote. The margin keeps a message claimed in the window's last minutes (it may
# still wait for its pace or pair rate) from arriving just after it closed.
WINDOW = timedelta(hours=24)
WINDOW_MARGIN = timedelta(minutes=10)
# A row put back by a "failed" status with 131047 (the window had closed after all) keeps
# that reason in last_error: it goes again as its template (bot/handlers/whatsapp/receipts.py).
WINDOW_CLOSED = "131047"
NO_TRANSPORT_WAIT = timedelta(minutes=1)  # a row of a messenger this sender cannot send
_DELIVERIES = Delivery.__table__
# How /metrics names what Telegram answered (a time-out or a network error counts as 5xx).
SEND_RESULTS = {
    Result.SENT: "sent",
    Result.RETRY_AFTER: "429",
    Result.UNREACHABLE: "403",
    Result.REJECTED: "4xx",
    Result.TRANSIENT: "5xx",
}


@dataclass(frozen=True, slots=True)
class SenderSettings:
    per_second: float = 30.0
    paid_per_second: float = 1000.0  # broadcasts sent with allow_paid_broadcast
    private_per_second: float = 1.0
    group_per_minute: float = 20.0
    concurrency: int = 1
    batch: int = 200
    paid_broadcast: bool = False
    idle_poll: float = 1.0
    whatsapp_per_second: float = 80.0  # Meta's default throughput per business number
    # Meta's pair rate is about one message every 6 seconds to one person, with a burst;
    # a smaller burst than Meta's 45 leaves room for the direct answers to that person.
    whatsapp_pair_per_second: float = 1 / 6
    whatsapp_pair_burst: int = 10


@dataclass(slots=True)
class Claimed:
    delivery: Delivery
    person: Person | None  # None: a post in a neighbourhood's group or channel
    chat_id: int
    zone: ZoneInfo
    locale: str | None = None  # a post's language: its neighbourhood's
    messenger: str = TELEGRAM
    window_open: bool = False  # WhatsApp: the person wrote within WINDOW - WINDOW_MARGIN


class Sender:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        transports: Transport | Mapping[str, Transport | PushTransport],
        settings: SenderSettings,
        default_zone: ZoneInfo,
    ) -> None:
        """`transports`: one per messenger name (`Identity.messenger`); a single one is
        Telegram's."""
        self.sessions = sessions
        self.clock = clock
        self.transports: dict[str, Transport | PushTransport] = (
            dict(transports) if isinstance(transports, Mapping) else {TELEGRAM: transports}
        )
        self.settings = settings
        self.default_zone = default_zone
        self.limits = SendingLimits(settings.private_per_second, settings.group_per_minute)
        self.pairs = PairRate(settings.whatsapp_pair_per_second, settings.whatsapp_pair_burst)
        self.paces = {  # Telegram's, by "paid"
            False: SharedPace(sessions, "global", settings.per_second),
            True: SharedPace(sessions, "paid", settings.paid_per_second),
        }
        self.whatsapp_pace = SharedPace(sessions, WHATSAPP, settings.whatsapp_per_second)
        self.id = secrets.randbelow(2**31 - 2) + 1  # names this sender's claims and lock
        self.engine = sessions.kw["bind"]
        self.marks = SentMarks(self.engine)
        self._queued = 0  # rows of the batch in hand not yet taken by a worker
        self._wake = asyncio.Event()
        self._slots = asyncio.Semaphore(settings.concurrency)
        self._stopping = asyncio.Event()  # run()'s stop: the rest of a batch is put back

    def wake(self) -> None:
        self._wake.set()

    async def recover(self) -> int:
        """Rows claimed by senders that stopped (a crash, a kill -9) go back in the queue."""
        recovered = 0
        async with self.sessions.begin() as session:
            claimers = await session.scalars(
                select(Delivery.sender).where(Delivery.status == DeliveryStatus.SENDING).distinct()
            )
            connection = await session.connection()
            for sender in list(claimers):
                if sender == self.id:
                    continue
                if sender is not None and not await sender_gone(connection, sender):
                    continue
                claimed_by = (
                    Delivery.sender.is_(None) if sender is None else Delivery.sender == sender
                )
                result = await session.execute(
                    update(Delivery)
                    .where(Delivery.status == DeliveryStatus.SENDING, claimed_by)
                    .values(
                        status=DeliveryStatus.PENDING, next_attempt_at=self.clock.now(), sender=None
                    )
                    .returning(Delivery.id)
                )
                recovered += len(result.all())
        if recovered:
            event(log, "delivery.recovered", rows=recovered)
        return recovered

    async def run(self, stop: asyncio.Event) -> None:
        """Send until `stop`; then only the messages in flight are finished."""
        self._stopping = stop
        self.id = secrets.randbelow(2**31 - 2) + 1  # a restarted sender is a new one
        async with sender_lock(self.engine, self.id):
            await self._send_until(stop)

    async def _send_until(self, stop: asyncio.Event) -> None:
        recovered_at = 0.0
        while not stop.is_set():
            if time.monotonic() - recovered_at > RECOVER_EVERY:
                await self.recover()
                recovered_at = time.monotonic()
            self._wake.clear()
            if not await self.send_due():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.settings.idle_poll)

    async def send_due(self) -> int:
        """Send one batch of due messages; returns how many rows were handled."""
        await self.leave_chats()
        claimed = await self._claim()
        if not claimed:
            return 0
        # One message per chat per batch: a second one waits for the chat's interval.
        # A group's posts each wait for a place in the group's minute (`_send_post`).
        first: dict[int, Claimed] = {}
        posts: list[Claimed] = []
        later: list[int] = []
        for item in claimed:
            if item.person is None:
                posts.append(item)
            elif item.chat_id in first:
                later.append(item.delivery.id)
            else:
                first[item.chat_id] = item
        if later:
            # (On WhatsApp too: the person's pair rate then decides when it goes.)
            ready = self.clock.now() + timedelta(seconds=self.limits.private_interval)
            await self._update(later, {"status": DeliveryStatus.PENDING, "next_attempt_at": ready})
        # `concurrency` workers take the batch in order: rendering as many messages at once
        # as there are rows would only make them wait for each other.
        queue = deque([*first.values(), *posts])
        memo: dict[object, object] = {}  # rows every message of the batch reads (a broadcast)

        async def work() -> None:
            while queue and not self._stopping.is_set():
                item = queue.popleft()
                self._queued = len(queue)
                await self._send_isolated(item, memo)

        workers = [asyncio.create_task(work()) for _ in range(self.settings.concurrency)]
        try:
            await asyncio.gather(*workers)
        finally:
            for task in workers:
                task.cancel()
        if queue:  # stopping: only the messages in flight were finished; the rest wait
            ids = [item.delivery.id for item in queue]
            values = {"status": DeliveryStatus.PENDING, "next_attempt_at": self.clock.now()}
            await self._update(ids, values)
            event(log, "delivery.released", rows=len(ids))
        return len(claimed)

    async def _claim(self) -> list[Claimed]:
        now = self.clock.now()
        async with self.sessions.begin() as session:
            rows = (
                await session.execute(
                    select(Delivery, Person, Identity.chat_id, Neighbourhood.timezone)
                    .add_columns(Identity.messenger, Identity.last_inbound_at)
                    .join(Person, Person.id == Delivery.person_id)
                    .join(Identity, Identity.person_id == Person.id)
                    .outerjoin(Neighbourhood, Neighbourhood.id == Person.neighbourhood_id)
                    .where(Delivery.status == DeliveryStatus.PENDING)
                    .where(Delivery.next_attempt_at <= now)
                    .order_by(Delivery.urgent.desc(), Delivery.next_attempt_at, Delivery.id)
                    .limit(self.settings.batch)
                    .with_for_update(of=Delivery, skip_locked=True)
                )
            ).all()
            claimed = []
            window_since = now - (WINDOW - WINDOW_MARGIN)
            seen: set[int] = set()
            for delivery, person, chat_id, zone, messenger, inbound in rows:
                if delivery.id in seen:  # a person with a second identity: sent once, by one
                    continue
                seen.add(delivery.id)
                delivery.status = DeliveryStatus.SENDING
                delivery.next_attempt_at = now + LEASE
                delivery.sender = self.id
                item = Claimed(delivery, person, chat_id, self._zone(zone), messenger=messenger)
                item.window_open = inbound is not None and inbound > window_since
                claimed.append(item)
            posts = await session.execute(
                select(Delivery, ChatLink.chat_id, Neighbourhood.timezone)
                .add_columns(Neighbourhood.default_locale)
                .join(ChatLink, ChatLink.id == Delivery.chat_link_id)
                .join(Neighbourhood, Neighbourhood.id == ChatLink.neighbourhood_id)
                .where(Delivery.status == DeliveryStatus.PENDING)
                .where(Delivery.next_attempt_at <= now)
                .where(ChatLink.status == ChatLinkStatus.LINKED)
                .order_by(Delivery.next_attempt_at, Delivery.id)
                .limit(self.settings.batch)
                .with_for_update(of=Delivery, skip_locked=True)
            )
            for delivery, chat_id, zone, locale in posts.all():
                delivery.status = DeliveryStatus.SENDING
                delivery.next_attempt_at = now + LEASE
                delivery.sender = self.id
                claimed.append(Claimed(delivery, None, chat_id, self._zone(zone), locale))
        return claimed

    async def leave_chats(self) -> int:
        """Leave the groups and channels that were unlinked, refused or never confirmed;
        a link goes once Telegram says the bot is out (or was out already)."""
        telegram = self.transports.get(TELEGRAM)
        if telegram is None:  # only Telegram has groups and channels of Wijkbot's
            return 0
        async with self.sessions() as session:
            leaving = await chat_links.to_leave(session)
        left = 0
        for link_id, chat_id in leaving:
            outcome = await telegram.leave(chat_id)
            if outcome.migrated_to is not None:  # the group is a supergroup now: leave that
                outcome = await telegram.leave(outcome.migrated_to)
            if outcome.result in (Result.TRANSIENT, Result.RETRY_AFTER):
                continue  # tried again with the next batch
            async with self.sessions.begin() as session:
                await chat_links.gone(session, link_id)
            event(log, "chat.left", link=link_id, result=outcome.result.value)
            left += 1
        return left

    def _zone(self, name: str | None) -> ZoneInfo:
        try:
            return ZoneInfo(name) if name else self.default_zone
        except (ValueError, KeyError):  # a neighbourhood's zone that does not exist (any more)
            return self.default_zone

    async def _send_isolated(self, item: Claimed, memo: dict[object, object]) -> None:
        """Send one row; whatever it raises fails that row only, with the reason kept."""
        try:
            await self._send(item, memo)
        except Exception as exc:
            reason = failure_reason(exc)
            metrics.SENDS.labels(result="error").inc()
            event(
                log,
                "delivery.crashed",
                logging.ERROR,
                delivery=item.delivery.id,
                kind=item.delivery.kind,
                error=type(exc).__name__,
            )
            await self._finish(item, DeliveryStatus.FAILED, error=reason, attempt=True)

    async def _send(self, item: Claimed, memo: dict[object, object]) -> None:
        delivery, person = item.delivery, item.person
        now = self.clock.now()
        kind = KINDS.get(delivery.kind)
        if kind is None:
            await self._finish(item, DeliveryStatus.FAILED, error=f"unknown kind {delivery.kind}")
            return
        if person is None:
            await self._send_post(item, kind, memo)
            return
        if person.unreachable_at is not None:
            await self._finish(item, DeliveryStatus.UNREACHABLE, error="blocked the bot")
            return
        if kind.handled is not None:
            async with self.sessions() as session:
                context = RenderContext(
                    session, person, translator(person.locale), item.zone, now, memo
                )
                reason = await kind.handled(context, delivery)
            if reason is not None:
                await self._finish(item, DeliveryStatus.SKIPPED, error=reason)
                return
        if not delivery.urgent and kind.category is not Category.SERVICE:
            if kind.category.value in person.opt_outs:
                await self._finish(item, DeliveryStatus.CANCELLED, error="opted out")
                return
            quiet_end = quiet_until(now, item.zone, person.quiet_start, person.quiet_end)
            if quiet_end is not None:
                await self._defer(item, quiet_end)
                return
            if kind.category is Category.NUDGES and await self._over_nudge_cap(person, now):
                await self._finish(item, DeliveryStatus.CANCELLED, error="weekly nudge cap")
                return
        transport = self.transports.get(item.messenger)
        if transport is None:  # (another sender may have it; the row is never dropped)
            error = f"no transport for {item.messenger}"
            await self._defer(item, now + NO_TRANSPORT_WAIT, error=error)
            return
        if item.messenger == WHATSAPP:
            # The person's pair rate is spent: this row waits (seconds, not a sleep).
            pair_wait = self.pairs.ready_in(item.chat_id)
            if pair_wait > 0:
                metrics.LIMIT_WAIT_SECONDS.labels(limit="pair").inc(pair_wait)
                await self._defer(item, now + timedelta(seconds=pair_wait))
                return
        else:
            # The chat had a message less than a second ago: this one waits its turn (real
            # time, like the limit itself); other chats in the batch go on meanwhile.
            chat_wait = self.limits.chat_ready_in(item.chat_id)
            metrics.LIMIT_WAIT_SECONDS.labels(limit="chat").inc(chat_wait)
            await asyncio.sleep(chat_wait)

        async with self.sessions() as session:
            context = RenderContext(
                session, person, translator(person.locale), item.zone, now, memo
            )
            reply = await kind.render(context, delivery)
        if reply is None:  # nothing to say any more (cancelled activity, quiet week)
            await self._finish(item, DeliveryStatus.CANCELLED, error="nothing to send")
            return

        paid = False  # WhatsApp has no paid broadcasts
        if item.messenger == WHATSAPP:
            pace, limit = self.whatsapp_pace, WHATSAPP
            push = Push(delivery.kind, person.locale, person.first_name, self._window(item))
            options: dict[str, object] = {"push": push}
            per_chat: PairRate | SendingLimits = self.pairs
        else:
            paid = self.settings.paid_broadcast and delivery.broadcast_id is not None
            pace, limit = self.paces[paid], "paid" if paid else "global"
            options, per_chat = {"paid": paid}, self.limits
        async with self._slots:  # (the workers already bound it; kept for direct callers)
            waited = await pace.wait_turn(self._queued + 1)
            metrics.LIMIT_WAIT_SECONDS.labels(limit=limit).inc(waited)
            outcome = await transport.deliver(item.chat_id, reply, **options)
            per_chat.sent(item.chat_id)
            await self._record(item, outcome, paid)

    @staticmethod
    def _window(item: Claimed) -> bool:
        """Free-form is allowed: the window is open, and the row was not put back because
        WhatsApp found it closed after all (then it goes as its template, once)."""
        put_back = (item.delivery.last_error or "").startswith(WINDOW_CLOSED)
        return item.window_open and not put_back

    async def _send_post(self, item: Claimed, kind: Kind, memo: dict[object, object]) -> None:
        """A post in a group or channel: no preferences, the neighbourhood's language, and
        at most `group_per_minute` a minute there (a later one waits, the others go on)."""
        now = self.clock.now()
        wait = self.limits.group_turn(item.chat_id)
        if wait > 0:
            metrics.LIMIT_WAIT_SECONDS.labels(limit="group").inc(wait)
            await self._defer(item, now + timedelta(seconds=wait))
            return
        async with self.sessions() as session:
            context = RenderContext(
                session, None, translator(item.locale or "nl"), item.zone, now, memo
            )
            reply = await kind.render(context, item.delivery)
        if reply is None:
            await self._finish(item, DeliveryStatus.CANCELLED, error="nothing to send")
            return
        metrics.LIMIT_WAIT_SECONDS.labels(limit="global").inc(await self.paces[False].wait_turn())
        # Unlinked (or removed, or moved to a supergroup) since the claim: asked last.
        async with self.sessions() as session:
            status, chat_id = (
                await session.execute(
                    select(ChatLink.status, ChatLink.chat_id).where(
                        ChatLink.id == item.delivery.chat_link_id
                    )
                )
            ).one_or_none() or (None, item.chat_id)
        if status is not ChatLinkStatus.LINKED:
            await self._finish(item, DeliveryStatus.SKIPPED, error="chat unlinked")
            return
        item.chat_id = chat_id
        telegram = self.transports[TELEGRAM]  # only Telegram has Wijkbot's groups and channels
        outcome = await telegram.deliver(item.chat_id, reply)
        if outcome.migrated_to is not None:
            # The group became a supergroup before Wijkbot read that it did: the link
            # moves to the new id and the post goes there, now.
            async with self.sessions.begin() as session:
                await chat_links.migrated(session, item.chat_id, outcome.migrated_to)
            event(log, "chat.migrated", link=item.delivery.chat_link_id)
            item.chat_id = outcome.migrated_to
            outcome = await telegram.deliver(item.chat_id, reply)
        await self._record(item, outcome)

    async def _record(self, item: Claimed, outcome: Outcome, paid: bool = False) -> None:
        now = self.clock.now()
        delivery = item.delivery
        metrics.SENDS.labels(result=SEND_RESULTS[outcome.result]).inc()
        if outcome.result is Result.SENT:
            await self._finish(item, DeliveryStatus.SENT, message_id=outcome.message_id)
        elif outcome.result is Result.RETRY_AFTER:
            if outcome.chat_only:  # this person's pair rate (WhatsApp 131056): others go on
                self.pairs.hold(item.chat_id, outcome.retry_after)
            elif item.messenger == WHATSAPP:  # the number's throughput (130429): WhatsApp's pace
                await self.whatsapp_pace.pause(outcome.retry_after)
            else:
                await self.paces[paid].pause(outcome.retry_after)
            event(
                log,
                "delivery.retry_after",
                logging.WARNING,
                messenger=item.messenger,
                seconds=outcome.retry_after,
                chat_only=outcome.chat_only,
            )
            # The messenger asked us to wait: the same row again, never dropped, not an attempt.
            await self._defer(item, now + timedelta(seconds=outcome.retry_after))
        elif outcome.result is Result.UNREACHABLE and item.person is None:
            # Removed from the group or channel: the link goes, and its waiting posts with it.
            async with self.sessions.begin() as session:
                await chat_links.gone(session, delivery.chat_link_id or 0)
            event(log, "chat.gone", link=delivery.chat_link_id)
        elif outcome.result is Result.UNREACHABLE:
            assert item.person is not None
            async with self.sessions.begin() as session:
                await session.execute(
                    update(Person)
                    .where(Person.id == item.person.id, Person.unreachable_at.is_(None))
                    .values(unreachable_at=now)
                )
            await self._finish(item, DeliveryStatus.UNREACHABLE, error=outcome.error)
        elif outcome.result is Result.TRANSIENT and delivery.attempts + 1 < MAX_ATTEMPTS:
            backoff = timedelta(seconds=min(600, 2 ** (delivery.attempts + 1)))
            await self._defer(item, now + backoff, attempt=True, error=outcome.error)
        else:
            await self._finish(item, DeliveryStatus.FAILED, error=outcome.error, attempt=True)

    async def _finish(
        self,
        item: Claimed,
        status: DeliveryStatus,
        *,
        error: str | None = None,
        message_id: int | None = None,
        attempt: bool = False,
    ) -> None:
        if status is DeliveryStatus.SENT:
            await self.marks.sent(item.delivery.id, self.clock.now(), message_id)
            return
        values: dict[str, object] = {"status": status, "last_error": error}
        if attempt:
            values["attempts"] = Delivery.attempts + 1
        await self._update(item.delivery.id, values)
        event(log, "delivery.done", delivery=item.delivery.id, status=status.value)

    async def _defer(
        self, item: Claimed, until: datetime, *, attempt: bool = False, error: str | None = None
    ) -> None:
        values: dict[str, object] = {"status": DeliveryStatus.PENDING, "next_attempt_at": until}
        if attempt:
            values["attempts"] = Delivery.attempts + 1
        if attempt or error is not None:
            values["last_error"] = error
        await self._update(item.delivery.id, values)

    async def _update(self, delivery_ids: int | list[int], values: dict[str, object]) -> None:
        ids = delivery_ids if isinstance(delivery_ids, list) else [delivery_ids]
        async with self.engine.begin() as connection:
            await connection.execute(
                update(_DELIVERIES).where(_DELIVERIES.c.id.in_(ids)).values(values)
            )

    async def _over_nudge_cap(self, person: Person, now: datetime) -> bool:
        nudge_kinds = [name for name, kind in KINDS.items() if kind.category is Category.NUDGES]
        async with self.sessions() as session:
            sent = await session.scalar(
                select(func.count(Delivery.id)).where(
                    Delivery.person_id == person.id,
                    Delivery.kind.in_(nudge_kinds),
                    Delivery.status == DeliveryStatus.SENT,
                    Delivery.sent_at > now - NUDGE_WINDOW,
                )
            )
        return (sent or 0) >= person.nudges_per_week


def failure_reason(exc: Exception) -> str:
    """What went wrong, for the row: the exception type, and the lengths of a reply too long.

    Other exceptions' messages may quote data (a person's text in a KeyError, a
    SQL parameter), so only their type is kept.
    """
    reason = type(exc).__name__
    if isinstance(exc, TooLong):
        reason += f": {exc}"
    return reason[:200]
