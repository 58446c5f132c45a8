"""The neighbourhood's own group or channel, in the core: who may link and unlink one, the
posts through the outbox (once per key, only to a linked chat, nothing personal without a
yes), the sender's 20 a minute per group, 403 and leaving, a group's upgrade to a
supergroup, a post whose chat was unlinked after its claim; the end-to-end story through
both runtimes is in tests/e2e/test_neighbourhood_chat.py."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.app import App
from bot.chat.replies import Reply
from bot.clock import ManualClock
from bot.delivery import chat_posts
from bot.delivery import limits as limits_module
from bot.delivery.limits import SendingLimits
from bot.delivery.sender import Sender, SenderSettings
from bot.delivery.transport import Outcome, Result
from bot.domain import chat_links, privacy, roles
from bot.domain.errors import NotAllowed
from bot.domain.models import (
    ChatLink,
    ChatLinkStatus,
    Delivery,
    DeliveryStatus,
    Goal,
    InitiativeStatus,
    Neighbourhood,
    Person,
    ReceivedUpdate,
    RoleGrant,
)
from bot.handlers.telegram import ChatMigration, essentials, read_update
from bot.i18n import translator
from bot.jobs.sweeps import SWEEPS, goal_celebrations, unconfirmed_chats
from tests.chat import REFUSED, coordinator, person_with
from tests.factories import initiative, person_of, resident

FAST = SenderSettings(per_second=1000, private_per_second=1000, group_per_minute=20)
GROUP = -100123


class Recording:
    """A transport at the sender's boundary: records sends and leaves, answers as told."""

    def __init__(self, answer: Result = Result.SENT, leave: Result = Result.SENT) -> None:
        self.answer = answer
        self.leave_answer = leave
        self.sent: list[tuple[int, Reply]] = []
        self.left: list[int] = []

    async def deliver(self, chat_id: int, reply: Reply, *, paid: bool = False) -> Outcome:
        if self.answer is not Result.SENT:
            return Outcome(self.answer, error="Forbidden: bot was kicked from the group chat")
        self.sent.append((chat_id, reply))
        return Outcome(Result.SENT, message_id=len(self.sent))

    async def leave(self, chat_id: int) -> Outcome:
        if self.leave_answer is Result.SENT:
            self.left.append(chat_id)
        return Outcome(self.leave_answer)


def sender(app: App, transport: Recording) -> Sender:
    return Sender(app.sessions, app.clock, transport, FAST, app.settings.zone)


async def overvecht(app: App) -> int:
    async with app.sessions() as session:
        found = await session.scalar(
            select(Neighbourhood.id).where(Neighbourhood.slug == "overvecht")
        )
    assert found is not None
    return found


async def added(
    app: App, by: int, chat_id: int = GROUP, title: str = "Buurtgroep"
) -> ChatLink | None:
    async with app.sessions.begin() as session:
        return await chat_posts_added(session, app, by, chat_id, title)


async def chat_posts_added(
    session: Any, app: App, by: int, chat_id: int, title: str
) -> ChatLink | None:
    await chat_posts.bot_added(
        session, "telegram", chat_id, title, "supergroup", str(by), app.clock.now()
    )
    return await session.scalar(select(ChatLink).where(ChatLink.chat_id == chat_id))


async def all_links(app: App) -> list[ChatLink]:
    async with app.sessions() as session:
        return list(await session.scalars(select(ChatLink).order_by(ChatLink.id)))


async def linked(app: App, by: int = 900, chat_id: int = GROUP) -> ChatLink:
    """A chat added by coordinator `by` and confirmed for Overvecht."""
    link = await added(app, by, chat_id)
    assert link is not None
    person = await person_of(app, by)
    assert person is not None
    neighbourhood_id = await overvecht(app)
    async with app.sessions.begin() as session:
        confirmed = await chat_links.confirm(
            session, person.id, link.id, neighbourhood_id, app.clock.now()
        )
    return confirmed


