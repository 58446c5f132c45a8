"""WhatsApp's webhooks, read: a person's turns for the intake, statuses for the outbox.

    webhook body ──updates()──> an item per message ──essentials()──> stored ──read_update()──> Turn
        │                      {"update_id": message_key(wamid),        (intake)
        │                       "from", "name", "message"}
        └──────statuses()─────> Status(wamid, sent|delivered|read|failed, error)

One body may carry several messages (and several people): each becomes its own
stored update, keyed by `message_key` of its message id, so Meta's retries of a
webhook are stored once. What is kept (`essentials`) is what `read_update`
reads: the wa_id (which is the phone number: only in `identities`, shown to
nobody), the first word of the profile name, and the message's content; not
the rest of the profile, a shared contact's numbers or a document's name.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from bot.chat.events import Event, Kind
from bot.domain.people import Contact
from bot.handlers.telegram import Turn
from bot.handlers.whatsapp.keywords import event_of_text

MESSENGER = "whatsapp"
# Messages that are not a turn in a conversation: a reaction to one of ours, a changed
# number or a deleted message (Meta's "system" and "unsupported" with nothing to read).
_NOT_A_TURN = frozenset({"reaction", "system", "ephemeral", "request_welcome"})
_MAX_63 = (1 << 63) - 1
Json = dict[str, Any]


def message_key(wamid: str) -> int:
    """A WhatsApp message id as a positive 63-bit number: the intake's `update_id` of an
    incoming message, an outgoing one's `sent_message_id` (the first 8 bytes of BLAKE2b)."""
    digest = hashlib.blake2b(wamid.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") & _MAX_63


def chat_key(item: Json) -> str:
    """A person's updates are processed in order: their chat is their wa_id."""
    return f"wa:{item['from']}"


@dataclass(frozen=True, slots=True)
class Status:
    """WhatsApp's word on a message we sent; `error` keeps its code and title when failed."""

    message_id: str
    status: str  # sent, delivered, read or failed
    recipient: str
    error_code: int | None = None
    error_title: str = ""

    @property
    def error(self) -> str:
        return f"{self.error_code} {self.error_title}".strip() if self.error_code else ""


def _values(body: Json) -> Iterator[Json]:
    if body.get("object") != "whatsapp_business_account":
        return
    for entry in body.get("entry") or ():
        for change in entry.get("changes") or ():
            if change.get("field") == "messages" and isinstance(change.get("value"), dict):
                yield change["value"]


def updates(body: Json) -> list[Json]:
    """A webhook body's messages, one intake item each, in the order they came."""
    items = []
    for value in _values(body):
        names = {
            contact.get("wa_id"): (contact.get("profile") or {}).get("name") or ""
            for contact in value.get("contacts") or ()
        }
        for message in value.get("messages") or ():
            sender, wamid = str(message.get("from") or ""), message.get("id")
            if not (sender.isdigit() and wamid):
                continue  # not a person's message Wijkbot can answer
            items.append(
                {
                    "update_id": message_key(wamid),
                    "from": sender,
                    "name": names.get(sender, ""),
                    "message": message,
                }
            )
    return items


def statuses(body: Json) -> list[Status]:
    """A webhook body's statuses of messages Wijkbot sent."""
    found = []
    for value in _values(body):
        for status in value.get("statuses") or ():
            errors = status.get("errors") or [{}]
            code = errors[0].get("code")
            found.append(
                Status(
                    message_id=str(status.get("id") or ""),
                    status=str(status.get("status") or ""),
                    recipient=str(status.get("recipient_id") or ""),
                    error_code=int(code) if code is not None else None,
                    error_title=str(errors[0].get("title") or errors[0].get("message") or ""),
                )
            )
    return [status for status in found if status.message_id and status.status]


def essentials(item: Json) -> Json | None:
    """What `read_update` needs of an item; None when Wijkbot acts on nothing in it."""
    message = item["message"]
    kind = str(message.get("type") or "unknown")
    if kind in _NOT_A_TURN:
        return None
    kept: Json = {"type": kind}
    if kind == "text":
        kept["text"] = {"body": (message.get("text") or {}).get("body") or ""}
    elif kind == "interactive":
        reply = message.get("interactive") or {}
        answer = reply.get(reply.get("type") or "") or {}
        kept["interactive"] = {"type": reply.get("type"), "id": answer.get("id") or ""}
    elif kind == "button":
        kept["button"] = {"payload": (message.get("button") or {}).get("payload") or ""}
    elif kind == "image":
        image = message.get("image") or {}
        kept["image"] = {"id": image.get("id") or "", "caption": image.get("caption") or ""}
    elif kind == "location":
        where = message.get("location") or {}
        kept["location"] = {"latitude": where.get("latitude"), "longitude": where.get("longitude")}
    first_name = (item.get("name") or "").split(maxsplit=1)[:1]
    return {
        "update_id": item["update_id"],
        "from": item["from"],
        "name": first_name[0] if first_name else "",
        "message": kept,
    }


def read_update(kept: Json) -> Turn | None:
    """A stored item as a turn in the person's conversation."""
    wa_id = str(kept["from"])
    contact = Contact(
        messenger=MESSENGER, external_id=wa_id, chat_id=int(wa_id), first_name=kept["name"]
    )
    return Turn(contact, event_of(kept["message"]), contact.chat_id)


def event_of(message: Json) -> Event:
    kind = message["type"]
    if kind == "text":
        return event_of_text(message["text"]["body"])
    if kind == "interactive" and message["interactive"]["type"] in ("button_reply", "list_reply"):
        return Event.button(message["interactive"]["id"])  # only a hint: the core checks it
    if kind == "button":  # a template's quick reply
        return Event.button(message["button"]["payload"])
    if kind == "image" and message["image"]["id"]:
        image = message["image"]
        return Event(Kind.PHOTO, photo=image["id"], text=image["caption"])
    if kind == "location" and None not in message["location"].values():
        where = message["location"]
        return Event(Kind.LOCATION, location=(float(where["latitude"]), float(where["longitude"])))
    return Event(Kind.OTHER, other=kind)
