"""Simultaneous requests: "works once" and capacity hold on SQLite and on PostgreSQL.

Each attempt runs in its own session (its own connection and transaction), all
started at the same moment with asyncio.gather, as the runtime runs updates of
different chats. Run with WIJKBOT_TEST_DATABASE_URL set for PostgreSQL.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TypeVar

from sqlalchemy import func, select

from bot.app import App
from bot.domain import actions, invites, waiting_list
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
    counted = Counter(final.values())
    # full (a place held for an offer counts), and never more than full
    assert counted[SignupStatus.JOINED] + counted[SignupStatus.OFFERED] == 2
    assert final[waiting.id] is SignupStatus.OFFERED  # the one who waited first is offered one
    assert all(final[person.id] is SignupStatus.LEFT for person in holders)
    assert [final[person.id] for person in newcomers].count(SignupStatus.WAITLISTED) >= 2


async def answer_attempt(
    app: App, action_id: int, person_id: int, take: bool
) -> waiting_list.Answer:
    async with app.sessions() as session:
        item, person = await session.get(Action, action_id), await session.get(Person, person_id)
        assert item is not None and person is not None
        answered, _ = await waiting_list.answer(session, item, person, take, app.clock.now())
        await session.commit()
    return answered


async def expiry_attempt(app: App) -> int:
    async with app.sessions() as session:
        offers = await waiting_list.expire(session, app.clock.now())
        await session.commit()
    return len(offers)


async def test_an_offered_place_taken_with_three_taps_while_others_join(app: App) -> None:
    """One place, offered to the first of two waiting; they tap yes three times at once while
    three newcomers join: the place is theirs once, and nobody joins past it."""
    item = await factories.action(app, app.clock.now().replace(day=20), capacity=1)
    holder, first, second = await residents(app, 9400, 3)
    newcomers = await residents(app, 9410, 3)
    assert await join_attempt(app, item.id, holder.id) is Joined.JOINED
    for person in (first, second):
        assert await join_attempt(app, item.id, person.id) is Joined.WAITLISTED
    left = await leave_attempt(app, item.id, holder.id)
    assert [offer.person_id for offer in left.offers] == [first.id]

    def take() -> Callable[[], Awaitable[object]]:
        return lambda: answer_attempt(app, item.id, first.id, True)

    def join(person_id: int) -> Callable[[], Awaitable[object]]:
        return lambda: join_attempt(app, item.id, person_id)

    outcomes = await at_once([take(), take(), take()] + [join(p.id) for p in newcomers])
    assert Counter(outcomes[:3]) == {waiting_list.Answer.TAKEN: 1, waiting_list.Answer.ALREADY: 2}
    assert set(outcomes[3:]) == {Joined.WAITLISTED}
    final = await statuses(app, item.id)
    assert Counter(final.values())[SignupStatus.JOINED] == 1 and final[first.id] is (
        SignupStatus.JOINED
    )
    assert final[second.id] is SignupStatus.WAITLISTED


async def test_offers_declined_taken_and_expiring_at_once_never_overbook(app: App) -> None:
    """Two places, offered to the first two of four waiting. At one moment the first declines,
    the second takes it, two newcomers join and the expiry sweep runs at the offers' end."""
    item = await factories.action(app, app.clock.now().replace(day=20), capacity=2)
    holders = await residents(app, 9500, 2)
    waiting = await residents(app, 9510, 4)
    newcomers = await residents(app, 9520, 2)
    for person in holders:
        assert await join_attempt(app, item.id, person.id) is Joined.JOINED
    for person in waiting:
        assert await join_attempt(app, item.id, person.id) is Joined.WAITLISTED
    await at_once([lambda p=person: leave_attempt(app, item.id, p.id) for person in holders])
    offered = await statuses(app, item.id)
    assert [offered[p.id] for p in waiting] == [SignupStatus.OFFERED] * 2 + [
        SignupStatus.WAITLISTED
    ] * 2

    attempts: list[Callable[[], Awaitable[object]]] = [
        lambda: answer_attempt(app, item.id, waiting[0].id, False),
        lambda: answer_attempt(app, item.id, waiting[1].id, True),
        lambda: expiry_attempt(app),
        *(lambda p=person: join_attempt(app, item.id, p.id) for person in newcomers),
    ]
    outcomes = await at_once(attempts)
    assert outcomes[:2] == [waiting_list.Answer.DECLINED, waiting_list.Answer.TAKEN]
    assert outcomes[2] == 0  # nothing has expired yet
    final = await statuses(app, item.id)
    counted = Counter(final.values())
    assert counted[SignupStatus.JOINED] + counted[SignupStatus.OFFERED] == 2
    assert final[waiting[1].id] is SignupStatus.JOINED
    assert final[waiting[2].id] is SignupStatus.OFFERED  # the declined place went on in order
    assert {final[p.id] for p in newcomers} == {SignupStatus.WAITLISTED}

    app.clock.advance(timedelta(hours=13))  # nobody answered the new offer in time
    outcomes = await at_once(
        [
            lambda: answer_attempt(app, item.id, waiting[2].id, True),  # too late
            lambda: expiry_attempt(app),
            lambda: expiry_attempt(app),
        ]
    )
    assert outcomes[0] is waiting_list.Answer.GONE and sorted(outcomes[1:]) == [0, 1]
    final = await statuses(app, item.id)
    assert final[waiting[2].id] is SignupStatus.LEFT
    assert final[waiting[3].id] is SignupStatus.OFFERED  # next in the queue
    counted = Counter(final.values())
    assert counted[SignupStatus.JOINED] + counted[SignupStatus.OFFERED] == 2