async def test_a_coordinator_who_adds_the_bot_is_asked_and_anyone_else_is_left(app: App) -> None:
    fatima = await coordinator(app)
    link = await added(app, 900)
    assert link is not None and link.status is ChatLinkStatus.PENDING
    person = await person_of(app, 900)
    assert person is not None and link.added_by_id == person.id
    async with app.sessions() as session:
        request = await session.scalar(
            select(Delivery).where(
                Delivery.kind == chat_posts.REQUEST, Delivery.person_id == person.id
            )
        )
    assert request is not None and request.subject == f"chat:{link.id}"
    assert fatima is not None

    resident_chat = await person_with(app, "resident", 901)
    assert resident_chat is not None
    stranger = await added(app, 901, chat_id=-100124)
    unknown = await added(app, 99999, chat_id=-100125)
    assert stranger is not None and stranger.status is ChatLinkStatus.LEAVING
    assert unknown is not None and unknown.status is ChatLinkStatus.LEAVING
    assert stranger.added_by_id is None and unknown.added_by_id is None
    async with app.sessions() as session:
        requests = await session.scalar(
            select(func.count(Delivery.id)).where(Delivery.kind == chat_posts.REQUEST)
        )
    assert requests == 1

    # Promoted or renamed: only the title changes, nobody is asked again.
    again = await added(app, 900, title="Buurtgroep Taagdreef")
    assert again is not None and again.id == link.id and again.title == "Buurtgroep Taagdreef"
    assert again.status is ChatLinkStatus.PENDING


async def test_only_the_coordinator_who_added_it_confirms_and_only_for_their_neighbourhood(
    app: App,
) -> None:
    await coordinator(app, 900)
    await coordinator(app, 902)
    elsewhere = await person_with(app, "coordinator elsewhere", 903)
    assert elsewhere is not None
    link = await added(app, 900)
    assert link is not None
    overvecht_id = await overvecht(app)
    other = await person_of(app, 902)
    far = await person_of(app, 903)
    own = await person_of(app, 900)
    assert other is not None and far is not None and own is not None
    for person_id, neighbourhood_id in (
        (other.id, overvecht_id),  # a fellow coordinator, but not who added it
        (far.id, overvecht_id),  # not a coordinator of Overvecht
        (far.id, far.neighbourhood_id or 0),  # their own neighbourhood, but not their chat
        (own.id, far.neighbourhood_id or 0),  # their chat, but not their neighbourhood
    ):
        with pytest.raises(NotAllowed):
            async with app.sessions.begin() as session:
                await chat_links.confirm(
                    session, person_id, link.id, neighbourhood_id, app.clock.now()
                )
    assert [item.status for item in await all_links(app)] == [ChatLinkStatus.PENDING]

    first = await linked(app, 900)
    assert (first.status, first.neighbourhood_id, first.added_by_id) == (
        ChatLinkStatus.LINKED,
        overvecht_id,
        None,
    )
    # A second chat for the same neighbourhood: the first one is let go.
    second = await linked(app, 900, chat_id=-100999)
    statuses = {item.chat_id: item.status for item in await all_links(app)}
    assert statuses == {GROUP: ChatLinkStatus.LEAVING, -100999: ChatLinkStatus.LINKED}
    with pytest.raises(NotAllowed):  # a coordinator of another neighbourhood cannot unlink
        async with app.sessions.begin() as session:
            await chat_links.unlink(session, far.id, second.id, app.clock.now())
    async with app.sessions.begin() as session:
        await chat_links.unlink(session, other.id, second.id, app.clock.now())
    assert all(item.status is ChatLinkStatus.LEAVING for item in await all_links(app))


async def test_the_chat_menu_links_refuses_and_unlinks(app: App) -> None:
    fatima = await coordinator(app, 900)
    en = translator("en")
    await fatima.send("/group")
    assert en._("To link one, add Wijkbot to it as an administrator;")[:20] in fatima.text
    await added(app, 900, title="Buurt <Taagdreef>")
    await added(app, 900, chat_id=-100555, title="Verkeerd")
    await fatima.send("/group")
    assert "“Buurt &lt;Taagdreef&gt;” waits for your answer." in fatima.text
    await fatima.press("“Verkeerd” is not for Wijkbot")
    assert en._("Wijkbot leaves “{title}”.", title="Verkeerd") in fatima.text
    await fatima.press("“Buurt <Taagdreef>” for Overvecht")
    assert (
        "Linked: the news of the neighbourhood now goes to “Buurt &lt;Taagdreef&gt;”."
        in fatima.text
    )
    async with app.sessions() as session:
        welcome = await session.scalar(select(Delivery).where(Delivery.kind == "chat_welcome"))
    assert welcome is not None and welcome.person_id is None and welcome.chat_link_id is not None

    await fatima.send("/group")
    assert "✅ Overvecht: “Buurt &lt;Taagdreef&gt;”" in fatima.text
    await fatima.press("Unlink")
    assert "Unlink “Buurt &lt;Taagdreef&gt;”?" in fatima.text
    await fatima.press("Yes, unlink")
    assert "Unlinked: Wijkbot leaves “Buurt &lt;Taagdreef&gt;”." in fatima.text
    assert {item.status for item in await all_links(app)} == {ChatLinkStatus.LEAVING}


