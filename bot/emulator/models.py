"""The emulator's state: people, chats, the messages the bot sent, and the call log."""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field
from typing import Any

from .markup import button_texts
from .media import StoredFile

__all__ = [
    "ApiCall",
    "CallbackAnswer",
    "CallbackQueryRecord",
    "ChatState",
    "SentMessage",
    "UserProfile",
]


@dataclass(frozen=True)
class ApiCall:
    """One Bot API request as the emulator saw and answered it.

    `at` is `time.monotonic()` when the answer was decided, handy for measuring send rates.
    `source` is "http" for requests, "webhook" for a method returned in a webhook response
    and "direct" for `BotAPIEmulator.invoke`.
    """

    method: str
    params: dict[str, Any]
    ok: bool
    error_code: int | None
    description: str | None
    at: float
    result: Any = None
    source: str = "http"


@dataclass(frozen=True)
class CallbackAnswer:
    """What the bot answered to a button press (answerCallbackQuery)."""

    query_id: str
    text: str | None
    show_alert: bool
    url: str | None
    cache_time: int


@dataclass
class CallbackQueryRecord:
    id: str
    user_id: int
    chat_id: int
    message_id: int
    data: str
    created_at: float  # time.monotonic()
    answer: CallbackAnswer | None = None


@dataclass
class UserProfile:
    """A simulated Telegram user and their relationship with the bot."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    is_premium: bool = False
    started: bool = True  # has talked to the bot, so the bot may write to them
    blocked: bool = False
    deactivated: bool = False

    def to_api(self) -> dict[str, Any]:
        user: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            user["last_name"] = self.last_name
        if self.username:
            user["username"] = self.username
        if self.language_code:
            user["language_code"] = self.language_code
        if self.is_premium:
            user["is_premium"] = True
        return user


@dataclass(eq=False)
class SentMessage:
    """A message the bot sent, in its current state (edits applied, deletion flagged).

    `text` is what the person reads (the text or caption after HTML parsing), `html` the raw
    string the bot sent. The same object is updated in place when the bot edits or deletes
    the message, so lists returned earlier stay current.
    """

    message_id: int
    chat_id: int
    date: int
    kind: str  # text | photo | document | video | audio | voice | animation | sticker | location
    text: str
    html: str | None
    parse_mode: str | None
    entities: list[dict]
    reply_markup: dict | None
    sender: dict[str, Any]
    chat: dict[str, Any]
    files: list[StoredFile] = field(default_factory=list)
    location: dict[str, Any] | None = None
    media_group_id: str | None = None
    reply_to: dict[str, Any] | None = None
    edited: bool = False
    deleted: bool = False
    edit_date: int | None = None
    history: list[str] = field(default_factory=list)  # earlier texts, oldest first

    # -- what a person sees -------------------------------------------------------------
    @property
    def caption(self) -> str | None:
        return self.text if self.kind != "text" and self.text else None

    @property
    def inline_keyboard(self) -> list[list[dict[str, Any]]]:
        if self.reply_markup and "inline_keyboard" in self.reply_markup:
            return self.reply_markup["inline_keyboard"]
        return []

    @property
    def buttons(self) -> list[list[str]]:
        """Inline button texts, row by row."""
        return button_texts(self.inline_keyboard)

    @property
    def callback_data(self) -> list[list[str | None]]:
        """callback_data of the inline buttons, shaped like `buttons` (None for URL buttons)."""
        return [[b.get("callback_data") for b in row] for row in self.inline_keyboard]

    @property
    def reply_keyboard(self) -> list[list[str]] | None:
        """Texts of the reply keyboard sent with this message, if any."""
        if self.reply_markup and "keyboard" in self.reply_markup:
            return button_texts(self.reply_markup["keyboard"])
        return None

    @property
    def file(self) -> StoredFile | None:
        """The attached file (the largest size for photos)."""
        return self.files[-1] if self.files else None

    @property
    def content(self) -> bytes | None:
        return self.file.content if self.file else None

    @property
    def photo(self) -> bytes | None:
        return self.content if self.kind == "photo" else None

    @property
    def document(self) -> bytes | None:
        return self.content if self.kind == "document" else None

    def button(self, text: str) -> dict[str, Any] | None:
        """The inline button with this text or callback_data."""
        for row in self.inline_keyboard:
            for button in row:
                if button.get("text") == text or button.get("callback_data") == text:
                    return button
        return None

    # -- wire format --------------------------------------------------------------------
    def to_api(self) -> dict[str, Any]:
        """The Bot API `Message` object."""
        msg: dict[str, Any] = {
            "message_id": self.message_id,
            "from": self.sender,
            "chat": self.chat,
            "date": self.date,
        }
        if self.edit_date is not None:
            msg["edit_date"] = self.edit_date
        if self.media_group_id:
            msg["media_group_id"] = self.media_group_id
        if self.reply_to is not None:
            msg["reply_to_message"] = self.reply_to
        entities_key = "entities"
        if self.kind == "text":
            msg["text"] = self.text
        elif self.kind == "location":
            msg["location"] = self.location
        elif self.kind == "photo":
            msg["photo"] = [f.to_api() for f in self.files]
            entities_key = "caption_entities"
        else:
            msg[self.kind] = self.files[-1].to_api()
            entities_key = "caption_entities"
        if self.kind != "text" and self.text:
            msg["caption"] = self.text
        if self.entities:
            msg[entities_key] = self.entities
        # Telegram only echoes inline keyboards; reply keyboards are not part of a Message.
        if self.inline_keyboard:
            msg["reply_markup"] = {"inline_keyboard": self.inline_keyboard}
        return msg

    def __repr__(self) -> str:
        flags = "".join([", edited" if self.edited else "", ", deleted" if self.deleted else ""])
        extra = f", buttons={self.buttons}" if self.inline_keyboard else ""
        return f"SentMessage(#{self.message_id} {self.kind} {self.text!r}{extra}{flags})"


class ChatState:
    """A chat as Telegram keeps it: message ids, the bot's messages, keyboard state.

    `events` lists the ids of bot messages in the order they were sent, edited or deleted;
    simulated people read it to wait for replies.
    """

    def __init__(
        self,
        chat_id: int,
        chat_type: str,
        *,
        title: str | None = None,
        user: UserProfile | None = None,
    ):
        self.id = chat_id
        self.type = chat_type
        self.title = title
        self.user = user
        self.members: dict[int, UserProfile] = {}
        self.admins: set[int] = set()
        # The bot's own standing in a group or channel: "member", "administrator", "left"
        # or "kicked" (a private chat has none).
        self.bot_status: str | None = None if chat_type == "private" else "member"
        # A group upgraded to a supergroup: the supergroup's id; calls here then get a 400.
        self.migrated_to: int | None = None
        self.bot_messages: dict[int, SentMessage] = {}
        self.incoming: dict[int, dict[str, Any]] = {}  # messages from people, by id
        self.events: list[int] = []
        self.cursor = 0  # position in `events` up to which replies() has reported
        self.last_event_at = 0.0
        self.reply_keyboard: dict[str, Any] | None = None
        self.force_reply_to: int | None = None
        self.actions: list[str] = []
        self._last_message_id = 0
        self._changed = asyncio.Event()

    def to_api(self) -> dict[str, Any]:
        if self.type == "private" and self.user is not None:
            chat = {k: v for k, v in self.user.to_api().items() if k in _PRIVATE_CHAT_FIELDS}
            chat["type"] = "private"
            return chat
        chat = {"id": self.id, "type": self.type, "title": self.title or ""}
        return chat

    @property
    def bot_inside(self) -> bool:
        return self.bot_status in ("member", "administrator")

    def next_message_id(self) -> int:
        self._last_message_id += 1
        return self._last_message_id

    def record(self, message_id: int) -> None:
        """Note that a bot message was sent/edited/deleted and wake waiting readers."""
        self.events.append(message_id)
        self.last_event_at = time.monotonic()
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_for_event(self, seconds: float) -> None:
        """Return after the next `record` or when `seconds` have passed."""
        if seconds <= 0:
            return
        event = self._changed
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), seconds)


_PRIVATE_CHAT_FIELDS = ("id", "first_name", "last_name", "username")
