"""`Sandbox`: the emulator, the real bot, a SQLite database and the cast, in one process.

The bot is the same runtime that `wijkbot run` starts (on aiogram); it polls the
local Bot API emulator over HTTP with a made-up token, so nothing here needs
Telegram, a token or the internet. The page (bot/sandbox/web.py) only drives
the emulator's simulated people and reads what the bot did.
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

import bot
from bot.app import App, build_app
from bot.config import SUPPORTED_LOCALES, Settings, load_settings
from bot.domain import db, invites, neighbourhoods
from bot.emulator import BotAPIEmulator, SimulatedUser
from bot.handlers.runtime import TelegramRuntime
from bot.jobs.scheduler import run_sweep
from bot.jobs.sweeps import SWEEPS
from bot.sandbox import demo
from bot.sandbox.cast import CAST, FIRST_ADDED_ID, Character
from bot.sandbox.clock import JUMPS, RunningClock

TOKEN = "123456:SANDBOX-made-up-token-for-the-local-emulator"
BOT_USERNAME = "wijkbot_sandbox_bot"
EXAMPLE = "overvecht.yaml"
MAX_NAME = 64  # Telegram's limit for a first name
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
        self.characters: dict[int, Character] = {}
        self.revision = 0  # bumped by changes the emulator cannot see (a jump, a new person)
        self._data = data
        self._temporary: tempfile.TemporaryDirectory[str] | None = None
        self._opened: set[int] = set()
        self._next_id = FIRST_ADDED_ID
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._app: App | None = None
        self._runtime: TelegramRuntime | None = None
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
        self._app = build_app(self._settings(folder), self.clock)
        await db.upgrade(self._app.engine)
        await self._load_example()
        for character in CAST:
            self._add(character)
        self._runtime = TelegramRuntime(self._app)
        self._stop.clear()
        self._task = asyncio.create_task(self._runtime.run(self._stop))
        await self._until_polling()

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._task, 10)
            self._task = None
        if self._app is not None:
            await self._app.close()
            self._app = None
        await self.emulator.stop()
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
        if user_id not in self.characters:
            raise KeyError(f"no person {user_id} in the sandbox")
        return self.emulator.user(user_id)

    def add_person(self, name: str, language: str) -> Character:
        """A new resident, e.g. to try a language or a name written right to left."""
        name = _CONTROL.sub("", name).strip()
        if not 0 < len(name) <= MAX_NAME:
            raise ValueError(f"a name has 1 to {MAX_NAME} characters")
        if language not in SUPPORTED_LOCALES:
            raise ValueError(f"language must be one of {', '.join(SUPPORTED_LOCALES)}")
        character = Character(self._next_id, name, language)
        self._next_id += 1
        return self._add(character)

    def _add(self, character: Character) -> Character:
        self.emulator.user(
            character.user_id, character.name, language_code=character.language, started=False
        )
        self.characters[character.user_id] = character
        self.revision += 1
        return character

    async def open_chat(self, user_id: int) -> bool:
        """The first time a coordinator's or partner's chat is opened, they open their
        invite link (`/start <payload>`); True when that happened now."""
        character = self.characters[user_id]
        if character.role is None or user_id in self._opened:
            return False
        self._opened.add(user_id)
        payload = await self._invite(character)
        await self.user(user_id).send(f"/start {payload}")
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
