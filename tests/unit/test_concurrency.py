"""Simultaneous requests: "works once" and capacity hold on SQLite and on PostgreSQL.

Each attempt runs in its own session (its own connection and transaction), all
started at the same moment with asyncio.gather, as the runtime runs updates of
different chats. Run with WIJKBOT_TEST_DATABASE_URL set for PostgreSQL.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy import func, select

from bot.app import App
from bot.domain import actions, invites
from bot.domain.actions import Joined
from bot.domain.errors import InviteProblem, InviteRefused
from bot.domain.models import Action, Person, Role, RoleGrant, Signup, SignupStatus
from tests import factories
from tests.factories import KEY, new_invite

T = TypeVar("T")
AT_ONCE = 5


async def at_once(attempts: list[Callable[[], Awaitable[T]]]) -> list[T]:
    """Start every attempt at the same moment (none gets a head start)."""
    go = asyncio.Event()

    async def when_told(attempt: Callable[[], Awaitable[T]]) -> T:
        await go.wait()
        return await attempt()

    running = asyncio.gather(*(when_told(attempt) for attempt in attempts))
    await asyncio.sleep(0)
    go.set()
    return await running


async def residents(app: App, first_id: int, count: int = AT_ONCE) -> list[Person]:
    return [await factories.resident(app, first_id + n, first_name=f"P{n}") for n in range(count)]


async def test_five_people_open_one_admin_invite_and_one_becomes_admin(app: App) -> None:
    payload = await new_invite(app, Role.ADMIN)
    people = await residents(app, 9100)

    def redeem(person_id: int) -> Callable[[], Awaitable[str]]:
        async def attempt() -> str:
            async with app.sessions() as session:
                person = await session.get(Person, person_id)
                assert person is not None
                try:
                    await invites.redeem(session, KEY, payload, person, app.clock.now())
                except InviteRefused as refused:
                    await session.rollback()
                    return refused.problem.value
                await session.commit()
                return "granted"

        return attempt

    outcomes = Counter(await at_once([redeem(person.id) for person in people]))
    assert outcomes == {"granted": 1, InviteProblem.USED.value: AT_ONCE - 1}
    async with app.sessions() as session:
        admins = await session.scalar(
            select(func.count(RoleGrant.id)).where(RoleGrant.role == Role.ADMIN)
        )
    assert admins == 1


async def join_attempt(app: App, action_id: int, person_id: int) -> Joined:
    async with app.sessions() as session:
        item, person = await session.get(Action, action_id), await session.get(Person, person_id)
        assert item is not None and person is not None
        joined = await actions.join(session, item, person, app.clock.now())
        await session.commit()
    return joined


async def leave_attempt(app: App, action_id: int, person_id: int) -> actions.Left:
    async with app.sessions() as session:
        item, person = await session.get(Action, action_id), await session.get(Person, person_id)
        assert item is not None and person is not None
        left = await actions.leave(session, item, person, app.clock.now())
        await session.commit()
    return left


async def statuses(app: App, action_id: int) -> dict[int, SignupStatus]:
    async with app.sessions() as session:
        rows = await session.execute(
            select(Signup.person_id, Signup.status).where(Signup.action_id == action_id)
        )
        return {person_id: status for person_id, status in rows}


async def test_five_join_one_place_one_joins_four_wait(app: App) -> None:
    # Three such activities at once: more chances for a lost race to show.
    starts = app.clock.now().replace(day=20)
    items = [await factories.action(app, starts, title=f"A{n}", capacity=1) for n in range(3)]
    people = await residents(app, 9200)

    def join(action_id: int, person_id: int) -> Callable[[], Awaitable[Joined]]:
        return lambda: join_attempt(app, action_id, person_id)

    await at_once([join(item.id, person.id) for item in items for person in people])
    for item in items:
        assert Counter((await statuses(app, item.id)).values()) == {
            SignupStatus.JOINED: 1,
            SignupStatus.WAITLISTED: AT_ONCE - 1,
        }


async def test_leaving_while_others_join_keeps_capacity(app: App) -> None:
    """Two of two places are taken, one person waits; both leave while three more join."""
    item = await factories.action(app, app.clock.now().replace(day=20), capacity=2)
    holders = await residents(app, 9300, 2)
    waiting = (await residents(app, 9310, 1))[0]
    newcomers = await residents(app, 9320, 3)
    for person in holders:
        assert await join_attempt(app, item.id, person.id) is Joined.JOINED
    assert await join_attempt(app, item.id, waiting.id) is Joined.WAITLISTED

    def leave(person_id: int) -> Callable[[], Awaitable[object]]:
        return lambda: leave_attempt(app, item.id, person_id)

    def join(person_id: int) -> Callable[[], Awaitable[object]]:
        return lambda: join_attempt(app, item.id, person_id)

    await at_once(
        [leave(person.id) for person in holders] + [join(person.id) for person in newcomers]
    )
    final = await statuses(app, item.id)
    assert Counter(final.values())[SignupStatus.JOINED] == 2  # full, and never more than full
    assert final[waiting.id] is SignupStatus.JOINED  # the one who waited first got a place
    assert all(final[person.id] is SignupStatus.LEFT for person in holders)
    assert [final[person.id] for person in newcomers].count(SignupStatus.WAITLISTED) >= 2
