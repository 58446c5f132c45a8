"""Running Wijkbot on a Telegram runtime: polling or webhook, both through the durable intake.

Telegram ──getUpdates / webhook──> Intake.record ──> Processor ──> read_update ──> Conversation
                                    (stored first)    (per chat,    (plain data)    (commit, then
                                                       in order)                     send_answer)

`RUNTIME` picks the framework that talks to the Bot API (aiogram or
python-telegram-bot); this module, the update reading and the replying are
the same for both, which is what keeps them indistinguishable to a resident.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import TypeVar

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import metrics
from bot.chat import links
from bot.chat.limits import popup_text
from bot.chat.replies import Answer, Reply
from bot.config import Runtime, Settings
from bot.delivery import chat_posts
from bot.delivery.transport import Result
from bot.domain import chat_links, people
from bot.domain.models import Identity, Person, ReceivedUpdate
from bot.handlers.botapi import BotApi
from bot.handlers.intake import Processor
from bot.handlers.owed import Owed
from bot.handlers.parts import App
from bot.handlers.replying import BotApiTransport, send_answer
from bot.handlers.telegram import (
    ALLOWED_UPDATES,
    MESSENGER,
    ChatMembership,
    ChatMigration,
    MembershipChange,
    Turn,
    command_menus,
    read_update,
)
from bot.handlers.webhook import webhook_app
from bot.i18n import Html, Translator, pick_locale, translator
from bot.jobs.background import Background
from bot.logs import event

log = logging.getLogger(__name__)
T = TypeVar("T")
POLL_TIMEOUT = 25
STOP_WITHIN = 5.0  # seconds the cancelled tasks get to end when the runtime is cancelled


def make_api(settings: Settings) -> BotApi:
    """The Bot API client of the runtime `RUNTIME` names; only that framework is imported."""
    if settings.runtime is Runtime.PTB:
        from bot.handlers.ptb import PtbApi

        return PtbApi(settings)
    from bot.handlers.aiogram import AiogramApi

    return AiogramApi(settings)


class TelegramRuntime:
    def __init__(self, app: App, api: BotApi | None = None) -> None:
        self.app = app
        self.api = api or make_api(app.settings)
        self.processor = Processor(
            app.intake, self.process, self.deliver, workers=app.settings.workers
        )
        self.background = Background(app, BotApiTransport(self.api))
        # More routes on the webhook's server: WhatsApp's webhook, when both channels run.
        self.also_serve: list[Callable[[web.Application], None]] = []

    async def process(self, row: ReceivedUpdate) -> Owed | None:
        """One stored update: its effects, "done" and the answer owed commit together.

        The answer is sent after the commit (by the processor, through `deliver`), so a
        crash at any point costs at most a repeated answer, never a lost one or a step
        applied twice. A refusal was rolled back by the conversation: only "done" and
        the refusal are committed.
        """
        incoming = read_update(row.payload or {})
        owed: Owed | None = None
        async with self.app.sessions() as session:
            if isinstance(incoming, Turn):
                answer = await self.app.conversation.handle(
                    session, incoming.contact, incoming.event
                )
                owed = Owed(
                    incoming.chat_id,
                    answer,
                    callback_id=incoming.callback_id,
                    message_id=incoming.message_id,
                )
            elif isinstance(incoming, MembershipChange):
                await people.set_reachable(
                    session,
                    MESSENGER,
                    incoming.external_id,
                    reachable=incoming.reachable,
                    now=self.app.clock.now(),
                )
            elif isinstance(incoming, ChatMembership):
                await self._chat_membership(session, incoming)
            elif isinstance(incoming, ChatMigration):
                await self._chat_migration(session, incoming)
            if not await self.app.intake.finish(session, row, owed):
                await session.rollback()
                return None
            await session.commit()
            metrics.UPDATES_PROCESSED.inc()
        return owed

    async def _chat_membership(self, session: AsyncSession, change: ChatMembership) -> None:
        """The bot in a group or channel: a coordinator is asked which neighbourhood it is
        for; removed (or gone by itself), the link and its waiting posts go."""
        if change.inside:
            await chat_posts.bot_added(
                session,
                MESSENGER,
                change.chat_id,
                change.title,
                change.chat_type,
                change.by_external_id,
                self.app.clock.now(),
            )
            self.background.sender.wake()
        else:
            await chat_links.removed(session, change.chat_id)

    async def _chat_migration(self, session: AsyncSession, change: ChatMigration) -> None:
        """A linked (or pending) group became a supergroup: its link moves to the new id,
        whichever of Telegram's two service messages comes first."""
        if await chat_links.migrated(session, change.old_chat_id, change.new_chat_id):
            event(log, "chat.migrated", chat=change.new_chat_id)

    async def deliver(self, owed: Owed) -> None:
        """Send an answer owed; "slow down" notices are worded here, in the person's language."""
        if owed.answer is None:
            async with self.app.sessions() as session:
                locale = await session.scalar(
                    select(Person.locale)
                    .join(Identity, Identity.person_id == Person.id)
                    .where(Identity.messenger == MESSENGER, Identity.chat_id == owed.chat_id)
                )
            default = self.app.settings.default_locale
            t = translator(locale or pick_locale(owed.language_code, default))
            text = slow_down_text(t)
            owed = replace(owed, answer=Answer([Reply(Html(text))], notice=popup_text(text)))
        await send_answer(self.api, owed)

    async def set_commands(self) -> None:
        """The command menu in each language; people with another language get the default."""
        registry, locale = self.app.conversation.registry, self.app.settings.default_locale
        for language, commands in command_menus(registry, locale):
            await self.api.set_commands(commands, language)

    async def run(self, stop: asyncio.Event) -> None:
        """Receive (by webhook when WEBHOOK_URL is set, else polling) and process until `stop`."""
        try:
            username = await self.api.start()
            # t.me links (invites, check-in): bot.chat.links
            self.app.conversation.start_links[MESSENGER] = links.telegram(username)
            event(
                log,
                "bot.started",
                bot=username,
                mode="webhook" if self.app.settings.webhook_url else "polling",
                runtime=self.app.settings.runtime.value,
            )
            await self.set_commands()
            processing = asyncio.create_task(self.processor.run(stop))
            background = asyncio.create_task(self.background.run(stop))
            try:
                if self.app.settings.webhook_url:
                    await self._serve_webhook(stop)
                else:
                    await self._poll(stop)
                stop.set()  # a graceful stop: finish the updates and the messages in hand
                self.processor.wake()
                self.background.sender.wake()
                await asyncio.gather(processing, background)
            finally:
                # Cancelled (a crash): stop at once, the database keeps the rest; and wait,
                # bounded, until every task has ended, so that none outlives the runtime.
                tasks = [processing, background, *self.processor.abort()]
                for task in tasks:
                    task.cancel()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(
                        asyncio.shield(asyncio.gather(*tasks, return_exceptions=True)),
                        STOP_WITHIN,
                    )
        finally:
            await self.api.close()

    async def run_sender(self, stop: asyncio.Event, *, extra: bool = False) -> None:
        """Only the scheduler and the sender (`wijkbot send`), e.g. on a separate machine;
        `extra`: only a sender, beside the leader's (`wijkbot send --extra`)."""
        try:
            await self.api.start()
            await (self.background.send_only(stop) if extra else self.background.run(stop))
        finally:
            await self.api.close()

    # -- polling -------------------------------------------------------------------------

    async def _poll(self, stop: asyncio.Event) -> None:
        await self.api.delete_webhook()
        offset: int | None = None
        failures = 0
        while not stop.is_set():
            try:
                updates = await _until(
                    stop, self.api.get_updates(offset, POLL_TIMEOUT, ALLOWED_UPDATES)
                )
            except self.api.errors as exc:
                outcome = self.api.outcome_of(exc)
                if outcome.result is Result.RETRY_AFTER:
                    await _sleep(stop, outcome.retry_after)
                    continue
                if outcome.result is not Result.TRANSIENT:
                    raise
                failures += 1
                event(log, "polling.error", logging.WARNING, error=type(exc).__name__)
                await _sleep(stop, min(30.0, 0.5 * 2**failures))
                continue
            if updates is None:
                return
            failures = 0
            if updates:
                # Stored before the next getUpdates call, which is what acknowledges them.
                await self.processor.receive(updates)
                metrics.UPDATES_RECEIVED.inc(len(updates))
                offset = int(updates[-1]["update_id"]) + 1

    # -- webhook -------------------------------------------------------------------------

    def webhook_app(self) -> web.Application:
        settings = self.app.settings
        assert settings.webhook_url and settings.webhook_secret
        secret = settings.webhook_secret.get_secret_value()
        application = webhook_app(
            settings.webhook_url,
            secret,
            self.app.intake,
            self.processor.receive,
            self.background.health,
        )
        for add_routes in self.also_serve:
            add_routes(application)
        return application

    async def _serve_webhook(self, stop: asyncio.Event) -> None:
        settings = self.app.settings
        runner = web.AppRunner(self.webhook_app(), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, settings.listen_host, settings.listen_port)
        await site.start()
        assert settings.webhook_url and settings.webhook_secret
        await self.api.set_webhook(
            settings.webhook_url, settings.webhook_secret.get_secret_value(), ALLOWED_UPDATES
        )
        event(log, "webhook.listening", listen=settings.listen)
        try:
            await stop.wait()
        finally:
            await runner.cleanup()


def slow_down_text(t: Translator) -> Html:
    """The flood control's notice (bot/handlers/intake.py), on every messenger."""
    return t._(
        "That was a lot at once. I answer what you sent first; "
        "please wait a moment before you send more."
    )


async def _until(stop: asyncio.Event, call: Awaitable[T]) -> T | None:
    """Await `call` unless `stop` is set first (then None).

    Whatever ends it (the call, `stop`, or our own cancellation: a crash), the tasks it
    started have ended when it returns, so none outlives the runtime.
    """
    call_task = asyncio.ensure_future(call)
    stop_task = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({call_task, stop_task}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (call_task, stop_task):
            task.cancel()  # a no-op for the one that is done
        await asyncio.wait({call_task, stop_task})  # our own cancellation still comes through
    if call_task.cancelled():
        return None
    if call_task.exception() is not None and stop.is_set():
        return None  # stopping: what the abandoned call says no longer matters
    return call_task.result()


async def _sleep(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