async def test_a_resident_cannot_open_the_chat_menu_or_link(app: App) -> None:
    ann = await person_with(app, "resident", 901)
    await ann.send("/group")
    assert REFUSED in ann.text or "only coordinators" in ann.text
    await coordinator(app, 900)
    link = await added(app, 900)
    assert link is not None
    resident_person = await person_of(app, 901)
    assert resident_person is not None
    neighbourhood_id = await overvecht(app)
    with pytest.raises(NotAllowed):  # whatever button data a resident sends
        async with app.sessions.begin() as session:
            await chat_links.confirm(
                session, resident_person.id, link.id, neighbourhood_id, app.clock.now()
            )


async def test_unconfirmed_chats_and_chats_of_people_without_a_role_are_left(
    app: App, clock: ManualClock
) -> None:
    await coordinator(app, 900)
    await coordinator(app, 902)
    await added(app, 900)
    await added(app, 902, chat_id=-100777)
    fresh = await added(app, 900, chat_id=-100778)
    assert fresh is not None
    person = await person_of(app, 902)
    assert person is not None
    neighbourhood_id = await overvecht(app)
    async with app.sessions.begin() as session:
        assert await chat_links.expire(session, clock.now()) == 0
        grant = await session.scalar(
            select(RoleGrant).where(
                RoleGrant.person_id == person.id, RoleGrant.neighbourhood_id == neighbourhood_id
            )
        )
        assert grant is not None
        await roles.revoke(session, grant, now=clock.now())
    async with app.sessions.begin() as session:
        assert await chat_links.expire(session, clock.now()) == 1  # 902 lost the role
    clock.advance(chat_links.PENDING_FOR + timedelta(minutes=1))
    async with app.sessions.begin() as session:
        assert await chat_links.expire(session, clock.now()) == 2
    assert {item.status for item in await all_links(app)} == {ChatLinkStatus.LEAVING}


async def test_posts_go_only_to_a_linked_chat_once_in_its_language_and_without_names(
    app: App,
) -> None:
    await coordinator(app, 900)
    owner = await resident(app, 905, first_name="Yusuf", locale="en")
    item = await initiative(app, owner, "Moestuin <Zamenhof>", status=InitiativeStatus.APPROVED)
    neighbourhood_id = await overvecht(app)
    subject = f"initiative:{item.id}"
    async with app.sessions.begin() as session:  # no chat linked: nothing
        assert (
            await chat_posts.post(
                session, neighbourhood_id, "chat_initiative", subject, "", app.clock.now()
            )
            == 0
        )
    await linked(app, 900)
    for expected in (1, 0):  # once per key
        async with app.sessions.begin() as session:
            assert (
                await chat_posts.post(
                    session, neighbourhood_id, "chat_initiative", subject, "", app.clock.now()
                )
                == expected
            )
    transport = Recording()
    await sender(app, transport).send_due()
    [(chat_id, post)] = [sent for sent in transport.sent if sent[0] < 0]
    nl = translator("nl")
    assert chat_id == GROUP
    assert nl._("A new initiative: “{title}”", title="Moestuin <Zamenhof>") in post.text
    assert "Yusuf" not in post.text and post.buttons == ()

    # With Yusuf's yes to the public page, his first name is shown.
    async with app.sessions.begin() as session:
        yusuf = await session.get(Person, owner.id)
        assert yusuf is not None
        yusuf.public_name = True
        await chat_posts.post(
            session, neighbourhood_id, "chat_initiative", subject, "again", app.clock.now()
        )
    await sender(app, transport).send_due()
    assert "Yusuf" in transport.sent[-1][1].text


