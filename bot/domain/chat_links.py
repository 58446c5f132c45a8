"""The neighbourhood's own group or channel: who may link one, and what happens to it.

    bot added by a coordinator ──> pending ──confirmed by that coordinator──> linked
         │                            │ refused / not confirmed in PENDING_FOR     │ unlinked
         └─ by anyone else ──> leaving <────────────────────────────────────────────┘
                                  └──> the sender leaves the chat, the row goes
    bot removed from the chat, or a post gets 403 ──> the row goes (and its posts with it)
    group upgraded to a supergroup (new chat id) ──> the row moves to the new id, status kept

Only a coordinator (or admin) of a neighbourhood links a chat to it, and only a chat
they added the bot to themselves: the person who can add the bot is an admin of that
chat, and the confirmation in their private chat says which neighbourhood it is. A
neighbourhood has one linked chat; linking another one lets the first go.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import audit, roles
from bot.domain.errors import NotAllowed
from bot.domain.models import ChatLink, ChatLinkStatus, Identity, RoleGrant
from bot.domain.roles import PERMISSIONS, Permission

PENDING_FOR = timedelta(days=2)  # a chat nobody confirmed is left after this
SHOWN = 5  # pending chats listed for one person at a time
TITLE_LIMIT = 128


async def can_link_somewhere(session: AsyncSession, person_id: int) -> bool:
    return any(
        Permission.LINK_CHAT in PERMISSIONS[grant.role]
        for grant in await roles.grants_of(session, person_id)
    )


async def added(
    session: AsyncSession,
    messenger: str,
    chat_id: int,
    title: str,
    chat_type: str,
    by_external_id: str,
    now: datetime,
) -> ChatLink | None:
    """The bot was added to a group or channel (or promoted there). A new pending link
    when a coordinator added it, returned so that they are asked; otherwise a link to
    leave. A chat known already only gets its new title (None: nobody is asked again)."""
    title = title[:TITLE_LIMIT] or "?"
    known = await session.scalar(select(ChatLink).where(ChatLink.chat_id == chat_id))
    if known is not None:
        known.title = title
        return None
    person_id = await session.scalar(
        select(Identity.person_id).where(
            Identity.messenger == messenger, Identity.external_id == by_external_id
        )
    )
    coordinator = person_id is not None and await can_link_somewhere(session, person_id)
    link = ChatLink(
        messenger=messenger,
        chat_id=chat_id,
        title=title,
        chat_type=chat_type,
        added_by_id=person_id if coordinator else None,
        status=ChatLinkStatus.PENDING if coordinator else ChatLinkStatus.LEAVING,
        created_at=now,
    )
    session.add(link)
    await session.flush()
    return link if coordinator else None


async def removed(session: AsyncSession, chat_id: int) -> bool:
    """The bot is no longer in the chat (removed, or it left): the link and its posts go."""
    result = await session.execute(delete(ChatLink).where(ChatLink.chat_id == chat_id))
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def migrated(session: AsyncSession, old_chat_id: int, new_chat_id: int) -> bool:
    """A group became a supergroup, which has a new chat id: its link (and so its posts)
    moves there. Said twice (the service messages in both chats, a send answered with the
    new id) it moves once; a row the new chat got meanwhile is the same chat, and goes."""
    link = await session.scalar(select(ChatLink).where(ChatLink.chat_id == old_chat_id))
    if link is None:
        return False
    await session.execute(delete(ChatLink).where(ChatLink.chat_id == new_chat_id))
    link.chat_id = new_chat_id
    link.chat_type = "supergroup"
    await session.flush()
    return True


async def followed(session: AsyncSession, chat_ids: set[int]) -> set[int]:
    """The chats among `chat_ids` that are linked or wait for a confirmation: the only
    groups whose service messages (an upgrade to a supergroup) Wijkbot keeps."""
    if not chat_ids:
        return set()
    rows = await session.scalars(
        select(ChatLink.chat_id).where(
            ChatLink.chat_id.in_(chat_ids),
            ChatLink.status.in_((ChatLinkStatus.LINKED, ChatLinkStatus.PENDING)),
        )
    )
    return set(rows)


async def gone(session: AsyncSession, link_id: int) -> None:
    await session.execute(delete(ChatLink).where(ChatLink.id == link_id))


async def pending_for(session: AsyncSession, person_id: int) -> list[ChatLink]:
    """Chats this person added the bot to that wait for their answer, oldest first."""
    rows = await session.scalars(
        select(ChatLink)
        .where(ChatLink.added_by_id == person_id, ChatLink.status == ChatLinkStatus.PENDING)
        .order_by(ChatLink.id)
        .limit(SHOWN)
    )
    return list(rows)


async def linked(session: AsyncSession, neighbourhood_ids: list[int]) -> list[ChatLink]:
    rows = await session.scalars(
        select(ChatLink)
        .where(
            ChatLink.neighbourhood_id.in_(neighbourhood_ids),
            ChatLink.status == ChatLinkStatus.LINKED,
        )
        .order_by(ChatLink.neighbourhood_id)
    )
    return list(rows)


async def linked_chat(session: AsyncSession, neighbourhood_id: int) -> ChatLink | None:
    found = await linked(session, [neighbourhood_id])
    return found[0] if found else None


async def _pending_of(session: AsyncSession, person_id: int, link_id: int) -> ChatLink:
    link = await session.get(ChatLink, link_id)
    if link is None or link.status is not ChatLinkStatus.PENDING or link.added_by_id != person_id:
        raise NotAllowed(Permission.LINK_CHAT.value, None)
    return link


async def confirm(
    session: AsyncSession, person_id: int, link_id: int, neighbourhood_id: int, now: datetime
) -> ChatLink:
    """The coordinator who added the bot says which neighbourhood the chat is for."""
    await roles.require(session, person_id, Permission.LINK_CHAT, neighbourhood_id)
    link = await _pending_of(session, person_id, link_id)
    await session.execute(  # one chat per neighbourhood: an earlier one is let go
        update(ChatLink)
        .where(
            ChatLink.neighbourhood_id == neighbourhood_id,
            ChatLink.status == ChatLinkStatus.LINKED,
        )
        .values(status=ChatLinkStatus.LEAVING)
        .execution_options(synchronize_session=False)
    )
    link.status = ChatLinkStatus.LINKED
    link.neighbourhood_id = neighbourhood_id
    link.linked_at = now
    link.added_by_id = None  # not needed any more
    audit.record(
        session,
        now,
        "chat.linked",
        actor_id=person_id,
        neighbourhood_id=neighbourhood_id,
        subject=("chat_link", link.id),
    )
    return link


async def refuse(session: AsyncSession, person_id: int, link_id: int) -> ChatLink:
    """The coordinator says the chat is not for Wijkbot: the bot leaves it."""
    link = await _pending_of(session, person_id, link_id)
    link.status = ChatLinkStatus.LEAVING
    link.added_by_id = None
    return link


async def unlink(session: AsyncSession, person_id: int, link_id: int, now: datetime) -> ChatLink:
    """A coordinator of its neighbourhood unlinks the chat: the bot leaves it."""
    link = await session.get(ChatLink, link_id)
    if link is None or link.status is not ChatLinkStatus.LINKED or link.neighbourhood_id is None:
        raise NotAllowed(Permission.LINK_CHAT.value, None)
    await roles.require(session, person_id, Permission.LINK_CHAT, link.neighbourhood_id)
    link.status = ChatLinkStatus.LEAVING
    audit.record(
        session,
        now,
        "chat.unlinked",
        actor_id=person_id,
        neighbourhood_id=link.neighbourhood_id,
        subject=("chat_link", link.id),
    )
    return link


async def expire(session: AsyncSession, now: datetime) -> int:
    """Chats nobody confirmed within PENDING_FOR are left; and so are the chats of a person
    who lost every role that could confirm them."""
    stale = await session.execute(
        update(ChatLink)
        .where(
            ChatLink.status == ChatLinkStatus.PENDING,
            (ChatLink.created_at < now - PENDING_FOR)
            | ChatLink.added_by_id.is_(None)
            | ~select(RoleGrant.id).where(RoleGrant.person_id == ChatLink.added_by_id).exists(),
        )
        .values(status=ChatLinkStatus.LEAVING, added_by_id=None)
        .execution_options(synchronize_session=False)
    )
    return int(stale.rowcount or 0)  # type: ignore[attr-defined]


async def to_leave(session: AsyncSession, limit: int = 20) -> list[tuple[int, int]]:
    """(link id, chat id) of the chats the bot is to leave."""
    rows = await session.execute(
        select(ChatLink.id, ChatLink.chat_id)
        .where(ChatLink.status == ChatLinkStatus.LEAVING)
        .order_by(ChatLink.id)
        .limit(limit)
    )
    return [(link_id, chat_id) for link_id, chat_id in rows]
