"""`Sandbox`: the emulators, the real bot, a SQLite database and the cast, in one process.

The bot is the same pair of runtimes that `wijkbot run` starts with
CHANNELS=telegram,whatsapp: on Telegram it polls the local Bot API emulator over
HTTP (aiogram), on WhatsApp the local Cloud API emulator posts signed webhooks to
its listener on a free port of 127.0.0.1 (subscribed through Meta's verification
handshake) and pywa answers at the emulator's Graph API. Telegram's scheduler and
sender send to both. All tokens and secrets are made up, so nothing here needs
Telegram, Meta or the internet. The page (bot/sandbox/web.py) only drives the
emulators' simulated people and reads what the bot did.

    page ──> BotAPIEmulator <──polls──  TelegramRuntime ─┐
    page ──> CloudAPIEmulator ──webhook──> WhatsAppRuntime ├─> one database, one sender
                   ^──────────── Graph API (pywa) ───────┘
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import secrets
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml
from aiohttp import web

import bot
from bot.app import App, build_app
from bot.cli import run_together
from bot.config import SUPPORTED_LOCALES, Settings, load_settings
from bot.domain import db, invites, neighbourhoods
from bot.emulator import BotAPIEmulator, SimulatedUser
from bot.emulator.whatsapp import CloudAPIEmulator
from bot.handlers.runtime import TelegramRuntime
from bot.handlers.whatsapp.runtime import WhatsAppRuntime
from bot.handlers.whatsapp.templates import registry_for_emulator
from bot.jobs.scheduler import run_sweep
from bot.jobs.sweeps import SWEEPS
from bot.sandbox import demo
from bot.sandbox.cast import APPS, CAST, FIRST_ADDED_ID, GREETINGS, TELEGRAM, WHATSAPP, Character
from bot.sandbox.clock import JUMPS, RunningClock
from bot.sandbox.whatsapp import WhatsAppPeople

TOKEN = "123456:SANDBOX-made-up-token-for-the-local-emulator"
BOT_USERNAME = "wijkbot_sandbox_bot"
EXAMPLE = "overvecht.yaml"
MAX_NAME = 64  # Telegram's limit for a first name
HOST = "127.0.0.1"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def example_path(name: str = EXAMPLE) -> Path:
    """An example neighbourhood: `bot/examples` in a wheel, `examples/` in a checkout."""
    packaged = Path(bot.__file__).parent / "examples" / name
    return packaged if packaged.is_file() else Path(bot.__file__).parent.parent / "examples" / name


class Sandbox:
    """Everything `wijkbot sandbox` runs, started and stopped as one."""

    def __init__(self, data: Path | None = None, start: datetime | None = None) -> None:
        self.clock = RunningClock(start)
        self.emulator = BotAPIEmulator(TOKEN, BOT_USERNAME, bot_first_name="Wijkbot")
        # On the sandbox's clock: the 24-hour window and the limits follow its jumps.
        self.cloud_api = CloudAPIEmulator(
            templates=registry_for_emulator(),
            app_secret=secrets.token_hex(16),
            now=lambda: self.clock.now().timestamp(),
        )
        self.whatsapp = WhatsAppPeople(self.cloud_api)
        self._verify_token = secrets.token_urlsafe(16)
        self._hook: web.AppRunner | None = None
        self.characters: dict[int, Character] = {}
        self.revision = 0  # bumped by changes the emulator cannot see (a jump, a new person)
        self._data = data
        self._temporary: tempfile.TemporaryDirectory[str] | None = None
        self._opened: set[int] = set()
        self._next_id = FIRST_ADDED_ID
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._app: App | None = None
        self._runtime: TelegramRuntime | None = None  # it leads: its scheduler and sender
        self.neighbourhood_id = 0
        self.zone = ZoneInfo("Europe/Amsterdam")

    # -- lifecycle -----------------------------------------------------------------------

    async def start(self) -> None:
        try:
            await self._start()
        except BaseException:
            await self.stop()  # whatever did start (the emulator, the bot) stops again
            raise

    async def _start(self) -> None:
        folder = self._data
        if folder is None:
            self._temporary = tempfile.TemporaryDirectory(prefix="wijkbot-sandbox-")
            folder = Path(self._temporary.name)
        folder.mkdir(parents=True, exist_ok=True)
        await self.emulator.start()
        await self.cloud_api.start()
        self._app = build_app(self._settings(folder), self.clock)
        await db.upgrade(self._app.engine)
        await self._load_example()
        for character in CAST:
            self._add(character)
        self._runtime = TelegramRuntime(self._app)
        whatsapp = WhatsAppRuntime(self._app)
        self._runtime.background.add_transport(WHATSAPP, whatsapp.transport)
        hook_url = await self._serve_webhook(whatsapp)
        self._stop.clear()
        works = [self._runtime.run(self._stop), whatsapp.run(self._stop, serve=False, lead=False)]
        self._task = asyncio.create_task(run_together(self._stop, works))
        await self._until_polling()
        await self.cloud_api.subscribe(hook_url, self._verify_token)  # Meta's handshake

    async def _serve_webhook(self, whatsapp: WhatsAppRuntime) -> str:
        """WhatsApp's webhook on a free port of 127.0.0.1; returns its URL."""
        assert self._runtime is not None
        self._hook = web.AppRunner(
            whatsapp.webhook_app(self._runtime.background.health), access_log=None
        )
        await self._hook.setup()
        await web.TCPSite(self._hook, HOST, 0).start()
        port = self._hook.addresses[0][1]
        return f"http://{HOST}:{port}{self.settings.whatsapp_webhook_path}"

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._task, 10)
            self._task = None
        if self._hook is not None:
            await self._hook.cleanup()
            self._hook = None
        if self._app is not None:
            await self._app.close()
            self._app = None
        await self.emulator.stop()
        await self.cloud_api.stop()
        if self._temporary is not None:
            self._temporary.cleanup()
            self._temporary = None

    async def __aenter__(self) -> Sandbox:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def app(self) -> App:
        if self._app is None:
            raise RuntimeError("the sandbox is not started")
        return self._app

    @property
    def settings(self) -> Settings:
        return self.app.settings

    def _settings(self, folder: Path) -> Settings:
        """Settings of our own: a real token or webhook from .env must not leak in here."""
        return load_settings(
            env_file=None,
            bot_token=TOKEN,
            telegram_api_url=self.emulator.url,
            database_url=f"sqlite+aiosqlite:///{folder / 'wijkbot.db'}",
            invite_secret=secrets.token_urlsafe(32),
            webhook_url=None,
            webhook_secret=None,
            runtime="aiogram",
            channels=f"{TELEGRAM},{WHATSAPP}",
            whatsapp_api_url=self.cloud_api.url,
            whatsapp_api_version=self.cloud_api.api_version,
            whatsapp_phone_number_id=self.cloud_api.phone_number_id,
            whatsapp_token=self.cloud_api.token,
            whatsapp_app_secret=self.cloud_api.app_secret,
            whatsapp_verify_token=self._verify_token,
        )

    async def _load_example(self) -> None:
        spec = neighbourhoods.parse(yaml.safe_load(example_path().read_text(encoding="utf-8")))
        now = self.clock.now()
        async with self.app.sessions.begin() as session:
            loaded = await neighbourhoods.load(session, spec, now)
            self.neighbourhood_id = loaded.id
            await demo.schedule_welcome(session, loaded.id, now)
            await demo.plan_activity(session, loaded.id, now)
        self.zone = ZoneInfo(spec.timezone)

    async def _until_polling(self) -> None:
        """Wait until the bot has dropped any webhook, which it does right before polling."""
        for _ in range(1000):
            if self.emulator.calls_for("deleteWebhook") or (self._task and self._task.done()):
                break
            await asyncio.sleep(0.01)
        if self._task is not None and self._task.done():
            self._task.result()  # raise what stopped the bot

    # -- people --------------------------------------------------------------------------

    def user(self, user_id: int) -> SimulatedUser:
        """A Telegram person of the cast."""
        if self.character(user_id).app != TELEGRAM:
            raise KeyError(f"person {user_id} uses WhatsApp")
        return self.emulator.user(user_id)

    def character(self, user_id: int) -> Character:
        if user_id not in self.characters:
            raise KeyError(f"no person {user_id} in the sandbox")
        return self.characters[user_id]

    def add_person(self, name: str, language: str, app: str = TELEGRAM) -> Character:
        """A new resident, e.g. to try a language, an app or a name written right to left."""
        name = _CONTROL.sub("", name).strip()
        if not 0 < len(name) <= MAX_NAME:
            raise ValueError(f"a name has 1 to {MAX_NAME} characters")
        if language not in SUPPORTED_LOCALES:
            raise ValueError(f"language must be one of {', '.join(SUPPORTED_LOCALES)}")
        if app not in APPS:
            raise ValueError(f"app must be one of {', '.join(APPS)}")
        character = Character(self._next_id, name, language, app=app)
        self._next_id += 1
        return self._add(character)

    def _add(self, character: Character) -> Character:
        if character.app == WHATSAPP:
            self.whatsapp.add(character.wa_id, character.name)
        else:
            self.emulator.user(
                character.user_id, character.name, language_code=character.language, started=False
            )
        self.characters[character.user_id] = character
        self.revision += 1
        return character

    # -- what people do (on either app) ----------------------------------------------------

    async def send(self, user_id: int, text: str) -> None:
        character = self.character(user_id)
        if character.app == WHATSAPP:
            await self.whatsapp.send(character.wa_id, text)
        else:
            await self.user(user_id).send(text)

    async def start_chat(self, user_id: int) -> None:
        """The chat's Start: /start on Telegram; on WhatsApp, which has no commands, a
        greeting in the person's language (any first message begins)."""
        character = self.character(user_id)
        greeting = GREETINGS.get(character.language, "👋")
        await self.send(user_id, greeting if character.app == WHATSAPP else "/start")

    async def send_photo(self, user_id: int, content: bytes, caption: str | None) -> None:
        character = self.character(user_id)
        if character.app == WHATSAPP:
            await self.whatsapp.send_photo(character.wa_id, content, caption)
        else:
            await self.user(user_id).send_photo(content, caption=caption)

    async def send_sticker(self, user_id: int) -> None:
        character = self.character(user_id)
        if character.app == WHATSAPP:
            await self.whatsapp.send_sticker(character.wa_id)
        else:
            await self.user(user_id).send_sticker()

    async def press(self, user_id: int, message_id: int | str, data: str) -> None:
        """Press a button (on WhatsApp also a list row or a template's quick reply) of one
        message: Telegram's message ids are numbers, WhatsApp's are wamids."""
        character = self.character(user_id)
        if character.app == WHATSAPP and isinstance(message_id, str):
            await self.whatsapp.press(character.wa_id, message_id, data)
        elif character.app == TELEGRAM and isinstance(message_id, int):
            await self.user(user_id).press(data, message_id=message_id)
        else:
            raise ValueError("give message_id as the chat shows it (a number on Telegram)")

    def read(self, user_id: int) -> int:
        """A WhatsApp chat shown on the page is read: the bot gets "read" statuses (Telegram
        tells a bot nothing of the kind)."""
        character = self.character(user_id)
        return self.whatsapp.read(character.wa_id) if character.app == WHATSAPP else 0

    async def tap(self, user_id: int, text: str) -> None:
        """A button of Telegram's reply keyboard (WhatsApp has none)."""
        await self.user(user_id).tap(text)

    async def open_chat(self, user_id: int) -> bool:
        """The first time a coordinator's or partner's chat is opened, they open their
        invite link (`/start <payload>`); True when that happened now."""
        character = self.characters[user_id]
        if character.role is None or user_id in self._opened:
            return False
        self._opened.add(user_id)
        payload = await self._invite(character)
        await self.send(user_id, f"/start {payload}")  # typed, /start works on WhatsApp too
        return True

    async def _invite(self, character: Character) -> str:
        assert character.role is not None
        now = self.clock.now()
        async with self.app.sessions.begin() as session:
            organisation_id = None
            if character.organisation:
                organisation = await invites.organisation_named(
                    session, character.organisation, now
                )
                organisation_id = organisation.id
            _, payload = await invites.create(
                session,
                self.settings.signing_key(),
                role=character.role,
                neighbourhood_id=self.neighbourhood_id,
                organisation_id=organisation_id,
                now=now,
                ttl=timedelta(hours=self.settings.invite_ttl_hours),
            )
        return payload

    # -- time ----------------------------------------------------------------------------

    async def jump(self, name: str) -> dict[str, int]:
        """Move the clock ahead (see clock.JUMPS) and run the sweeps at once."""
        if name not in JUMPS:
            raise ValueError(f"unknown jump {name!r}: use one of {', '.join(JUMPS)}")
        now = self.clock.now()
        self.clock.advance(JUMPS[name][1](now, self.zone) - now)
        return await self.run_sweeps()

    async def run_sweeps(self) -> dict[str, int]:
        """What the scheduler does every minute, now: due things become outbox rows,
        then the sender is woken (its quiet hours and backoff read the same clock)."""
        assert self._runtime is not None
        sender = self._runtime.background.sender
        added = {
            name: await run_sweep(name, sweep, self.app.sessions, self.clock, sender.wake)
            for name, sweep in SWEEPS.items()
        }
        sender.wake()
        self.revision += 1
        return added
