"""The load: simulated residents going through onboarding, all at once.

A step is one thing a resident does and the bot's answer to it; its latency runs from the
resident's action to the bot's new or edited message arriving at the emulator:

    1. send /start             -> the language question (a new message)
    2. press their language    -> that message edited to the buurt question
    3. press "Taagdreef"       -> edited to the consent question
    4. press the "✅ ..." button -> edited to the welcome and main menu

Residents are spread over all five languages so that every catalog is exercised. The
consent button is found by its "✅" prefix, the one part of its label that does not depend on
the language or the bot (Wijkbot or the echo baseline).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from bot.emulator import BotAPIEmulator, SentMessage, SimulatedUser
from bot.i18n import LANGUAGE_NAMES

from .errors import BenchError
from .stats import RoundFigures

LOCALES = ("nl", "en", "tr", "ar", "pl")
AREA = "Taagdreef"
STEPS = 4
NAMES = ("Ann", "Mehmet", "Fatima", "Piotr", "Sanne", "Youssef", "Agnieszka", "Daan")
ANSWER_GRACE = 5.0  # seconds for callback answers still on their way after the last edit


class StepFailed(Exception):
    """A resident's step got no (or a wrong) answer; says which resident and which step."""


async def _step(
    user: SimulatedUser, number: int, action: Callable[[], Awaitable[Any]], within: float
) -> tuple[SentMessage, float]:
    """Do `action` and wait for the bot's one answer; the latency counts both, as a person
    would experience it. `action` is a callable so that a missing button fails the step."""
    started = time.perf_counter()
    try:
        await action()
        (reply,) = await user.replies(timeout=within, count=1)
    except (TimeoutError, AssertionError) as exc:
        raise StepFailed(f"resident {user.id}, step {number}: {exc}") from None
    return reply, time.perf_counter() - started


def _same_message(
    question: SentMessage, reply: SentMessage, user: SimulatedUser, step: int
) -> None:
    """Button presses must edit the question in place, as Wijkbot's conversation does."""
    if reply.message_id != question.message_id or not reply.edited:
        raise StepFailed(
            f"resident {user.id}, step {step}: expected message {question.message_id} edited, "
            f"got message {reply.message_id}: {reply.text[:60]!r}"
        )


async def onboard(user: SimulatedUser, locale: str, within: float) -> list[float]:
    """Take one resident through the four steps; returns each step's latency in seconds."""
    question, first = await _step(user, 1, lambda: user.send("/start"), within)
    buurt, second = await _step(user, 2, lambda: user.press(LANGUAGE_NAMES[locale]), within)
    _same_message(question, buurt, user, 2)
    consent, third = await _step(user, 3, lambda: user.press(AREA), within)
    _same_message(question, consent, user, 3)
    agree = next((label for row in consent.buttons for label in row if label[:1] == "✅"), None)
    if agree is None:
        raise StepFailed(f"resident {user.id}, step 3: no ✅ button in {consent.buttons}")
    welcome, fourth = await _step(user, 4, lambda: user.press(agree), within)
    _same_message(question, welcome, user, 4)
    if not welcome.buttons:
        raise StepFailed(f"resident {user.id}, step 4: the welcome has no menu buttons")
    return [first, second, third, fourth]


async def run_phase(
    emulator: BotAPIEmulator, *, first_id: int, residents: int, step_timeout: float
) -> RoundFigures:
    """All `residents` start at once; throughput counts from the first /start to the last
    answer. Fails (BenchError) unless every step was answered and every Bot API call the bot
    made in the meantime succeeded: a bot that cuts corners under load is not measured."""
    people = [
        emulator.user(
            first_id + index,
            first_name=NAMES[index % len(NAMES)],
            language_code=LOCALES[index % len(LOCALES)],
        )
        for index in range(residents)
    ]
    calls_before = len(emulator.calls)
    started = time.perf_counter()
    try:
        async with asyncio.timeout(STEPS * step_timeout + 30):
            outcomes = await asyncio.gather(
                *(
                    onboard(person, LOCALES[index % len(LOCALES)], step_timeout)
                    for index, person in enumerate(people)
                ),
                return_exceptions=True,
            )
    except TimeoutError:
        raise BenchError(f"the phase took over {STEPS * step_timeout + 30:g}s") from None
    wall = time.perf_counter() - started
    failures: list[BaseException] = []
    latencies: list[float] = []
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            failures.append(outcome)
        else:
            latencies += outcome
    if failures:
        shown = "\n".join(
            f"    {line}" for failure in failures[:3] for line in str(failure).splitlines()
        )
        raise BenchError(f"{len(failures)} of {residents} residents failed:\n{shown}")
    await _check_answers(emulator, {person.id for person in people})
    failed_calls = [call for call in emulator.calls[calls_before:] if not call.ok]
    if failed_calls:
        shown = "\n".join(
            f"    {call.method}: {call.error_code} {call.description}" for call in failed_calls[:3]
        )
        raise BenchError(f"{len(failed_calls)} Bot API calls failed:\n{shown}")
    return RoundFigures(steps=len(latencies), wall_seconds=wall, latencies=tuple(latencies))


async def _check_answers(emulator: BotAPIEmulator, ids: set[int]) -> None:
    """Every button press must have been answered (answerCallbackQuery), as Telegram wants."""
    expected = (STEPS - 1) * len(ids)
    deadline = time.monotonic() + ANSWER_GRACE
    while True:
        records = [record for record in emulator.callbacks.values() if record.user_id in ids]
        answered = sum(1 for record in records if record.answer is not None)
        if answered >= expected:
            return
        if time.monotonic() > deadline:
            raise BenchError(f"only {answered} of {expected} button presses were answered")
        await asyncio.sleep(0.05)
