"""Telegram's update format, read without any framework.

The intake stores every update as Telegram's JSON, so both runtimes read the
same stored rows with this one module: which update is a person's turn in a
conversation (a message or a pressed button), which is a change of membership
(blocking or unblocking the bot), and which is none of Wijkbot's business.
The runtimes differ only in how they call the Bot API.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.config import SUPPORTED_LOCALES
from bot.domain.people import Contact
from bot.flows.commands import COMMANDS
from bot.flows.events import Event, Kind
from bot.handlers.intake import MESSENGER
from bot.i18n import translator

# The update types Wijkbot asks Telegram for (getUpdates and setWebhook).
ALLOWED_UPDATES = ("message", "callback_query", "my_chat_member")
# Content a message can carry besides text, photo and location (all answered alike);
# the first one present names it, so an animation (which has a document too) is "animation".
_OTHER_CONTENT = (
    "animation", "audio", "document", "paid_media", "sticker", "story", "video",
    "video_note", "voice", "contact", "dice", "game", "poll", "venue",
)  # fmt: skip

Json = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Turn:
    """A person's message or button press in a chat with the bot."""

    contact: Contact
    event: Event
    chat_id: int
    callback_id: str | None = None  # set for a pressed button: it must be answered
    message_id: int | None = None  # the message whose button was pressed (to edit)


@dataclass(frozen=True, slots=True)
class MembershipChange:
    """A person blocked the bot (`reachable` False) or unblocked it."""

    external_id: str
    reachable: bool


def read_update(update: Json) -> Turn | MembershipChange | None:
    """What an update means to Wijkbot; None for updates it does not act on."""
    if "message" in update:
        message = update["message"]
        if message["chat"]["type"] != "private" or "from" not in message:
            return None  # groups and channels are not conversations (yet)
        chat_id = message["chat"]["id"]
        return Turn(contact_of(message["from"], chat_id), event_of(message), chat_id)
    if "callback_query" in update:
        query = update["callback_query"]
        if "message" not in query:
            return None  # a button of an inline-mode message: Wijkbot sends none
        chat_id = query["message"]["chat"]["id"]
        return Turn(
            contact_of(query["from"], chat_id),
            Event.button(query.get("data") or ""),  # only a hint: the core checks it
            chat_id,
            callback_id=query["id"],
            message_id=query["message"]["message_id"],
        )
    if "my_chat_member" in update:
        change = update["my_chat_member"]
        if change["chat"]["type"] != "private":
            return None
        status = change["new_chat_member"]["status"]
        return MembershipChange(str(change["from"]["id"]), status not in ("kicked", "left"))
    return None


def contact_of(user: Json, chat_id: int) -> Contact:
    return Contact(
        messenger=MESSENGER,
        external_id=str(user["id"]),
        chat_id=chat_id,
        first_name=user["first_name"],
        username=user.get("username"),
        language_code=user.get("language_code"),
    )


def event_of(message: Json) -> Event:
    if "text" in message:
        return Event.from_text(message["text"])
    caption = message.get("caption") or ""
    if message.get("photo"):
        return Event(Kind.PHOTO, photo=message["photo"][-1]["file_id"], text=caption)
    if "location" in message:
        location = (message["location"]["latitude"], message["location"]["longitude"])
        return Event(Kind.LOCATION, location=location)
    other = next((kind for kind in _OTHER_CONTENT if kind in message), "unknown")
    return Event(Kind.OTHER, other=other, text=caption)


def command_menus(default_locale: str) -> list[tuple[str | None, list[tuple[str, str]]]]:
    """(language, [(command, description)]) for setMyCommands: one menu per language
    Wijkbot speaks, and a default (language None) for everyone else."""
    menus: list[tuple[str | None, list[tuple[str, str]]]] = []
    for locale in (*SUPPORTED_LOCALES, None):
        t = translator(locale or default_locale)
        menus.append((locale, [(name, t._(text)) for name, text in COMMANDS]))
    return menus
