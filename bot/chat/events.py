"""What a person did, as plain data: the only input a flow ever sees."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    TEXT = "text"
    COMMAND = "command"
    BUTTON = "button"
    PHOTO = "photo"
    LOCATION = "location"
    OTHER = "other"  # a sticker, voice note, video, contact...: answered, never stored


@dataclass(frozen=True, slots=True)
class Event:
    kind: Kind
    text: str = ""  # a message's text, or a photo's caption
    command: str = ""  # lower case, without "/" and "@botname"
    args: str = ""
    payload: str = ""  # a button's data
    photo: str | None = None  # the messenger's file id
    location: tuple[float, float] | None = None
    other: str = ""  # what kind of unsupported content it was
    # A command typed as a word, without "/" (WhatsApp has no commands): where the step
    # asks for text, the word may be meant as text (bot.flows.conversation).
    keyword: bool = False

    @classmethod
    def from_text(cls, text: str) -> Event:
        """A text message; "/start abc" becomes the command "start" with args "abc"."""
        if text.startswith("/") and len(text) > 1:
            head, _, args = text[1:].partition(" ")
            command = head.split("@", 1)[0].lower()
            if command.replace("_", "").isalnum():
                return cls(Kind.COMMAND, text=text, command=command, args=args.strip())
        return cls(Kind.TEXT, text=text)

    @classmethod
    def button(cls, payload: str) -> Event:
        return cls(Kind.BUTTON, payload=payload)
