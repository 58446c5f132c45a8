"""What the bot answers, as plain data; each channel turns it into its own calls.

Telegram's limits hold by construction: a reply longer than a message may be,
or a button whose data is over 64 bytes, cannot be made (see `bot.chat.limits`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.chat.limits import CALLBACK_DATA_LIMIT, CAPTION_LIMIT, TEXT_LIMIT, visible_length
from bot.i18n import Html


class TooLong(ValueError):
    """A reply that Telegram would refuse; the message names lengths only, never the text."""


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    payload: str = ""
    url: str | None = None

    def __post_init__(self) -> None:
        if not self.label:
            raise ValueError("a button needs a label")
        if self.url is None and not 0 < len(self.payload.encode()) <= CALLBACK_DATA_LIMIT:
            raise ValueError(f"button data must be 1-64 bytes: {self.payload!r}")


@dataclass(frozen=True, slots=True)
class File:
    """A picture or document to send: new bytes, or a file the messenger already has."""

    filename: str
    data: bytes | None = None
    file_id: str | None = None
    mime: str = "application/octet-stream"


@dataclass(frozen=True, slots=True)
class Reply:
    text: Html
    buttons: tuple[tuple[Button, ...], ...] = ()
    picture: File | None = None
    document: File | None = None
    edit: bool = False  # replace the message whose button was pressed

    def __post_init__(self) -> None:
        has_file = self.picture is not None or self.document is not None
        limit = CAPTION_LIMIT if has_file else TEXT_LIMIT
        length = visible_length(self.text)
        if not has_file and length == 0:
            raise ValueError("a text reply cannot be empty")
        if length > limit:
            raise TooLong(f"reply of {length} UTF-16 units is over the limit of {limit}")


@dataclass(slots=True)
class Answer:
    """Everything the bot says in return to one event."""

    replies: list[Reply] = field(default_factory=list)
    notice: str | None = None  # a short pop-up for a pressed button
