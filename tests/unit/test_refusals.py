"""A refusal changes nothing: forged buttons of every privileged flow, then /cancel.

A coordinator of another neighbourhood (Lansingerland) presses buttons carrying the
ids of Overvecht's proposal, broadcasts, commitment and initiative, is refused or
ignored, and then stops with /cancel. Overvecht's rows are exactly as they were:
before, the refused button's id stayed in the conversation state and /cancel
deleted Overvecht's broadcast draft.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from bot.app import App
from bot.chat.events import Event
from bot.domain.models import (
    Broadcast,
    BroadcastStatus,
    Commitment,
    InitiativeStatus,
    Organisation,
)
from tests.chat import REFUSED, Chat, person_with
from tests.factories import initiative, resident, snapshot


@dataclass
class Overvecht:
    """Work of Overvecht that a coordinator elsewhere must not reach."""

    proposal: int
    approved: int
    draft: int
    scheduled: int
    commitment: int


async def overvecht_work(app: App) -> Overvecht:
    now = app.clock.now()
    lead = await resident(app, 640, first_name="Fatma")
    proposal = await initiative(app, lead, "Buurtmoestuin", status=InitiativeStatus.SUBMITTED)
    approved = await initiative(app, lead, "Schoonmaakdag")
    async with app.sessions.begin() as session:
        draft = Broadcast(
            neighbourhood_id=lead.neighbourhood_id,
            author_id=lead.id,
            text="Concept: buurtfeest op zaterdag",
            audience={},
            created_at=now,
        )
        scheduled = Broadcast(
            neighbourhood_id=lead.neighbourhood_id,
            author_id=lead.id,
            text="Buurtfeest zaterdag",
            audience={},
            status=BroadcastStatus.SCHEDULED,
            scheduled_for=now + timedelta(days=2),
            created_at=now,
        )
        organisation = Organisation(name="Mitros", created_at=now)
        session.add_all([draft, scheduled, organisation])
        await session.flush()
        commitment = Commitment(
            neighbourhood_id=lead.neighbourhood_id,
            organisation_id=organisation.id,
            what="Twee extra bankjes op het plein",
            due_on=date(2026, 4, 1),
            created_at=now,
            updated_at=now,
        )
        session.add(commitment)
        await session.flush()
        return Overvecht(proposal.id, approved.id, draft.id, scheduled.id, commitment.id)


def version(chat: Chat) -> str:
    """The conversation version the latest buttons carry (a forger can read it)."""
    for answer in reversed(chat.answers):
        payloads = [b.payload for r in answer.replies for row in r.buttons for b in row]
        versioned = [p.split(":")[1] for p in payloads if p.count(":") >= 3]
        if versioned:
            return versioned[0]
    raise AssertionError("no step buttons yet")


async def forge(chat: Chat, code: str, action: str, arg: object) -> None:
    await chat.event(Event.button(f"{code}:{version(chat)}:{action}:{arg}"))


async def review(outsider: Chat, work: Overvecht) -> None:
    await outsider.send("/review")
    await forge(outsider, "r", "open", work.proposal)
    assert REFUSED in outsider.text
    await forge(outsider, "r", "approve", "")


async def broadcast(outsider: Chat, work: Overvecht) -> None:
    await outsider.send("/broadcast")
    await forge(outsider, "c", "cancel", work.scheduled)
    assert REFUSED in outsider.text
    await outsider.send("/broadcast")
    await forge(outsider, "c", "cancel", work.draft)
    assert REFUSED in outsider.text


async def results(outsider: Chat, work: Overvecht) -> None:
    await outsider.send("/result")
    await forge(outsider, "w", "pick", work.approved)
    assert "Which initiative is the result of?" in outsider.text  # not one of theirs


async def commitments(outsider: Chat, work: Overvecht) -> None:
    await outsider.send("/commitments")
    await forge(outsider, "k", "open", work.commitment)
    assert REFUSED in outsider.text
    await forge(outsider, "k", "status", "done")


async def statistics(outsider: Chat, work: Overvecht) -> None:
    await outsider.send("/stats")
    assert "Overvecht" not in outsider.text


async def invite(outsider: Chat, work: Overvecht) -> None:
    await outsider.send("/invite")
    await forge(outsider, "i", "role", "admin")
    await forge(outsider, "i", "role", "coordinator")


FORGERIES: dict[str, Callable[[Chat, Overvecht], Awaitable[None]]] = {
    forgery.__name__: forgery
    for forgery in (review, broadcast, results, commitments, statistics, invite)
}


@pytest.mark.parametrize("flow", FORGERIES)
async def test_forged_buttons_and_then_cancel_leave_another_neighbourhood_as_it_was(
    app: App, flow: str
) -> None:
    work = await overvecht_work(app)
    outsider = await person_with(app, "coordinator elsewhere", 700)
    before = await snapshot(app)
    await FORGERIES[flow](outsider, work)
    await outsider.send("/cancel")
    after = await snapshot(app)
    changed = {name for name in before if before[name] != after[name]}
    assert changed == set(), {name: after[name] for name in changed}
    async with app.sessions() as session:
        assert await session.get(Broadcast, work.draft) is not None
