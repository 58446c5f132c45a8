"""Talk to Wijkbot on WhatsApp as people would: onboard, press what a screen offers, sweep.

The WhatsApp counterpart of tests/e2e/chat.py. A screen is one or more messages
(a long text, then its buttons; a list in parts), so helpers look at every message
of an answer; titles may be clipped ("…"), so a choice is found by the text it
starts with or contains.

    journey_api(clock)   the Cloud API emulator on the bot's clock, with Wijkbot's
                         templates: the 24-hour window follows the ManualClock
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import timedelta

from sqlalchemy import select

from bot.app import App
from bot.clock import ManualClock
from bot.domain import invites, neighbourhoods
from bot.domain.models import Identity, Person, Role
from bot.emulator.whatsapp import CloudAPIEmulator, ReceivedMessage, SimulatedUser
from bot.handlers.whatsapp.templates import registry_for_emulator
from bot.i18n import LANGUAGE_NAMES, translator
from bot.jobs.scheduler import run_sweep
from bot.jobs.sweeps import SWEEPS


@contextlib.asynccontextmanager
async def journey_api(clock: ManualClock) -> AsyncIterator[CloudAPIEmulator]:
    """The emulator whose `now()` is the bot's clock, knowing every Wijkbot template."""
    emu = CloudAPIEmulator(
        templates=registry_for_emulator(), now=lambda: clock.now().timestamp(), settle=0.1
    )
    async with emu:
        yield emu


def text_of(messages: Sequence[ReceivedMessage]) -> str:
    return "\n".join(message.text for message in messages)


def titles(message: ReceivedMessage) -> list[str]:
    return message.buttons + [row.title for row in message.rows]


def shows(title: str, text: str) -> bool:
    """Whether a button titled `title` shows `text`: whole, or clipped with "…" (an emoji
    before the label counts for nothing)."""
    if text in title:
        return True
    clipped = title.removesuffix("…")
    label = clipped.split(" ", 1)[-1]
    return clipped != title and (text.startswith(clipped) or text.startswith(label))


def choice(messages: Sequence[ReceivedMessage], text: str) -> str:
    """The title of the newest button or list row that shows `text`."""
    for message in reversed(messages):
        for title in titles(message):
            if shows(title, text):
                return title
    offered = [titles(message) for message in messages]
    raise AssertionError(f"no choice like {text!r} in {offered}")


async def press(user: SimulatedUser, text: str, count: int | None = None) -> list[ReceivedMessage]:
    """Press the newest choice that shows `text`; returns the answer (`count` messages when
    it is known to take several: on a busy machine a pause between them may be longer than
    the emulator's settle time)."""
    await user.press(choice(user.received, text))
    return await user.replies(count=count)


async def onboard(user: SimulatedUser, locale: str, area: str = "Taagdreef") -> str:
    """Onboarding on WhatsApp: the language as a list (more than three), the buurt as a
    list, consent as reply buttons. Returns the welcome's text."""
    t = translator(locale)
    await user.send("Hallo")
    question = await user.replies()
    assert any(m.interactive_type == "list" for m in question), "six languages: a list"
    buurt = await press(user, LANGUAGE_NAMES[locale])
    assert t._("Which buurt do you live in?") in text_of(buurt)
    consent = await press(user, area)
    assert t._("Do you agree that Wijkbot stores this?") in text_of(consent)
    assert any(m.interactive_type == "button" for m in consent), "two answers: reply buttons"
    return text_of(await press(user, t._("I agree")))


async def person_of(app: App, wa_id: str) -> Person | None:
    async with app.sessions() as session:
        return await session.scalar(
            select(Person)
            .join(Identity, Identity.person_id == Person.id)
            .where(Identity.messenger == "whatsapp", Identity.external_id == wa_id)
        )


async def sweep(app: App, wake: Callable[[], None], name: str) -> int:
    """Run one sweep now, as the scheduler would, and wake the sender (`wake`)."""
    return await run_sweep(name, SWEEPS[name], app.sessions, app.clock, wake)


async def invite_payload(
    app: App, role: Role, organisation: str | None = None, hours: int = 1
) -> str:
    """A start payload that gives `role` in Overvecht (what an invite link carries)."""
    async with app.sessions.begin() as session:
        overvecht = await neighbourhoods.by_slug(session, "overvecht")
        assert overvecht is not None
        now = app.clock.now()
        org = await invites.organisation_named(session, organisation, now) if organisation else None
        _, payload = await invites.create(
            session,
            app.settings.signing_key(),
            role=role,
            neighbourhood_id=overvecht.id,
            organisation_id=org.id if org else None,
            now=now,
            ttl=timedelta(hours=hours),
        )
    return payload


async def invited(
    user: SimulatedUser, app: App, role: Role, locale: str = "en", organisation: str | None = None
) -> list[ReceivedMessage]:
    """Someone who opens an invite's wa.me link (it types "start <payload>") and onboards;
    returns the welcome (their main menu: two lists for a coordinator or a partner)."""
    t = translator(locale)
    await user.send(f"start {await invite_payload(app, role, organisation)}")
    await user.replies(count=2)  # the role, then the language question
    await press(user, LANGUAGE_NAMES[locale])
    await press(user, "Taagdreef")
    return await press(user, t._("I agree"), count=2)


async def received_one(user: SimulatedUser, text: str, within: float = 10.0) -> ReceivedMessage:
    """The message with `text` the person got, or gets `within` seconds: for what the sender
    pushes while answers come too, so it may arrive with an answer or after it."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        found = [message for message in user.received if text in message.text]
        if found:
            return found[-1]
        await user.replies(timeout=max(deadline - loop.time(), 0.01))
