"""Running Wijkbot on WhatsApp: the webhook, the durable intake and the conversations.

    Meta ──webhook──> Intake.record ──> Processor ──> read_update ──> Conversation.handle
                      (stored first,    (per person,   (a Turn)       (commit with "done",
                       messenger         in order)                     last_inbound_at and
                       "whatsapp")                                     the answer owed)
                                                                         │
                      render(reply, t) -> [Outgoing] ──send──> Graph API <┘ after the commit

The same `Intake` and `Processor` as Telegram's, reading only the rows of
messenger "whatsapp"; the same `Conversation`. WhatsApp has no button
pop-ups and no edits: a `notice` is sent as a short text only when an answer
has no replies, and `render` turns an edit into a new message.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence

from aiohttp import web
from sqlalchemy import select, update

from bot import metrics
from bot.chat import links
from bot.chat.replies import Reply
from bot.delivery.transport import Result
from bot.domain.models import Identity, Person, ReceivedUpdate
from bot.handlers.intake import Intake, Messenger, Processor
from bot.handlers.operations import Probes
from bot.handlers.operations import add_routes as add_probes
from bot.handlers.owed import Owed
from bot.handlers.parts import App
from bot.handlers.replying import patiently
from bot.handlers.runtime import STOP_WITHIN, slow_down_text
from bot.handlers.whatsapp import reading, receipts, webhook
from bot.handlers.whatsapp.api import Message, WhatsAppApi
from bot.handlers.whatsapp.reading import MESSENGER, Status
from bot.handlers.whatsapp.render import render as render_reply
from bot.handlers.whatsapp.transport import WhatsAppTransport
from bot.i18n import Translator, escape, translator
from bot.jobs.background import Background, Health
from bot.logs import event

log = logging.getLogger(__name__)
INTAKE = Messenger(
    MESSENGER, reading.chat_key, reading.essentials, reading.read_update, chat_in_logs=False
)
Render = Callable[[Reply, Translator], Sequence[Message]]


class WhatsAppRuntime:
    def __init__(
        self, app: App, api: WhatsAppApi | None = None, *, render: Render | None = None
    ) -> None:
        self.app = app
        self.api = api or WhatsAppApi(app.settings)
        self.render = render or render_reply
        self.intake = Intake(
            app.sessions,
            app.clock,
            lease=app.intake.lease,
            per_chat_cap=app.intake.per_chat_cap,
            messenger=INTAKE,
        )
        self.processor = Processor(
            self.intake, self.process, self.deliver, workers=app.settings.workers
        )
        # The sender's way to WhatsApp people (with Telegram too, Telegram's sender gets it).
        self.transport = WhatsAppTransport(self.api, default_locale=app.settings.default_locale)
        self.background = Background(app, {MESSENGER: self.transport})
        number = app.settings.whatsapp_display_number
        if number:  # wa.me links in invites and check-in codes (bot.chat.links)
            app.conversation.start_links[MESSENGER] = links.whatsapp(number)

    # -- a stored update, and its answer ---------------------------------------------------

    async def process(self, row: ReceivedUpdate) -> Owed | None:
        """One stored message: its step, "done", when the person last wrote and the answer
        owed commit together; the answer is sent after the commit (see TelegramRuntime)."""
        turn = reading.read_update(row.payload or {})
        owed: Owed | None = None
        async with self.app.sessions() as session:
            if turn is not None:
                answer = await self.app.conversation.handle(session, turn.contact, turn.event)
                await session.execute(  # opens (or keeps open) the 24-hour window
                    update(Identity)
                    .where(
                        Identity.messenger == MESSENGER,
                        Identity.external_id == turn.contact.external_id,
                    )
                    .values(last_inbound_at=self.app.clock.now())
                )
                owed = Owed(turn.chat_id, answer)
            if not await self.intake.finish(session, row, owed):
                await session.rollback()
                return None
            await session.commit()
            metrics.UPDATES_PROCESSED.inc()
        return owed

    async def deliver(self, owed: Owed) -> None:
        """Send an answer owed, each reply rendered for WhatsApp, in the person's language."""
        t = await self.translator_for(owed.chat_id)
        if owed.answer is None:  # the flood control's "slow down"
            replies = [Reply(slow_down_text(t))]
        elif owed.answer.replies:
            replies = list(owed.answer.replies)
        elif owed.answer.notice:  # a pop-up on Telegram; here a short text, when alone
            replies = [Reply(escape(owed.answer.notice))]
        else:
            return
        wa_id = str(owed.chat_id)
        try:
            for reply in replies:
                for message in self.render(reply, t):
                    await patiently(self.api, lambda message=message: self.api.send(wa_id, message))
        except self.api.errors as exc:
            if self.api.outcome_of(exc).result is not Result.UNREACHABLE:
                raise
            event(log, "answer.blocked", channel=MESSENGER)  # a chat id here is a number

    async def translator_for(self, chat_id: int) -> Translator:
        async with self.app.sessions() as session:
            locale = await session.scalar(
                select(Person.locale)
                .join(Identity, Identity.person_id == Person.id)
                .where(Identity.messenger == MESSENGER, Identity.chat_id == chat_id)
            )
        return translator(locale or self.app.settings.default_locale)

    async def record_statuses(self, statuses: Sequence[Status]) -> None:
        await receipts.record_statuses(self.app.sessions, statuses, self.app.clock.now())

    # -- the webhook -----------------------------------------------------------------------

    def add_routes(self, application: web.Application) -> None:
        """WhatsApp's webhook at WHATSAPP_WEBHOOK_PATH of `application`."""
        settings = self.app.settings
        assert settings.whatsapp_verify_token and settings.whatsapp_app_secret
        webhook.add_routes(
            application,
            settings.whatsapp_webhook_path,
            verify_token=settings.whatsapp_verify_token.get_secret_value(),
            app_secret=settings.whatsapp_app_secret.get_secret_value(),
            receive=self.processor.receive,
            record_statuses=self.record_statuses,
        )

    def webhook_app(self, health: Health) -> web.Application:
        """The webhook on a listener of its own (Telegram polls, or is not used), with
        /healthz, /readyz and /metrics as on Telegram's."""
        application = web.Application()
        self.add_routes(application)
        add_probes(application, Probes(self.app.sessions, self.app.clock, health))
        return application

    # -- running ---------------------------------------------------------------------------

    async def run(self, stop: asyncio.Event, *, serve: bool = True, lead: bool = True) -> None:
        """Process stored messages until `stop`. `serve`: the webhook on LISTEN (else it is
        on Telegram's server); `lead`: this runtime's scheduler and sender run (else
        Telegram's do: one of each per process)."""
        settings = self.app.settings
        runner: web.AppRunner | None = None
        tasks = [asyncio.create_task(self.processor.run(stop))]
        if lead:
            tasks.append(asyncio.create_task(self.background.run(stop)))
        try:
            if serve:
                runner = web.AppRunner(self.webhook_app(self.background.health), access_log=None)
                await runner.setup()
                await web.TCPSite(runner, settings.listen_host, settings.listen_port).start()
            event(log, "whatsapp.started", serve=serve, lead=lead)
            await stop.wait()
            self.processor.wake()  # a graceful stop: finish what is in hand
            self.background.sender.wake()
            await asyncio.gather(*tasks)
        finally:
            for task in [*tasks, *self.processor.abort()]:
                task.cancel()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    asyncio.shield(asyncio.gather(*tasks, return_exceptions=True)), STOP_WITHIN
                )
            if runner is not None:
                await runner.cleanup()
            await self.api.close()

    async def run_sender(self, stop: asyncio.Event, *, extra: bool = False) -> None:
        """Only the scheduler and the sender (`wijkbot send` without Telegram)."""
        try:
            await (self.background.send_only(stop) if extra else self.background.run(stop))
        finally:
            await self.api.close()
