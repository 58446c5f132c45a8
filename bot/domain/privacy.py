"""A person's data in their own hands: everything we keep, as a document; and forgetting.

Export (`/mydata`) follows `REFERENCES`: every column that points to a person
is either exported or named in `NOT_EXPORTED` with the reason, and a test
checks the models against both, so a new table cannot be missed.

Forgetting (`/forget`) leaves no trace of the person and keeps the
neighbourhood's work:

    places they held        -> given up first (and places offered to them), so they are
                               offered to the next on the waiting list
    supports                -> removed, supporter counts lowered
    proposals               -> drafts deleted; waiting or sent back: withdrawn, text cleared;
                               rejected: text cleared; approved work stays, without owner
    broadcast drafts        -> deleted; sent broadcasts stay, without author
    what they wrote for the -> stays (initiatives, updates, results, broadcasts,
    neighbourhood              commitments, activities, notes on goals), without
                               author and with their name, username and ids
                               replaced by "…"
    audit lines             -> kept; the actor becomes a pseudonym ("erased-1a2b3c4d",
                               random, the same on all their lines); lines about them
                               keep the fact and lose the identity
    stored updates          -> those of their chat lose content and chat; any other
                               that mentions them (a coordinator's button press on a
                               message with their name) loses the mention
    messages to others      -> about them ("person:<id>") deleted; mentions scrubbed
    person, identities,
    state, own messages,
    silence dates           -> deleted (cascading foreign keys)
"""

from __future__ import annotations

import json
import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import delete, inspect, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import actions, initiatives
from bot.domain.models import (
    Action,
    AuditEntry,
    Broadcast,
    BroadcastStatus,
    ChatLink,
    Commitment,
    ConversationState,
    Delivery,
    Goal,
    Identity,
    Initiative,
    InitiativeStatus,
    Invite,
    Person,
    ProgressUpdate,
    ReceivedUpdate,
    Result,
    RoleGrant,
    Signup,
    SignupStatus,
    Silence,
    Support,
    UpdateStatus,
)
from bot.domain.traces import Needles, clear_received_updates, scrub, scrub_json_rows

# (model, column pointing to people.id) -> section of the /mydata document
REFERENCES: dict[tuple[type[Any], str], str] = {
    (Identity, "person_id"): "identities",
    (RoleGrant, "person_id"): "roles",
    (RoleGrant, "granted_by_id"): "roles_granted_to_others",
    (ConversationState, "person_id"): "conversation",
    (Initiative, "owner_id"): "initiatives",
    (Support, "person_id"): "supports",
    (Signup, "person_id"): "signups",
    (ProgressUpdate, "author_id"): "progress_updates",
    (Result, "author_id"): "results",
    (Action, "created_by_id"): "activities_created",
    (Commitment, "created_by_id"): "commitments_created",
    (Goal, "updated_by_id"): "goals_counted",
    (Broadcast, "author_id"): "broadcasts",
    (Delivery, "person_id"): "messages",
    (Invite, "created_by_id"): "invites_created",
    (Invite, "used_by_id"): "invites_used",
    (AuditEntry, "actor_id"): "audit",
    (ChatLink, "added_by_id"): "groups_added_to",  # until confirmed; SET NULL when forgotten
    (Silence, "person_id"): "silence",
}
# Texts of the neighbourhood's work, by the column naming their author: kept, unsigned.
AUTHORED: dict[type[Any], tuple[str, tuple[str, ...]]] = {
    Initiative: ("owner_id", ("title", "description")),
    ProgressUpdate: ("author_id", ("text",)),
    Result: ("author_id", ("text",)),
    Broadcast: ("author_id", ("text", "texts_by_locale")),
    Commitment: ("created_by_id", ("what", "progress_note")),
    Action: ("created_by_id", ("title", "description", "place")),
    Goal: ("updated_by_id", ("note",)),
}
# Columns that point to a person and are deliberately not exported, with the reason.
NOT_EXPORTED: dict[tuple[str, str], str] = {}
# Initiatives that never became the neighbourhood's work: only the proposer's text.
UNDECIDED = (InitiativeStatus.SUBMITTED, InitiativeStatus.CHANGES_REQUESTED)
NEVER_PUBLIC = (*UNDECIDED, InitiativeStatus.REJECTED)


def _row(obj: Any) -> dict[str, Any]:
    values = {}
    for column in inspect(obj).mapper.column_attrs:
        value = getattr(obj, column.key)
        values[column.key] = value.isoformat() if hasattr(value, "isoformat") else value
    return values


async def _chat_keys(session: AsyncSession, person: Person) -> list[str]:
    """The intake's `chat_key` of each of the person's chats: "chat:<id>" on Telegram,
    "wa:<wa_id>" on WhatsApp (bot/handlers/whatsapp/reading.py)."""
    chats = await session.execute(
        select(Identity.messenger, Identity.chat_id).where(Identity.person_id == person.id)
    )
    return [
        f"wa:{chat_id}" if messenger == "whatsapp" else f"chat:{chat_id}"
        for messenger, chat_id in chats
    ]


