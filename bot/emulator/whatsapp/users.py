"""Simulated WhatsApp users: what tests use to write to the bot and read its answers.

A person acts as the WhatsApp app would: writing, tapping a reply button or a list row,
sending a photo or a location queues the webhook Meta would POST to the bot (and opens the
24-hour customer service window); `replies()` waits for what the bot sent and marks it
read, which sends the bot the "read" statuses.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any

from ..media import make_png
from .models import Person, ReceivedMessage

if TYPE_CHECKING:
    from .server import CloudAPIEmulator

__all__ = ["SimulatedUser"]

_LISTED = 5
_STICKER = b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00/\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00"  # noqa: E501


class SimulatedUser:
    """One person on WhatsApp, known by their wa_id (digits of their phone number)."""

    def __init__(self, emu: CloudAPIEmulator, person: Person):
        self._emu = emu
        self.person = person

    def __repr__(self) -> str:
        return f"SimulatedUser({self.wa_id}, {self.name!r})"

    @property
    def wa_id(self) -> str:
        return self.person.wa_id

    @property
    def name(self) -> str:
        return self.person.name

    @property
    def received(self) -> list[ReceivedMessage]:
        """Everything the bot got through to this person, oldest first."""
        return list(self.person.received)

    @property
    def last(self) -> ReceivedMessage | None:
        return self.person.received[-1] if self.person.received else None

    # -- writing to the bot ---------------------------------------------------------------
    async def send(self, text: str) -> dict[str, Any]:
        """A text message; returns the webhook's message object."""
        return await self._write("text", {"body": text})

    async def press(self, title: str) -> dict[str, Any]:
        """Tap the reply button or list row titled `title` on the newest message that has
        one (or a template's quick-reply button with that payload) and send what WhatsApp
        sends: a button_reply, a list_reply or a template "button" message."""
        for message in reversed(self.person.received):
            for button_id, button_title in zip(message.button_ids, message.buttons, strict=True):
                if button_title == title:
                    reply = {"id": button_id, "title": button_title}
                    interactive = {"type": "button_reply", "button_reply": reply}
                    return await self._write("interactive", interactive, context=message.id)
            for row in message.rows:
                if row.title == title:
                    reply = {"id": row.id, "title": row.title}
                    if row.description is not None:
                        reply["description"] = row.description
                    interactive = {"type": "list_reply", "list_reply": reply}
                    return await self._write("interactive", interactive, context=message.id)
            template = message.template
            if template is not None and title in template.quick_replies:
                button = {"payload": title, "text": title}
                return await self._write("button", button, context=message.id)
        raise AssertionError(self._nothing_to_press(title))

    async def send_image(
        self, data: bytes | None = None, caption: str = "", mime_type: str = "image/jpeg"
    ) -> dict[str, Any]:
        """A photo (a generated PNG unless `data` is given); the bot can download it."""
        if data is None:
            data, mime_type = make_png(64, 48), "image/png"
        stored = self._emu.media.add(data, mime_type)
        image: dict[str, Any] = {"mime_type": mime_type, "sha256": stored.sha256, "id": stored.id}
        if caption:
            image["caption"] = caption
        return await self._write("image", image)

    async def send_location(
        self, latitude: float, longitude: float, *, name: str | None = None
    ) -> dict[str, Any]:
        location: dict[str, Any] = {"latitude": latitude, "longitude": longitude}
        if name is not None:
            location["name"] = name
        return await self._write("location", location)

    async def send_sticker(self) -> dict[str, Any]:
        stored = self._emu.media.add(_STICKER, "image/webp")
        sticker = {"mime_type": "image/webp", "sha256": stored.sha256, "id": stored.id,
                   "animated": False}  # fmt: skip
        return await self._write("sticker", sticker)

    def block(self) -> None:
        """Block the business: from now on its messages fail with 131026."""
        self.person.blocked = True

    def unblock(self) -> None:
        self.person.blocked = False

    # -- reading --------------------------------------------------------------------------
    async def replies(
        self,
        timeout: float = 5.0,  # noqa: ASYNC109 - a plain number is friendlier in tests
        count: int | None = None,
        *,
        settle: float | None = None,
    ) -> list[ReceivedMessage]:
        """The messages the bot got through to this person since the previous call.

        Without `count` it returns once something arrived and nothing more came for
        `settle` seconds; with `count` as soon as that many arrived. Raises TimeoutError
        (naming the bot's failed sends to this person) when nothing, or fewer than `count`,
        arrived within `timeout`. What it returns is read: the bot gets "read" statuses.
        """
        settle = self._emu.settle if settle is None else settle
        person = self.person
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            new = len(person.received) - person.cursor
            quiet_for = time.monotonic() - person.last_event_at
            if new and (new >= count if count is not None else quiet_for >= settle):
                break
            remaining = deadline - loop.time()
            if remaining <= 0:
                if new and count is None:
                    break
                raise TimeoutError(self._timeout_message(timeout, count, new))
            wait = remaining if not new or count is not None else min(remaining, settle - quiet_for)
            await person.wait_for_message(max(wait, 0.001))
        end = person.cursor + new if count is None else person.cursor + count
        got = person.received[person.cursor : end]
        person.cursor = end
        self._emu.read_by_user(got)
        return got

    async def assert_no_reply(self, within: float = 0.3) -> None:
        """Fail if the bot gets a message through to this person within `within` seconds."""
        try:
            got = await self.replies(timeout=within, settle=0)
        except TimeoutError:
            return
        raise AssertionError(f"expected no message for {self}, got {got}")

    # -- internals ------------------------------------------------------------------------
    async def _write(
        self, kind: str, content: dict[str, Any], *, context: str | None = None
    ) -> dict[str, Any]:
        if self.person.blocked:
            raise RuntimeError(f"{self} has blocked the business; call unblock() first")
        message = self._emu.inbound(self.person, kind, content, context=context)
        await asyncio.sleep(0)  # let a webhook worker in this loop start
        return message

    def _nothing_to_press(self, title: str) -> str:
        offers = [
            f"{m.id[-8:]}: {m.buttons or [r.title for r in m.rows] or m.template.quick_replies}"
            for m in reversed(self.person.received)
            if m.buttons or m.rows or (m.template and m.template.quick_replies)
        ][:_LISTED]
        if not offers:
            return f"{self} has nothing to press: no message with buttons, rows or quick replies"
        return f"{self} sees no button or row {title!r}; newest first: {'; '.join(offers)}"

    def _timeout_message(self, timeout: float, count: int | None, got: int) -> str:
        what = f"{count} message(s), got {got}" if count is not None else "a message"
        lines = [f"{self} expected {what} from the bot within {timeout:g}s"]
        failed = [m for m in self._emu.messages if m.to == self.wa_id and m.error is not None]
        refused = [c for c in self._emu.calls if not c.ok and c.body.get("to") == self.wa_id]
        if failed:
            lines.append("failed after acceptance: " + ", ".join(
                f"{m.type} {m.error.code}" for m in failed[-_LISTED:] if m.error))  # fmt: skip
        if refused:
            lines.append("refused: " + ", ".join(
                f"{c.code} {c.details}" for c in refused[-_LISTED:]))  # fmt: skip
        if not self._emu.calls:
            lines.append("the bot made no Cloud API calls at all (is it running?)")
        return "\n".join(lines)
