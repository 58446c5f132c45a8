"""The emulator's records: calls as it answered them, and messages as a person sees them."""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field
from typing import Any

from .errors import GraphError

__all__ = ["GraphCall", "ListRow", "Person", "ReceivedMessage", "TemplateInfo"]


@dataclass(frozen=True)
class GraphCall:
    """One request: `route` is "messages", "mark_read", "media", "media_url" or
    "download"; `at` is `time.monotonic()` when it was answered (for send rates)."""

    route: str
    body: dict[str, Any]
    ok: bool
    code: int | None
    details: str | None
    at: float
    result: Any = None


@dataclass(frozen=True)
class ListRow:
    id: str
    title: str
    description: str | None
    section: str | None  # the section's title


@dataclass(frozen=True)
class TemplateInfo:
    """A template as sent: the text is not known to the emulator (no template bodies),
    so it keeps name, language, the body parameters and the quick-reply payloads."""

    name: str
    language: str
    parameters: list[str]
    quick_replies: list[str]


@dataclass
class ReceivedMessage:
    """A message the bot sent to a person, as accepted by the Cloud API.

    `status` follows the status webhooks: "sent", "delivered", "read", or "failed" (then
    `error` says why; a failed message never reaches the person)."""

    id: str  # wamid
    to: str
    type: str  # text | image | document | interactive | template
    body: dict[str, Any]  # the full POSTed body
    at: float  # the emulator's now() when accepted
    status: str = "sent"
    error: GraphError | None = None
    media: bytes | None = None  # an image's or a document's bytes

    @property
    def image(self) -> bytes | None:
        return self.media if self.type == "image" else None

    @property
    def document(self) -> bytes | None:
        return self.media if self.type == "document" else None

    @property
    def filename(self) -> str | None:
        return self.content.get("filename") if self.type == "document" else None

    @property
    def content(self) -> dict[str, Any]:
        return self.body[self.type]

    @property
    def interactive_type(self) -> str | None:
        return self.content.get("type") if self.type == "interactive" else None

    @property
    def text(self) -> str:
        """The text a person reads: body, caption, or the interactive body."""
        if self.type == "text":
            return self.content["body"]
        if self.type in ("image", "document"):
            return self.content.get("caption", "")
        if self.type == "interactive":
            return self.content["body"]["text"]
        return ""

    @property
    def caption(self) -> str | None:
        return self.content.get("caption") if self.type in ("image", "document") else None

    @property
    def header(self) -> str | None:
        header = self.content.get("header") if self.type == "interactive" else None
        return header.get("text") if header else None

    @property
    def footer(self) -> str | None:
        footer = self.content.get("footer") if self.type == "interactive" else None
        return footer.get("text") if footer else None

    @property
    def buttons(self) -> list[str]:
        """Reply button titles (a reply-button message), else []."""
        if self.interactive_type != "button":
            return []
        return [b["reply"]["title"] for b in self.content["action"]["buttons"]]

    @property
    def button_ids(self) -> list[str]:
        if self.interactive_type != "button":
            return []
        return [b["reply"]["id"] for b in self.content["action"]["buttons"]]

    @property
    def rows(self) -> list[ListRow]:
        """The rows of a list message, in order, else []."""
        if self.interactive_type != "list":
            return []
        return [
            ListRow(row["id"], row["title"], row.get("description"), section.get("title"))
            for section in self.content["action"]["sections"]
            for row in section["rows"]
        ]

    @property
    def sections(self) -> list[str | None]:
        if self.interactive_type != "list":
            return []
        return [section.get("title") for section in self.content["action"]["sections"]]

    @property
    def list_button(self) -> str | None:
        """The label of the button that opens a list."""
        return self.content["action"]["button"] if self.interactive_type == "list" else None

    @property
    def url_button(self) -> tuple[str, str] | None:
        """(display_text, url) of a CTA URL message."""
        if self.interactive_type != "cta_url":
            return None
        parameters = self.content["action"]["parameters"]
        return parameters["display_text"], parameters["url"]

    @property
    def template(self) -> TemplateInfo | None:
        if self.type != "template":
            return None
        parameters: list[str] = []
        quick_replies: list[str] = []
        for component in self.content.get("components", []):
            if component["type"] == "body":
                parameters += [p["text"] for p in component.get("parameters", [])]
            elif component.get("sub_type") == "quick_reply":
                quick_replies += [p["payload"] for p in component.get("parameters", [])]
        return TemplateInfo(
            self.content["name"], self.content["language"]["code"], parameters, quick_replies
        )


@dataclass
class Person:
    """What the Cloud API knows of one WhatsApp user."""

    wa_id: str
    name: str
    user_id: str  # the business-scoped user id (BSUID), e.g. "NL.1349120865530274191"
    blocked: bool = False  # blocked the business: messages fail with 131026
    last_inbound: float | None = None  # now() of their last message: opens the window
    received: list[ReceivedMessage] = field(default_factory=list)
    cursor: int = 0  # replies() has returned received[:cursor]
    last_event_at: float = 0.0  # time.monotonic() of the newest message
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    def record(self, message: ReceivedMessage) -> None:
        self.received.append(message)
        self.last_event_at = time.monotonic()
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_for_message(self, seconds: float) -> None:
        """Return after the next `record` or when `seconds` have passed."""
        if seconds <= 0:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._changed.wait(), seconds)
