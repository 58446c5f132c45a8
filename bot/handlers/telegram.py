"""Telegram's update format, read without any framework.

The intake stores an update in Telegram's JSON shape, so both runtimes read the
same stored rows with this one module: which update is a person's turn in a
conversation (a message or a pressed button), which is a change of membership
(blocking or unblocking the bot), which moves a linked group to its new chat id (an
upgrade to a supergroup), and which is none of Wijkbot's business.
The runtimes differ only in how they call the Bot API.

What is stored is cut down at the door (`essentials`): only what `read_update`
reads, still in Telegram's shape. A last name, a username, a shared phone
number, a forwarded message's origin, a group's chatter: none of it is written
down, and an update Wijkbot does not act on keeps no payload at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.chat.events import Event, Kind
from bot.config import SUPPORTED_LOCALES
from bot.domain.people import Contact
from bot.flows.registry import Registry
from bot.i18n import translator

# The update types Wijkbot asks Telegram for (getUpdates and setWebhook).
ALLOWED_UPDATES = ("message", "callback_query", "my_chat_member")
# Content a message can carry besides text, photo and location (all answered alike);
# the first one present names it, so an animation (which has a document too) is "animation".
_OTHER_CONTENT = (
    "animation", "audio", "document", "paid_media", "sticker", "story", "video",
    "video_note", "voice", "contact", "dice", "game", "poll", "venue",
)  # fmt: skip

# The service messages of a group that became a supergroup (kept only for Wijkbot's chats).
_MIGRATION = frozenset({"migrate_to_chat_id", "migrate_from_chat_id"})

Json = dict[str, Any]
MESSENGER = "telegram"


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


@dataclass(frozen=True, slots=True)
class ChatMembership:
    """The bot was added to a group or channel (`inside`), promoted there, or removed or
    left (`inside` False); `by` is who did it."""

    chat_id: int
    chat_type: str
    title: str
    by_external_id: str
    inside: bool


@dataclass(frozen=True, slots=True)
class ChatMigration:
    """A group became a supergroup, which has a new chat id. Telegram says so twice: in
    the old group (`migrate_to_chat_id`) and in the new supergroup (`migrate_from_chat_id`)."""

    old_chat_id: int
    new_chat_id: int


Reading = Turn | MembershipChange | ChatMembership | ChatMigration


def read_update(update: Json) -> Reading | None:
    """What an update means to Wijkbot; None for updates it does not act on."""
    if "message" in update:
        message = update["message"]
        chat_id = message["chat"]["id"]
        if "migrate_to_chat_id" in message:
            return ChatMigration(chat_id, int(message["migrate_to_chat_id"]))
        if "migrate_from_chat_id" in message:
            return ChatMigration(int(message["migrate_from_chat_id"]), chat_id)
        if message["chat"]["type"] != "private" or "from" not in message:
            return None  # groups and channels are not conversations (yet)
        chat_id = message["chat"]["id"]
        return Turn(contact_of(message["from"], chat_id), event_of(message), chat_id)
    if "callback_query" in update:
        query = update["callback_query"]
        if "message" not in query:
            return None  # a button of an inline-mode message: Wijkbot sends none
        if query["message"]["chat"]["type"] != "private":
            return None  # posts in groups carry no buttons; a pressed one speaks for nobody
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
        status = change["new_chat_member"]["status"]
        if change["chat"]["type"] != "private":
            return ChatMembership(
                chat_id=change["chat"]["id"],
                chat_type=change["chat"]["type"],
                title=change["chat"].get("title") or "",
                by_external_id=str(change["from"]["id"]),
                inside=status in ("member", "administrator"),
            )
        return MembershipChange(str(change["from"]["id"]), status not in ("kicked", "left"))
    return None


def chat_key(update: Json) -> str:
    """The chat an update belongs to; updates of one chat are processed in order."""
    for kind in ("message", "edited_message", "my_chat_member", "chat_member"):
        if kind in update:
            return f"chat:{update[kind]['chat']['id']}"
    if "callback_query" in update:
        return f"chat:{update['callback_query']['from']['id']}"
    return f"update:{update.get('update_id')}"


def essentials(update: Json) -> Json | None:
    """What `read_update` needs of an update, in Telegram's shape; None when it acts on nothing.

    A shared contact keeps only that it was a contact, not its phone number; a person
    keeps their id, first name and language, not their last name or username.
    """
    kept: Json = {"update_id": update["update_id"]}
    if "message" in update and _MIGRATION.intersection(update["message"]):
        message = update["message"]  # a group's upgrade: the two chat ids, nothing else
        kept["message"] = {"message_id": message.get("message_id"), "chat": _chat(message)}
        kept["message"].update({key: message[key] for key in _MIGRATION if key in message})
    elif "message" in update:
        kept["message"] = _message_essentials(update["message"])
    elif "callback_query" in update:
        query = update["callback_query"]
        press: Json = {"id": query["id"], "from": _person(query["from"])}
        if query.get("data"):
            press["data"] = query["data"]
        if "message" in query:
            origin = query["message"]
            press["message"] = {"message_id": origin["message_id"], "chat": _chat(origin)}
        kept["callback_query"] = press
    elif "my_chat_member" in update:
        change = update["my_chat_member"]
        chat = _chat(change)
        if change["chat"]["type"] != "private":  # a group's or channel's name, to show it
            chat["title"] = change["chat"].get("title") or ""
        kept["my_chat_member"] = {
            "chat": chat,
            "from": {"id": change["from"]["id"]},
            "new_chat_member": {"status": change["new_chat_member"]["status"]},
        }
    return kept if read_update(kept) is not None else None


def _chat(holder: Json) -> Json:
    return {"id": holder["chat"]["id"], "type": holder["chat"]["type"]}


def _person(user: Json) -> Json:
    kept = {"id": user["id"], "first_name": user.get("first_name", "")}
    if user.get("language_code"):
        kept["language_code"] = user["language_code"]
    return kept


def _message_essentials(message: Json) -> Json:
    kept: Json = {"message_id": message.get("message_id"), "chat": _chat(message)}
    if "from" in message:
        kept["from"] = _person(message["from"])
    if "text" in message:
        kept["text"] = message["text"]
        return kept
    if message.get("caption"):
        kept["caption"] = message["caption"]
    if message.get("photo"):
        kept["photo"] = [{"file_id": message["photo"][-1]["file_id"]}]
    elif "location" in message:
        where = message["location"]
        kept["location"] = {"latitude": where["latitude"], "longitude": where["longitude"]}
    else:  # only which kind it was: a contact's phone number or a document's name stays out
        other = next((kind for kind in _OTHER_CONTENT if kind in message), None)
        if other is not None:
            kept[other] = {}
    return kept


def contact_of(user: Json, chat_id: int) -> Contact:
    return Contact(
        messenger=MESSENGER,
        external_id=str(user["id"]),
        chat_id=chat_id,
        first_name=user["first_name"],
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


def command_menus(
    registry: Registry, default_locale: str
) -> list[tuple[str | None, list[tuple[str, str]]]]:
    """(language, [(command, description)]) for setMyCommands: one menu per language
    Wijkbot speaks, and a default (language None) for everyone else; the commands are
    those the registry lists."""
    menus: list[tuple[str | None, list[tuple[str, str]]]] = []
    for locale in (*SUPPORTED_LOCALES, None):
        t = translator(locale or default_locale)
        listed = [(command.name, t._(command.description or "")) for command in registry.listed]
        menus.append((locale, listed))
    return menus
