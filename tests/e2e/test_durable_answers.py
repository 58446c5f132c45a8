"""Answers survive a crash between commit and send; the intake keeps little; floods are capped.

Each test runs on both runtimes, through the real framework, HTTP and the emulator.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.clock import ManualClock
from bot.domain import db
from bot.domain.models import ReceivedUpdate, UpdateStatus
from bot.emulator import BotAPIEmulator
from bot.handlers.intake import FLOODED
from bot.handlers.owed import Owed
from bot.i18n import translator
from tests.e2e.chat import onboard
from tests.e2e.conftest import RunningBot

CAP = 5  # updates waiting per chat (20 in production: a test needs fewer replies)


async def stored(bot: RunningBot, update_id: int) -> ReceivedUpdate:
    """The row as the database has it, also while the bot is down."""
    engine = db.make_engine(bot.settings.database_url)
    try:
        async with db.make_sessions(engine)() as session:
            row = await session.scalar(
                select(ReceivedUpdate).where(ReceivedUpdate.update_id == update_id)
            )
    finally:
        await engine.dispose()
    assert row is not None
    return row


@pytest.fixture(params=["polling", "webhook"])
def any_bot(request: pytest.FixtureRequest, runtime: str) -> RunningBot:
    """Wijkbot receiving by polling, then by webhook (each on every runtime)."""
    return request.getfixturevalue("bot" if request.param == "polling" else "webhook_bot")


async def test_an_answer_owed_when_the_process_died_is_sent_after_restart_without_reprocessing(
    any_bot: RunningBot, emulator: BotAPIEmulator, clock: ManualClock
) -> None:
    bot = any_bot
    assert bot.app is not None and bot.runtime is not None
    handled: list[object] = []
    original_handle = bot.app.conversation.handle

    async def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        handled.append(args[2])
        return await original_handle(*args, **kwargs)

    committed = asyncio.Event()

    async def dies_before_sending(owed: Owed) -> None:
        committed.set()
        await asyncio.Event().wait()  # the process is killed here, after the commit

    bot.app.conversation.handle = counted  # type: ignore[method-assign]
    bot.runtime.processor.deliver = dies_before_sending
    user = emulator.user(7101, first_name="Noor", last_name="Bakker", language_code="en")
    update = await user.send("/start")
    await asyncio.wait_for(committed.wait(), 5)
    await bot.crash()

    row = await stored(bot, update["update_id"])
    assert row.status is UpdateStatus.DONE and row.answer is not None  # owed, not lost
    assert row.payload is None  # cleared in the same transaction

    clock.advance(timedelta(seconds=16))  # the dead process's short lease runs out
    await bot.start()
    assert bot.app is not None
    again: list[object] = []
    restarted_handle = bot.app.conversation.handle

    async def counted_again(*args, **kwargs):  # type: ignore[no-untyped-def]
        again.append(args[2])
        return await restarted_handle(*args, **kwargs)

    bot.app.conversation.handle = counted_again  # type: ignore[method-assign]
    (question,) = await user.replies(timeout=5)
    assert "Which language do you want to use?" in question.text
    for _ in range(100):  # cleared right after it was sent
        row = await stored(bot, update["update_id"])
        if row.answer is None:
            break
        await asyncio.sleep(0.02)
    assert row.answer is None and row.status is UpdateStatus.DONE
    assert len(handled) == 1 and again == []  # sent, not processed a second time


async def test_a_repeated_answer_to_a_button_is_not_an_error(
    bot: RunningBot, emulator: BotAPIEmulator
) -> None:
    """After a crash an answer may go out twice: the button's query is answered already
    ("query is too old") and the edit is made already ("message is not modified")."""
    assert bot.runtime is not None
    sent: list[Owed] = []
    deliver = bot.runtime.processor.deliver

    async def noted(owed: Owed) -> None:
        await deliver(owed)
        sent.append(owed)

    bot.runtime.processor.deliver = noted
    user = emulator.user(7102, first_name="Eva", language_code="en")
    await user.send("/start")
    await user.replies()
    await user.press("English")
    await user.replies()
    press = sent[-1]
    assert press.callback_id is not None and press.answer is not None
    assert press.answer.replies[0].edit

    await bot.runtime.deliver(press)  # the same answer again raises nothing
    await user.assert_no_reply(within=0.3)
    assert [a.query_id for a in user.callback_answers].count(press.callback_id) == 1
    repeated_edit = emulator.calls_for("editMessageText")[-1]
    assert not repeated_edit.ok and "not modified" in (repeated_edit.description or "")


async def test_what_the_intake_keeps_of_a_resident_sharing_their_contact(
    bot: RunningBot, emulator: BotAPIEmulator
) -> None:
    assert bot.app is not None
    user = emulator.user(
        7103, first_name="Selin", last_name="Yılmaz", username="selin_y", language_code="tr"
    )
    await onboard(user, "tr")
    assert bot.runtime is not None
    processing = asyncio.Event()
    release = asyncio.Event()
    process = bot.runtime.processor.process

    async def held(row: ReceivedUpdate) -> Owed | None:  # before its transaction begins
        processing.set()
        await release.wait()
        return await process(row)

    bot.runtime.processor.process = held
    shared = await user.send_contact("+31612345678")
    await asyncio.wait_for(processing.wait(), 5)
    waiting = await stored(bot, shared["update_id"])  # stored, not yet processed
    assert waiting.payload is not None
    kept = str(waiting.payload)
    for secret in ("+31612345678", "Yılmaz", "selin_y", "phone"):
        assert secret not in kept
    assert waiting.payload["message"]["from"] == {
        "id": 7103,
        "first_name": "Selin",
        "language_code": "tr",
    }
    release.set()
    await user.replies()
    done = await stored(bot, shared["update_id"])
    assert done.status is UpdateStatus.DONE and done.payload is None and done.answer is None


async def test_group_messages_are_not_stored(bot: RunningBot, emulator: BotAPIEmulator) -> None:
    group = emulator.group(-7104, "Buurtgroep Taagdreef")
    stranger = emulator.user(7105, first_name="Bram", last_name="de Vries")
    group.add(stranger)
    said = await stranger.send("Mijn nummer is 0612345678", chat=group)
    after = await stranger.send("/start")  # stored after the group's message was received
    for _ in range(200):
        if await _exists(bot, after):
            break
        await asyncio.sleep(0.02)
    assert await _exists(bot, after) and not await _exists(bot, said)
    await group.assert_no_reply(within=0.3)


async def _exists(bot: RunningBot, update: dict) -> bool:
    assert bot.app is not None
    async with bot.app.sessions() as session:
        count = await session.scalar(
            select(func.count(ReceivedUpdate.id)).where(
                ReceivedUpdate.update_id == update["update_id"]
            )
        )
    return bool(count)


async def test_a_flood_gets_one_slow_down_and_the_rest_is_not_processed(
    bot: RunningBot, emulator: BotAPIEmulator
) -> None:
    assert bot.app is not None
    user = emulator.user(7106, first_name="Piotr", language_code="pl")
    await onboard(user, "pl")
    assert bot.runtime is not None
    release = asyncio.Event()
    process = bot.runtime.processor.process
    handled = 0

    async def slow(row: ReceivedUpdate) -> Owed | None:  # a busy chat
        nonlocal handled
        await release.wait()
        handled += 1
        return await process(row)

    bot.runtime.processor.process = slow
    bot.app.intake.per_chat_cap = CAP
    burst = CAP + 10
    updates = [await user.send(f"hallo {n}") for n in range(burst)]
    for _ in range(500):
        if await _exists(bot, updates[-1]):
            break
        await asyncio.sleep(0.02)
    async with bot.app.sessions() as session:
        dropped = await session.scalar(
            select(func.count(ReceivedUpdate.id)).where(ReceivedUpdate.error == FLOODED)
        )
    assert dropped == burst - CAP
    release.set()
    replies = await user.replies(timeout=10, count=CAP + 1)
    slow_down = translator("pl")._(
        "That was a lot at once. I answer what you sent first; "
        "please wait a moment before you send more."
    )
    assert [reply.text for reply in replies].count(slow_down) == 1  # one per burst
    assert handled == CAP
    await user.send("hallo again")  # the burst is over: answered as usual
    (after,) = await user.replies()
    assert after.text != slow_down


async def test_updates_waiting_behind_a_busy_chat_are_each_processed_once(
    bot: RunningBot, emulator: BotAPIEmulator, clock: ManualClock
) -> None:
    """Before: when the 60 s lease of rows waiting behind a busy chat ran out, the same
    process claimed them again and handled them twice."""
    assert bot.app is not None and bot.runtime is not None
    user = emulator.user(7107, first_name="Joost", language_code="nl")
    await onboard(user, "nl")
    process = bot.runtime.processor.process
    handle = bot.app.conversation.handle
    handled: list[str] = []

    async def slow(row: ReceivedUpdate) -> Owed | None:  # a slow step, outside its transaction
        await asyncio.sleep(0.05)
        return await process(row)

    async def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        handled.append(args[2].text)
        return await handle(*args, **kwargs)

    bot.app.conversation.handle = counted  # type: ignore[method-assign]
    bot.runtime.processor.process = slow
    sent = [await user.send(f"vraag {n}") for n in range(12)]
    for _ in range(12):  # while they wait: a minute at a time, four leases each
        clock.advance(timedelta(minutes=1))
        await asyncio.sleep(0.05)
    replies = await user.replies(timeout=15, count=len(sent))
    assert len(replies) == len(sent)
    assert handled == [f"vraag {n}" for n in range(12)]  # each once, in order


def tasks_of_the_bot() -> list[asyncio.Task[object]]:
    """Pending tasks running Wijkbot's code (not the emulator's, not the test's)."""
    found = []
    for task in asyncio.all_tasks():
        code = getattr(task.get_coro(), "cr_code", None)
        where = code.co_filename if code is not None else ""
        if not task.done() and "/bot/" in where and "/bot/emulator/" not in where:
            found.append(task)
    return found


async def test_a_crash_leaves_no_task_of_the_bot_running(
    bot: RunningBot, emulator: BotAPIEmulator
) -> None:
    """A task that ignores cancellation once hung the suite in an event loop's teardown."""
    assert bot.app is not None
    stuck = asyncio.Event()
    original = bot.app.conversation.handle

    async def hang(*args, **kwargs):  # type: ignore[no-untyped-def]
        stuck.set()
        await asyncio.Event().wait()
        return await original(*args, **kwargs)

    bot.app.conversation.handle = hang  # type: ignore[method-assign]
    user = emulator.user(7108, first_name="Lotte", language_code="nl")
    await user.send("/start")
    await asyncio.wait_for(stuck.wait(), 5)
    assert tasks_of_the_bot()
    await bot.crash()
    assert tasks_of_the_bot() == []
