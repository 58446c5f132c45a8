"""Running Wijkbot on aiogram: polling or webhook, both through the durable intake.

Telegram ──getUpdates / webhook──> Intake.record ──> Processor ──> Dispatcher
                                    (stored first)    (per chat,     (routers,
                                                       in order)      middlewares)
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
from typing import Any
from urllib.parse import urlsplit

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramNetworkError, TelegramRetryAfter, TelegramServerError
from aiogram.methods import GetUpdates
from aiogram.types import BotCommand, LinkPreviewOptions, Update
from aiohttp import web

from bot.app import App
from bot.config import SUPPORTED_LOCALES
from bot.domain.models import ReceivedUpdate
from bot.flows.commands import COMMANDS
from bot.handlers.aiogram import conversation_router, membership_router
from bot.handlers.aiogram.middlewares import UnitOfWork
from bot.handlers.aiogram.transport import AiogramTransport
from bot.handlers.intake import Processor
from bot.i18n import translator
from bot.jobs.background import Background
from bot.logs import event

log = logging.getLogger(__name__)
POLL_TIMEOUT = 25
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def make_bot(app: App) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(app.settings.telegram_api_url))
    return Bot(
        app.settings.require_token(),
        session=session,
        default=DefaultBotProperties(
            parse_mode=ParseMode.HTML, link_preview=LinkPreviewOptions(is_disabled=True)
        ),
    )


def make_dispatcher(app: App) -> Dispatcher:
    dispatcher = Dispatcher(conversation=app.conversation, clock=app.clock, settings=app.settings)
    dispatcher.update.outer_middleware(UnitOfWork(app.sessions, app.clock))
    dispatcher.include_routers(conversation_router.make_router(), membership_router.make_router())
    return dispatcher


class AiogramRuntime:
    def __init__(self, app: App, bot: Bot | None = None) -> None:
        self.app = app
        self.bot = bot or make_bot(app)
        self.dispatcher = make_dispatcher(app)
        self.processor = Processor(app.intake, self._process, workers=app.settings.workers)
        self.background = Background(app, AiogramTransport(self.bot))
        self.allowed_updates = self.dispatcher.resolve_used_update_types()

    async def _process(self, row: ReceivedUpdate) -> None:
        update = Update.model_validate(row.payload, context={"bot": self.bot})
        await self.dispatcher.feed_update(self.bot, update, intake_row=row.id)

    async def set_commands(self) -> None:
        """The command menu in each language; people with another language get the default."""
        for locale in (*SUPPORTED_LOCALES, None):
            t = translator(locale or self.app.settings.default_locale)
            commands = [BotCommand(command=name, description=t._(text)) for name, text in COMMANDS]
            await self.bot.set_my_commands(commands, language_code=locale)

    async def run(self, stop: asyncio.Event) -> None:
        """Receive (by webhook when WEBHOOK_URL is set, else polling) and process until `stop`."""
        me = await self.bot.get_me()
        event(
            log,
            "bot.started",
            bot=me.username,
            mode="webhook" if self.app.settings.webhook_url else "polling",
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
            for task in (processing, background):
                if not task.done():  # cancelled: stop at once; the database keeps the rest
                    task.cancel()
            self.processor.abort()
            await self.bot.session.close()

    async def run_sender(self, stop: asyncio.Event) -> None:
        """Only the scheduler and the sender (`wijkbot send`), e.g. on a separate machine."""
        try:
            await self.background.run(stop)
        finally:
            await self.bot.session.close()

    # -- polling -------------------------------------------------------------------------

    async def _poll(self, stop: asyncio.Event) -> None:
        await self.bot.delete_webhook(drop_pending_updates=False)
        offset: int | None = None
        failures = 0
        while not stop.is_set():
            request = GetUpdates(
                offset=offset, timeout=POLL_TIMEOUT, allowed_updates=self.allowed_updates
            )
            try:
                updates = await _until(stop, self.bot(request, request_timeout=POLL_TIMEOUT + 10))
            except TelegramRetryAfter as exc:
                await _sleep(stop, exc.retry_after)
                continue
            except (TelegramNetworkError, TelegramServerError) as exc:
                failures += 1
                event(log, "polling.error", logging.WARNING, error=type(exc).__name__)
                await _sleep(stop, min(30.0, 0.5 * 2**failures))
                continue
            if updates is None:
                return
            failures = 0
            if updates:
                # Stored before the next getUpdates call, which is what acknowledges them.
                await self.app.intake.record([_raw(update) for update in updates])
                offset = updates[-1].update_id + 1
                self.processor.wake()

    # -- webhook -------------------------------------------------------------------------

    def webhook_app(self) -> web.Application:
        settings = self.app.settings
        assert settings.webhook_url and settings.webhook_secret
        secret = settings.webhook_secret.get_secret_value().encode()
        path = urlsplit(settings.webhook_url).path or "/"

        async def receive(request: web.Request) -> web.Response:
            given = request.headers.get(SECRET_HEADER, "").encode()
            if not hmac.compare_digest(given, secret):
                event(log, "webhook.refused", logging.WARNING, reason="secret")
                return web.Response(status=401, text="unauthorized")
            try:
                update = await request.json()
                int(update["update_id"])
            except (ValueError, KeyError, TypeError):
                return web.Response(status=400, text="not an update")
            await self.app.intake.record([update])  # stored before Telegram hears 200
            self.processor.wake()
            return web.Response(text="ok")

        async def health(_: web.Request) -> web.Response:
            try:
                pending = await self.app.intake.pending_count()
            except Exception:  # the database is down: tell the load balancer
                return web.json_response({"status": "unavailable"}, status=503)
            return web.json_response({"status": "ok", "pending_updates": pending})

        application = web.Application()
        application.router.add_post(path, receive)
        application.router.add_get("/healthz", health)
        return application

    async def _serve_webhook(self, stop: asyncio.Event) -> None:
        settings = self.app.settings
        runner = web.AppRunner(self.webhook_app(), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, settings.listen_host, settings.listen_port)
        await site.start()
        assert settings.webhook_secret is not None
        await self.bot.set_webhook(
            settings.webhook_url or "",
            secret_token=settings.webhook_secret.get_secret_value(),
            allowed_updates=self.allowed_updates,
        )
        event(log, "webhook.listening", listen=settings.listen)
        try:
            await stop.wait()
        finally:
            await runner.cleanup()


def _raw(update: Update) -> dict[str, Any]:
    return update.model_dump(mode="json", exclude_unset=True, by_alias=True)


async def _until(stop: asyncio.Event, call: Any) -> Any:
    """Await `call` unless `stop` is set first (then None)."""
    call_task = asyncio.ensure_future(call)
    stop_task = asyncio.ensure_future(stop.wait())
    done, _ = await asyncio.wait({call_task, stop_task}, return_when=asyncio.FIRST_COMPLETED)
    if call_task in done:
        stop_task.cancel()
        return call_task.result()
    call_task.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await call_task
    return None


async def _sleep(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
