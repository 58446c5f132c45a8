"""Both runtimes, the same conversations: the Bot API calls they make must be the same.

Each script runs once on aiogram and once on python-telegram-bot, each time on
a fresh database, emulator and clock. The meaningful calls (see api_calls.py)
are compared; a difference fails the test with both transcripts side by side.

To add a script, write `async def what_happens(stage: Stage) -> None` below
with the `@script` decorator: people act (`await ann.send("/start")`,
`await ann.press("English")`), and every action waits for the bot's replies.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from bot.chat.replies import Button, File, Reply
from bot.clock import ManualClock
from bot.delivery.transport import Outcome
from bot.domain import db, invites, neighbourhoods
from bot.domain.models import Base, ReceivedUpdate, Role
from bot.emulator import ApiCall, BotAPIEmulator, SentMessage, SimulatedUser, make_png
from bot.handlers.replying import BotApiTransport, send_reply
from bot.handlers.runtime import make_api
from bot.i18n import LANGUAGE_NAMES, Html, translator
from tests.conftest import TOKEN, make_settings
from tests.e2e.api_calls import describe, side_by_side, transcript
from tests.e2e.conftest import RUNTIMES, RunningBot, make_emulator, running_bot

# -- people and scripts ------------------------------------------------------------------


class Person:
    """A simulated person; each action waits until the bot has handled it, and returns
    what the bot said in return."""

    def __init__(self, stage: Stage, user: SimulatedUser) -> None:
        self.stage = stage
        self.user = user

    async def send(self, message: str, *, shown_as: str | None = None) -> list[SentMessage]:
        """Send a text; `shown_as` names it in the transcript when it differs by nature."""
        return await self._act(f"sends {shown_as or repr(message)}", self.user.send(message))

    async def press(self, label: str, *, on: SentMessage | None = None) -> list[SentMessage]:
        """Press a button on the newest message that has it, or on message `on`."""
        where = f" on message {on.message_id}" if on else ""
        pressing = self.user.press(label, message_id=on.message_id if on else None)
        return await self._act(f"presses {label!r}{where}", pressing)

    async def send_sticker(self) -> list[SentMessage]:
        return await self._act("sends a sticker", self.user.send_sticker())

    async def onboard(self, locale: str, area: str = "Taagdreef") -> list[SentMessage]:
        await self.send("/start")
        await self.press(LANGUAGE_NAMES[locale])
        await self.press(area)
        return await self.press("✅ " + translator(locale)._("I agree"))

    async def _act(self, what: str, action: Awaitable[dict[str, Any]]) -> list[SentMessage]:
        self.stage.mark(f"{self.user.id} {what}")
        update = await action
        await self.stage.handled(update["update_id"])
        try:  # everything is said by now: no need to wait for the chat to fall quiet
            return await self.user.replies(timeout=0.01, settle=0)
        except TimeoutError:
            return []


@dataclass
class Stage:
    """One runtime's performance of a script."""

    emulator: BotAPIEmulator
    bot: RunningBot
    marks: list[tuple[int, str]] = field(default_factory=list)
    handled_updates: set[int] = field(default_factory=set)
    progress: asyncio.Event = field(default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        """Note every update the bot has handled, answer sent and all."""
        assert self.bot.runtime is not None
        processor = self.bot.runtime.processor
        run = processor._run  # one update: processed, then its answer sent

        async def noted(row: ReceivedUpdate, before: asyncio.Task[None] | None) -> None:
            await run(row, before)
            self.handled_updates.add(row.update_id)
            self.progress.set()

        processor._run = noted  # type: ignore[method-assign]

    async def handled(self, update_id: int, within: float = 10.0) -> None:
        try:
            async with asyncio.timeout(within):
                while update_id not in self.handled_updates:
                    self.progress.clear()
                    await self.progress.wait()
        except TimeoutError:
            raise AssertionError(f"update {update_id} was not handled within {within}s") from None

    def mark(self, what: str) -> None:
        self.marks.append((len(self.emulator.calls), what))

    def person(self, user_id: int, first_name: str, language_code: str) -> Person:
        return Person(self, self.emulator.user(user_id, first_name, language_code=language_code))

    async def invite(self, role: Role) -> str:
        """A start payload that makes whoever sends it `role` of Overvecht."""
        assert self.bot.app is not None
        async with self.bot.app.sessions.begin() as session:
            overvecht = await neighbourhoods.by_slug(session, "overvecht")
            assert overvecht is not None
            _, payload = await invites.create(
                session,
                self.bot.settings.signing_key(),
                role=role,
                neighbourhood_id=overvecht.id,
                now=self.bot.clock.now(),
                ttl=timedelta(hours=72),
            )
        return payload


Script = Callable[[Stage], Awaitable[None]]
SCRIPTS: dict[str, Script] = {}


def script(function: Script) -> Script:
    SCRIPTS[function.__name__] = function
    return function


@script
async def onboarding_in_turkish_going_back(stage: Stage) -> None:
    back = "« " + translator("tr")._("Back")
    ayse = stage.person(1001, "Ayşe <b>&amp;", "tr")  # HTML in a name is shown as typed
    await ayse.send("/start")
    await ayse.press("Türkçe")
    await ayse.press(back)
    await ayse.press("Türkçe")
    await ayse.press("Taagdreef")
    await ayse.press(back)
    await ayse.press("Zamenhofdreef")
    await ayse.press("✅ " + translator("tr")._("I agree"))


@script
async def onboarding_in_arabic_with_a_stale_button_and_stickers(stage: Stage) -> None:
    layla = stage.person(1002, "Layla", "ar")
    (first,) = await layla.send("/start")
    await layla.press("العربية")
    await layla.send("/start")  # a new question: the first message's buttons are old now
    await layla.send_sticker()
    await layla.press("Taagdreef", on=first)
    await layla.onboard("ar")
    await layla.send_sticker()


@script
async def an_invite_redeemed_and_a_forged_one_refused(stage: Stage) -> None:
    payload = await stage.invite(Role.COORDINATOR)
    mallory = stage.person(1003, "Mallory", "nl")
    await mallory.send(f"/start {payload[:-2]}xx", shown_as="/start <forged invite>")
    fatima = stage.person(1004, "Fatima", "en")
    await fatima.send(f"/start {payload}", shown_as="/start <invite>")
    await fatima.press("English")
    await fatima.press("Neckardreef")
    await fatima.press("✅ " + translator("en")._("I agree"))
    await fatima.send(f"/start {payload}", shown_as="/start <the same invite again>")


@script
async def changing_language_in_the_middle_of_onboarding(stage: Stage) -> None:
    piotr = stage.person(1005, "Piotr", "en")
    await piotr.send("/start")
    await piotr.press("English")
    await piotr.send("/language")
    await piotr.press("Polski")
    await piotr.press("Tigrisdreef")
    await piotr.press("✅ " + translator("pl")._("I agree"))
    await piotr.send("/help")


@script
async def notification_settings_from_the_main_menu(stage: Stage) -> None:
    t = translator("nl")
    jan = stage.person(1006, "Jan", "nl")
    await jan.onboard("nl")
    (overview,) = await jan.press("🔔 " + t._("Notifications"))
    await jan.press(overview.buttons[0][0])  # a topic off
    await jan.press("🌙 " + t._("Quiet hours"))
    await jan.press("21:00–09:00")
    (overview,) = await jan.press(overview.buttons[0][0].replace("✅", "🔕"))  # and on again
    nudges = next(label for row in overview.buttons for label in row if label.startswith("👉"))
    await jan.press(nudges)
    await jan.press(t.n_("{n} nudge a week", "{n} nudges a week", 1))
    await jan.press(t._("Done"))
    await jan.press("🔒 " + t._("Privacy"))  # with the date of consent


@pytest.mark.parametrize("name", SCRIPTS)
async def test_runtimes_make_the_same_calls(
    name: str, database_template: str, tmp_path: Path, clock: ManualClock
) -> None:
    transcripts = [
        await perform(SCRIPTS[name], runtime, database_template, tmp_path, clock)
        for runtime in RUNTIMES
    ]
    assert any(not line.startswith("##") for line in transcripts[0]), "the bot said nothing"
    agree(transcripts, RUNTIMES)


async def perform(
    play: Script, runtime: str, template: str, folder: Path, clock: ManualClock
) -> list[str]:
    """Run the script on `runtime` from a fresh start; returns its transcript."""
    database_url = await fresh_database(template, folder / f"{runtime}.db")
    async with make_emulator() as emulator:
        own_clock = ManualClock(clock.now())
        async with running_bot(database_url, emulator, own_clock, runtime=runtime) as bot:
            stage = Stage(emulator, bot)
            await play(stage)
        return transcript(emulator.calls, stage.marks)  # stopped: every call is in


async def fresh_database(template: str, path: Path) -> str:
    """An empty, migrated database whose ids start at 1 again (they show in button data)."""
    if "://" not in template:
        shutil.copy(template, path)
        return f"sqlite+aiosqlite:///{path}"
    engine = db.make_engine(template)
    try:
        async with engine.begin() as connection:
            tables = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
            await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    finally:
        await engine.dispose()
    return template


def agree(transcripts: Sequence[list[str]], runtimes: Sequence[str]) -> None:
    left, right = transcripts
    if left != right:
        titles = (runtimes[0], runtimes[1])
        pytest.fail(
            "the runtimes made different Bot API calls:\n" + side_by_side(left, right, titles),
            pytrace=False,
        )


# -- the sender's transport --------------------------------------------------------------

PUSHED = (
    Reply(Html("<b>Nieuws</b> uit de buurt"), buttons=((Button("Lees", url="https://x.nl"),),)),
    Reply(Html("Een foto"), picture=File("card.png", data=make_png(32, 16))),
    Reply(Html(""), picture=File("card.png", data=make_png(8, 8))),
    Reply(Html("De lijst"), document=File("lijst.ics", data=b"BEGIN:VCALENDAR\r\n")),
    Reply(Html("Kom je?"), buttons=((Button("Ja", "rsvp:1"), Button("Nee", "rsvp:0")),)),
)


# python-telegram-bot itself reads RetryAfter.retry_after, which warns about its type change.
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_transports_send_the_same_calls_and_see_the_same_outcomes() -> None:
    transcripts = []
    for runtime in RUNTIMES:
        async with make_emulator() as emulator:
            outcomes = await deliver_everything(emulator, runtime)
            calls = [*emulator.calls, *(as_call(outcome) for outcome in outcomes)]
            transcripts.append(transcript(calls))
    agree(transcripts, RUNTIMES)


async def deliver_everything(emulator: BotAPIEmulator, runtime: str) -> list[Outcome]:
    """Pushed replies of every kind, edits, and each kind of failure, through `runtime`."""
    emulator.user(1001, "Ann")
    emulator.user(1002, "Bo")
    emulator.block(1002, notify=False)
    settings = make_settings(
        "sqlite+aiosqlite:///unused.db",
        telegram_api_url=emulator.url,
        bot_token=TOKEN,
        runtime=runtime,
    )
    api = make_api(settings)
    transport = BotApiTransport(api)
    try:
        outcomes = [await transport.deliver(1001, reply) for reply in PUSHED]
        outcomes.append(await transport.deliver(1001, PUSHED[0], paid=True))
        edited = Reply(Html("Bijgewerkt"), buttons=PUSHED[-1].buttons, edit=True)
        await send_reply(api, 1001, edited, outcomes[-2].message_id)
        await send_reply(api, 1001, edited, outcomes[-2].message_id)  # not modified: fine
        await send_reply(api, 1001, edited, 999)  # gone: a new message instead
        outcomes.append(await transport.deliver(1002, PUSHED[0]))  # blocked: 403
        outcomes.append(await transport.deliver(1001, Reply(Html("<b>open"))))  # 400
        outcomes.append(await transport.deliver(4242, PUSHED[0]))  # no such chat: 400
        emulator.storm(times=1, retry_after=7)
        outcomes.append(await transport.deliver(1001, PUSHED[0]))  # 429
        emulator.fail("sendMessage", status=502, times=1)
        outcomes.append(await transport.deliver(1001, PUSHED[0]))  # 5xx
    finally:
        await api.close()
    return outcomes


def as_call(outcome: Outcome) -> ApiCall:
    """An outcome in the transcript's terms (its message id, and how long a 429 waits)."""
    params = {"message_id": outcome.message_id, "text": f"{outcome.result} {outcome.retry_after}"}
    return ApiCall(f"outcome:{outcome.result}", params, True, None, None, 0.0)


# -- the comparison itself ---------------------------------------------------------------


def test_a_difference_fails_with_both_transcripts_side_by_side() -> None:
    def call(text: str) -> ApiCall:
        params = {"chat_id": "1001", "text": text, "callback_query_id": "differs by nature"}
        return ApiCall("sendMessage", params, True, None, None, 0.0)

    said = [call("Hallo"), call("Welkom")]
    housekeeping = ApiCall("getUpdates", {"offset": 3}, True, None, None, 0.0)
    left = transcript([said[0], housekeeping, said[1]], [(0, "1001 sends '/start'")])
    right = transcript([said[0], call("Welkom!")], [(0, "1001 sends '/start'")])
    assert left[0] == "## 1001 sends '/start'"
    assert left[1] == describe(said[0]) == 'sendMessage chat_id=1001 text="Hallo"'

    with pytest.raises(pytest.fail.Exception) as failure:
        agree([left, right], ("aiogram", "ptb"))
    rows = str(failure.value).splitlines()
    changed = [row for row in rows if row.startswith("!")]
    assert len(changed) == 1
    assert 'text="Welkom"' in changed[0] and 'text="Welkom!"' in changed[0]
    assert any(row.startswith("  ## 1001 sends") for row in rows)  # context stays in view


# -- one database, one runtime after the other -------------------------------------------


@pytest.mark.parametrize("first, then", [RUNTIMES, RUNTIMES[::-1]])
async def test_a_conversation_begun_on_one_runtime_goes_on_on_the_other(
    first: str, then: str, database_url: str, emulator: BotAPIEmulator, clock: ManualClock
) -> None:
    t = translator("tr")
    user = emulator.user(1007, "Emre", language_code="tr")
    async with running_bot(database_url, emulator, clock, runtime=first) as bot:
        start = await user.send("/start")
        await user.replies()
        await user.press("Türkçe")
        (area,) = await user.replies()
        assert bot.app is not None
        async with bot.app.sessions() as session:
            stored = await session.scalar(
                select(ReceivedUpdate.payload).where(ReceivedUpdate.update_id == start["update_id"])
            )
        assert stored is None  # cleared once done, whichever runtime stored it
    async with running_bot(database_url, emulator, clock, runtime=then):
        await user.press("Taagdreef", message_id=area.message_id)
        (consent,) = await user.replies()
        assert t._("Do you agree that Wijkbot stores this?") in consent.text
        await user.press("✅ " + t._("I agree"))
        (welcome,) = await user.replies()
        assert "Emre" in welcome.text and "Taagdreef, Overvecht" in welcome.text