async def test_twenty_a_minute_per_group_then_the_rest_waits(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    moments = iter(float(n) * 0.01 for n in range(10_000))
    monkeypatch.setattr(limits_module.time, "monotonic", lambda: next(moments))
    await coordinator(app, 900)
    await linked(app, 900)
    neighbourhood_id = await overvecht(app)
    async with app.sessions.begin() as session:
        for n in range(24):
            await chat_posts.post(
                session,
                neighbourhood_id,
                "chat_welcome",
                f"neighbourhood:{neighbourhood_id}",
                str(n),
                app.clock.now(),
            )
    transport = Recording()
    await sender(app, transport).send_due()
    to_group = [sent for sent in transport.sent if sent[0] == GROUP]
    assert len(to_group) == 20
    async with app.sessions() as session:
        waiting = await session.scalar(
            select(func.count(Delivery.id)).where(
                Delivery.chat_link_id.is_not(None),
                Delivery.status == DeliveryStatus.PENDING,
                Delivery.next_attempt_at > app.clock.now(),
            )
        )
    assert waiting == 4  # over the minute: they wait for their turn, the others went


def test_the_group_minute_is_a_sliding_window(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1000.0]
    monkeypatch.setattr(limits_module.time, "monotonic", lambda: now[0])
    limits = SendingLimits(1, 20)
    assert [limits.group_turn(-1) for _ in range(20)] == [0.0] * 20
    assert limits.group_turn(-1) == pytest.approx(60.0)
    assert limits.group_turn(-2) == 0.0  # another group has its own minute
    now[0] += 59.5
    assert limits.group_turn(-1) == pytest.approx(0.5)
    now[0] += 0.5
    assert limits.group_turn(-1) == 0.0


async def test_403_in_the_group_ends_the_link_and_its_waiting_posts(app: App) -> None:
    await coordinator(app, 900)
    link = await linked(app, 900)
    neighbourhood_id = await overvecht(app)
    async with app.sessions.begin() as session:
        for period in ("1", "2"):
            subject = f"neighbourhood:{neighbourhood_id}"
            await chat_posts.post(
                session, neighbourhood_id, "chat_welcome", subject, period, app.clock.now()
            )
    transport = Recording(answer=Result.UNREACHABLE)
    await sender(app, transport).send_due()
    assert await all_links(app) == []
    async with app.sessions() as session:
        posts = await session.scalar(
            select(func.count(Delivery.id)).where(Delivery.chat_link_id == link.id)
        )
    assert posts == 0


async def test_the_sender_leaves_chats_to_leave_and_tries_again_after_a_network_error(
    app: App,
) -> None:
    await coordinator(app, 900)
    link = await linked(app, 900)
    person = await person_of(app, 900)
    assert person is not None
    async with app.sessions.begin() as session:
        await chat_links.unlink(session, person.id, link.id, app.clock.now())
    flaky = Recording(leave=Result.TRANSIENT)
    assert await sender(app, flaky).leave_chats() == 0
    assert len(await all_links(app)) == 1
    transport = Recording()
    assert await sender(app, transport).leave_chats() == 1
    assert transport.left == [GROUP] and await all_links(app) == []


async def test_removed_from_the_group_the_link_goes(app: App) -> None:
    await coordinator(app, 900)
    link = await linked(app, 900)
    async with app.sessions.begin() as session:
        assert await chat_links.removed(session, GROUP)
        assert not await chat_links.removed(session, GROUP)
    async with app.sessions() as session:
        posts = await session.scalar(
            select(func.count(Delivery.id)).where(Delivery.chat_link_id == link.id)
        )
    assert posts == 0 and await all_links(app) == []


async def test_forgetting_the_coordinator_who_added_a_chat(app: App) -> None:
    fatima = await coordinator(app, 900)
    await added(app, 900)
    person = await person_of(app, 900)
    assert person is not None
    async with app.sessions() as session:
        exported = json.loads(await privacy.export(session, person, app.clock.now()))
    assert "Buurtgroep" in json.dumps(exported["groups_added_to"])  # /mydata shows it
    await fatima.send("/forget")
    await fatima.press("Yes, forget me")
    [link] = await all_links(app)
    assert link.added_by_id is None
    async with app.sessions.begin() as session:
        assert await chat_links.expire(session, app.clock.now()) == 1


async def test_a_goal_passing_a_threshold_is_posted_once_and_the_sweeps_know_the_chats(
    app: App,
) -> None:
    await coordinator(app, 900)
    link = await linked(app, 900)
    async with app.sessions.begin() as session:
        goal = await session.scalar(
            select(Goal).where(Goal.slug == "living-together-meeting-places")
        )
        assert goal is not None
        goal.counted = 5  # 3 of 8 in the example: past 50 %
    for _ in range(2):
        async with app.sessions.begin() as session:
            await goal_celebrations(session, app.clock.now())
    async with app.sessions() as session:
        posts = list(
            await session.scalars(select(Delivery).where(Delivery.chat_link_id == link.id))
        )
    assert [(post.kind, post.period, post.person_id) for post in posts] == [
        ("chat_goal", "50", None)
    ]
    transport = Recording()
    await sender(app, transport).send_due()
    [(_, post)] = [sent for sent in transport.sent if sent[0] == GROUP]
    nl = translator("nl")
    assert (
        nl._(
            "{neighbourhood} is {percent} of the way to a goal!",
            neighbourhood="Overvecht",
            percent="50%",
        )
        in post.text
    )
    assert post.buttons == ()  # the residents' celebration has a menu button; the group's not
    assert SWEEPS["unconfirmed_chats"] is unconfirmed_chats


SUPERGROUP = -1000000100123


class Upgraded(Recording):
    """Telegram after the group became a supergroup: a send to the old id gets the 400 with
    the new id (ResponseParameters.migrate_to_chat_id), as does leaving it."""

    async def deliver(self, chat_id: int, reply: Reply, *, paid: bool = False) -> Outcome:
        if chat_id == GROUP:
            return Outcome(Result.REJECTED, error=UPGRADED, migrated_to=SUPERGROUP)
        return await super().deliver(chat_id, reply, paid=paid)

    async def leave(self, chat_id: int) -> Outcome:
        if chat_id == GROUP:
            return Outcome(Result.REJECTED, error=UPGRADED, migrated_to=SUPERGROUP)
        return await super().leave(chat_id)


UPGRADED = "Bad Request: group chat was upgraded to a supergroup chat"


def service(update_id: int, chat: dict[str, Any], **field: int) -> dict[str, Any]:
    """The service message Telegram sends when a group becomes a supergroup."""
    person = {"id": 900, "is_bot": False, "first_name": "Fatima", "username": "fatima"}
    message = {"message_id": 7, "date": 0, "chat": chat, "from": person, **field}
    return {"update_id": update_id, "message": message}


def test_the_upgrade_to_a_supergroup_is_read_from_both_service_messages() -> None:
    old_chat = {"id": GROUP, "type": "group", "title": "Buurtgroep"}
    new_chat = {"id": SUPERGROUP, "type": "supergroup", "title": "Buurtgroep"}
    for update in (
        service(1, old_chat, migrate_to_chat_id=SUPERGROUP),
        service(2, new_chat, migrate_from_chat_id=GROUP),
    ):
        expected = ChatMigration(GROUP, SUPERGROUP)
        assert read_update(update) == expected
        kept = essentials(update)
        assert kept is not None and read_update(kept) == expected
        assert "from" not in kept["message"] and "title" not in kept["message"]["chat"]


async def test_only_the_upgrades_of_linked_or_pending_chats_are_kept(app: App) -> None:
    await coordinator(app, 900)
    await linked(app, 900)
    await added(app, 900, chat_id=-200, title="Nog niet bevestigd")
    group = {"id": GROUP, "type": "group", "title": "Buurtgroep"}
    pending = {"id": -200, "type": "group", "title": "Nog niet bevestigd"}
    stranger = {"id": -300, "type": "group", "title": "Andere groep"}
    updates = [
        service(101, group, migrate_to_chat_id=SUPERGROUP),
        service(102, {**group, "id": SUPERGROUP, "type": "supergroup"}, migrate_from_chat_id=GROUP),
        service(103, pending, migrate_to_chat_id=-1000000000200),
        service(104, stranger, migrate_to_chat_id=-1000000000300),
        service(105, {**stranger, "id": -1000000000300}, migrate_from_chat_id=-300),
    ]
    await app.intake.record(updates)
    async with app.sessions() as session:
        kept = await session.scalars(
            select(ReceivedUpdate.update_id).where(ReceivedUpdate.payload.is_not(None))
        )
        stored = await session.scalar(select(func.count(ReceivedUpdate.id)))
    assert sorted(kept) == [101, 102, 103] and stored == 3  # the stranger's: not at all


async def test_an_upgraded_group_keeps_its_link_under_the_new_id_once(app: App) -> None:
    await coordinator(app, 900)
    link = await linked(app, 900)
    await added(app, 900, chat_id=SUPERGROUP)  # the new chat seen first (a stray row)
    async with app.sessions.begin() as session:
        assert await chat_links.migrated(session, GROUP, SUPERGROUP)
    async with app.sessions.begin() as session:  # told twice: nothing more to move
        assert not await chat_links.migrated(session, GROUP, SUPERGROUP)
    [moved] = await all_links(app)
    assert (moved.id, moved.chat_id, moved.chat_type, moved.status) == (
        link.id,
        SUPERGROUP,
        "supergroup",
        ChatLinkStatus.LINKED,
    )


async def test_a_post_to_an_upgraded_group_moves_the_link_and_goes_to_the_supergroup(
    app: App,
) -> None:
    await coordinator(app, 900)
    link = await linked(app, 900)
    neighbourhood_id = await overvecht(app)
    async with app.sessions.begin() as session:
        subject = f"neighbourhood:{neighbourhood_id}"
        await chat_posts.post(
            session, neighbourhood_id, "chat_welcome", subject, "", app.clock.now()
        )
    transport = Upgraded()
    await sender(app, transport).send_due()
    assert [chat_id for chat_id, _ in transport.sent if chat_id < 0] == [SUPERGROUP]
    [moved] = await all_links(app)
    assert (moved.id, moved.chat_id) == (link.id, SUPERGROUP)
    async with app.sessions() as session:
        post = await session.scalar(select(Delivery).where(Delivery.chat_link_id == link.id))
    assert post is not None and post.status is DeliveryStatus.SENT and post.attempts == 1

    # Unlinked later: the bot leaves the supergroup, not the old group.
    person = await person_of(app, 900)
    assert person is not None
    async with app.sessions.begin() as session:
        moved_back = await session.get(ChatLink, link.id)
        assert moved_back is not None
        moved_back.chat_id = GROUP  # as if the upgrade was not known yet
        await chat_links.unlink(session, person.id, link.id, app.clock.now())
    assert await sender(app, transport).leave_chats() == 1
    assert transport.left == [SUPERGROUP] and await all_links(app) == []


async def test_a_post_claimed_before_its_chat_was_unlinked_is_skipped(app: App) -> None:
    await coordinator(app, 900)
    link = await linked(app, 900)
    person = await person_of(app, 900)
    assert person is not None
    neighbourhood_id = await overvecht(app)
    async with app.sessions.begin() as session:
        subject = f"neighbourhood:{neighbourhood_id}"
        await chat_posts.post(
            session, neighbourhood_id, "chat_welcome", subject, "", app.clock.now()
        )
    transport = Recording()
    posting = sender(app, transport)
    waiting = posting.paces[False].wait_turn

    async def unlinked_meanwhile(*args: Any) -> float:
        """The coordinator unlinks the chat while the claimed post waits for its turn."""
        async with app.sessions.begin() as session:
            found = await session.get(ChatLink, link.id)
            if found is not None and found.status is ChatLinkStatus.LINKED:
                await chat_links.unlink(session, person.id, link.id, app.clock.now())
        return await waiting(*args)

    posting.paces[False].wait_turn = unlinked_meanwhile  # type: ignore[method-assign]
    await posting.send_due()
    assert [chat_id for chat_id, _ in transport.sent if chat_id < 0] == []
    async with app.sessions() as session:
        post = await session.scalar(select(Delivery).where(Delivery.chat_link_id == link.id))
    assert post is not None
    assert (post.status, post.last_error) == (DeliveryStatus.SKIPPED, "chat unlinked")