async def export(session: AsyncSession, person: Person, now: datetime) -> bytes:
    """Everything Wijkbot stores about `person`, as readable JSON."""

    async def rows(model: Any, *where: Any) -> list[dict[str, Any]]:
        found = await session.scalars(select(model).where(*where))
        return [_row(item) for item in found]

    document: dict[str, Any] = {"exported_at": now.isoformat(), "person": _row(person)}
    for (model, column), section in REFERENCES.items():
        document.setdefault(section, [])
        document[section] += await rows(model, getattr(model, column) == person.id)
    document["audit_about_you"] = await rows(
        AuditEntry, AuditEntry.subject_type == "person", AuditEntry.subject_id == person.id
    )
    document["received_updates"] = await rows(
        ReceivedUpdate, ReceivedUpdate.chat_key.in_(await _chat_keys(session, person))
    )
    return json.dumps(document, ensure_ascii=False, indent=2, default=str).encode()


def pseudonym() -> str:
    """Random, so it cannot be derived from the person; one per erasure."""
    return f"erased-{secrets.token_hex(4)}"


async def _needles(session: AsyncSession, person: Person) -> tuple[Needles, Needles]:
    """Who they are (ids, name, usernames); and that plus the texts only they wrote."""
    identities = list(
        await session.scalars(select(Identity).where(Identity.person_id == person.id))
    )
    ids = {i.chat_id for i in identities}
    ids |= {int(i.external_id) for i in identities if i.external_id.isdigit()}
    words: list[str | None] = [person.first_name, *(i.username for i in identities)]
    words += [i.external_id for i in identities]
    texts = []
    for item in await session.scalars(
        select(Initiative).where(
            Initiative.owner_id == person.id,
            Initiative.status.in_([InitiativeStatus.DRAFT, *NEVER_PUBLIC]),
        )
    ):
        texts += [item.title, item.description]
    return Needles.of(ids, words), Needles.of(ids, words + texts)


async def _unsign(session: AsyncSession, person: Person, who: Needles) -> None:
    """What they wrote for the neighbourhood stays, without their name in it."""
    for model, (column, fields) in AUTHORED.items():
        for row in await session.scalars(select(model).where(getattr(model, column) == person.id)):
            for name in fields:
                value = getattr(row, name)
                cleaned = scrub(value, who)
                if cleaned != value:
                    setattr(row, name, cleaned)


async def _give_up_places(
    session: AsyncSession, person: Person, now: datetime
) -> list[actions.Offer]:
    offers: list[actions.Offer] = []
    signups = await session.scalars(
        select(Signup).where(Signup.person_id == person.id, Signup.status != SignupStatus.LEFT)
    )
    for signup in list(signups):
        action = await session.get(Action, signup.action_id)
        if action is None:
            continue
        offers += (await actions.leave(session, action, person, now)).offers
    return offers


async def _settle_initiatives(
    session: AsyncSession, person: Person, label: str, now: datetime
) -> None:
    owned = await session.scalars(select(Initiative).where(Initiative.owner_id == person.id))
    for item in list(owned):
        if item.status is InitiativeStatus.DRAFT:
            await session.delete(item)
            continue
        if item.status in NEVER_PUBLIC:
            item.title, item.description, item.help_wanted = "", "", {}
            item.photo_file_id = item.review_note = None
        if item.status in UNDECIDED:
            item.status, item.updated_at = InitiativeStatus.WITHDRAWN, now
            session.add(
                AuditEntry(
                    at=now,
                    action="initiative.withdrawn",
                    actor_label=label,
                    neighbourhood_id=item.neighbourhood_id,
                    subject_type="initiative",
                    subject_id=item.id,
                    details={"reason": "erasure"},
                )
            )
        item.owner_id = None
    await session.flush()


async def _pseudonymise_audit(session: AsyncSession, person: Person, label: str) -> None:
    await session.execute(
        update(AuditEntry)
        .where(AuditEntry.actor_id == person.id)
        .values(actor_id=None, actor_label=label)
    )
    about = await session.scalars(
        select(AuditEntry).where(
            AuditEntry.subject_type == "person", AuditEntry.subject_id == person.id
        )
    )
    for line in about:
        line.subject_id = None
        line.details = {**line.details, "subject": label}


async def forget(session: AsyncSession, person: Person, now: datetime) -> list[actions.Offer]:
    """Erase the person (see the module's docstring); returns the places they gave up, as
    offered to the next on the waiting lists."""
    label = pseudonym()
    who, needles = await _needles(session, person)
    chat_keys = await _chat_keys(session, person)
    offers = await _give_up_places(session, person, now)
    await _unsign(session, person, who)
    await initiatives.drop_supports_of(session, person.id)
    await _settle_initiatives(session, person, label, now)
    await _pseudonymise_audit(session, person, label)
    await session.execute(
        delete(Broadcast).where(
            Broadcast.author_id == person.id, Broadcast.status == BroadcastStatus.DRAFT
        )
    )
    await session.execute(
        update(ReceivedUpdate)
        .where(
            ReceivedUpdate.chat_key.in_(chat_keys),
            ReceivedUpdate.status != UpdateStatus.PENDING,
        )
        .values(payload=None, answer=None, error=None, chat_key="forgotten")
    )
    await session.execute(delete(Delivery).where(Delivery.subject == f"person:{person.id}"))
    # Anonymous but kept: what they built for the neighbourhood.
    await session.execute(
        update(Action).where(Action.created_by_id == person.id).values(created_by_id=None)
    )
    state = await session.get(ConversationState, person.id)
    if state is not None:
        await session.delete(state)
    await session.delete(person)
    await session.flush()
    # Last, so that their own rows are gone and only other people's are read.
    await clear_received_updates(session, needles)
    await scrub_json_rows(session, needles)
    await session.flush()
    return offers
