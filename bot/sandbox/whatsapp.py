"""The sandbox's WhatsApp people: the Cloud API emulator's users, and what they wrote.

    page ──send / press / photo / sticker──> WhatsAppPeople ──> emulator.inbound
                                                   │            (a signed webhook to the
                                                   │             bot's listener)
                                             written[wa_id]  <- kept here: the emulator
                                                                keeps only what the bot sent

A press names the message and the button's (or row's) id, as the page saw them,
so an old message's button is pressed as it is on a phone: its own id, not the
newest button with the same title. The emulator runs on the sandbox's clock, so
its 24-hour window closes when the clock panel jumps.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.emulator.whatsapp import CloudAPIEmulator, ReceivedMessage, SimulatedUser
from bot.i18n import translator

JPEG, PNG = "image/jpeg", "image/png"  # what WhatsApp sends photos as


@dataclass(frozen=True, slots=True)
class Written:
    """A person's message as the webhook carried it, and when (sandbox time, epoch)."""

    message: dict[str, Any]
    at: float


class WhatsAppPeople:
    def __init__(self, emulator: CloudAPIEmulator) -> None:
        self.emulator = emulator
        self._written: dict[str, list[Written]] = {}

    def add(self, wa_id: str, name: str) -> SimulatedUser:
        self._written.setdefault(wa_id, [])
        return self.emulator.user(wa_id, name)

    def user(self, wa_id: str) -> SimulatedUser:
        if wa_id not in self._written:
            raise KeyError("no such person on WhatsApp")
        return self.emulator.user(wa_id)

    def written(self, wa_id: str) -> list[Written]:
        return list(self._written.get(wa_id, ()))

    def read(self, wa_id: str) -> int:
        """The person saw their chat: "read" statuses for what was not read yet; how many."""
        unread = [m for m in self.user(wa_id).received if m.status != "read"]
        self.emulator.read_by_user(unread)
        return len(unread)

    def count(self) -> int:
        """Messages both ways, for the page's change events."""
        return len(self.emulator.messages) + sum(map(len, self._written.values()))

    # -- writing ---------------------------------------------------------------------------

    async def send(self, wa_id: str, text: str) -> None:
        self._keep(wa_id, await self.user(wa_id).send(text))

    async def send_photo(self, wa_id: str, content: bytes, caption: str | None) -> None:
        mime_type = PNG if content.startswith(b"\x89PNG") else JPEG
        if mime_type == JPEG and not content.startswith(b"\xff\xd8"):
            raise ValueError("WhatsApp sends photos as JPEG or PNG")
        sent = await self.user(wa_id).send_image(content, caption or "", mime_type)
        self._keep(wa_id, sent)

    async def send_sticker(self, wa_id: str) -> None:
        self._keep(wa_id, await self.user(wa_id).send_sticker())

    async def press(self, wa_id: str, message_id: str, data: str) -> None:
        """Tap the reply button, list row or template quick reply `data` of one message."""
        user = self.user(wa_id)
        message = next((m for m in user.received if m.id == message_id), None)
        if message is None:
            raise KeyError("no such message in this chat")
        kind, content = _tapped(message, data)
        self._keep(wa_id, self.emulator.inbound(user.person, kind, content, context=message.id))

    def _keep(self, wa_id: str, message: dict[str, Any]) -> None:
        self._written[wa_id].append(Written(message, self.emulator.now()))


def quick_reply_label(language: str) -> str:
    """The label of the one quick reply of Wijkbot's templates (`templates.py`)."""
    return translator(language)._("Open")


def _tapped(message: ReceivedMessage, data: str) -> tuple[str, dict[str, Any]]:
    """What WhatsApp sends when `data` of `message` is tapped: (type, content)."""
    for button_id, title in zip(message.button_ids, message.buttons, strict=True):
        if button_id == data:
            return "interactive", {
                "type": "button_reply",
                "button_reply": {"id": button_id, "title": title},
            }
    for row in message.rows:
        if row.id == data:
            reply = {"id": row.id, "title": row.title}
            if row.description is not None:
                reply["description"] = row.description
            return "interactive", {"type": "list_reply", "list_reply": reply}
    template = message.template
    if template is not None and data in template.quick_replies:
        return "button", {"payload": data, "text": quick_reply_label(template.language)}
    raise ValueError("that message has no such button")
