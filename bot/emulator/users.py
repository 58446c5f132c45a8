"""Simulated people and groups: what tests use to talk to the bot and see its answers.

A person acts like a Telegram client would: sending a message or pressing a button queues the
update Telegram would deliver to the bot; `replies()` waits for what the bot sends back, as a
person would see it (HTML parsed, edits applied, deletions flagged).
"""

from __future__ import annotations

import asyncio
import re
import time
from typing import TYPE_CHECKING, Any

from .html_rules import utf16_len
from .markup import button_texts
from .media import image_size, make_png
from .models import CallbackAnswer, CallbackQueryRecord, ChatState, SentMessage, UserProfile

if TYPE_CHECKING:
    from .server import BotAPIEmulator

__all__ = ["ChatView", "SimulatedGroup", "SimulatedUser"]

_MAX_LISTED_MESSAGES = 5
_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{5,32})?")


class ChatView:
    """Read access to one chat from a person's point of view."""

    def __init__(self, emu: BotAPIEmulator, chat: ChatState):
        self._emu = emu
        self.chat = chat

    @property
    def chat_id(self) -> int:
        return self.chat.id

    @property
    def messages(self) -> list[SentMessage]:
        """Everything the bot sent in this chat, oldest first, in its current state."""
        return sorted(self.chat.bot_messages.values(), key=lambda m: m.message_id)

    @property
    def last(self) -> SentMessage | None:
        """The newest message from the bot that was not deleted."""
        visible = [m for m in self.messages if not m.deleted]
        return visible[-1] if visible else None

    @property
    def reply_keyboard(self) -> list[list[str]] | None:
        """The reply keyboard currently shown under the input field, if any."""
        markup = self.chat.reply_keyboard
        return button_texts(markup["keyboard"]) if markup else None

    @property
    def actions(self) -> list[str]:
        """Chat actions (typing, upload_photo, ...) the bot showed, in order."""
        return list(self.chat.actions)

    def mark_read(self) -> None:
        """Skip everything received so far; the next `replies()` only sees newer activity."""
        self.chat.cursor = len(self.chat.events)

    async def replies(
        self,
        timeout: float = 5.0,  # noqa: ASYNC109 - a plain number is friendlier in tests
        count: int | None = None,
        *,
        settle: float | None = None,
    ) -> list[SentMessage]:
        """Wait for the bot's next messages in this chat and return them.

        Returns the messages sent, edited or deleted since the previous call, each once, in
        order of first activity. Without `count` it returns once something arrived and the
        chat stayed quiet for `settle` seconds; with `count` as soon as that many messages
        arrived. Raises TimeoutError (with recent API errors, to explain why) when nothing,
        or fewer than `count` messages, arrived within `timeout` seconds.
        """
        settle = self._emu.settle if settle is None else settle
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            ids, end = self._collect(count)
            quiet_for = time.monotonic() - self.chat.last_event_at
            if ids and (len(ids) >= count if count is not None else quiet_for >= settle):
                break
            remaining = deadline - loop.time()
            if remaining <= 0:
                if ids and count is None:
                    break
                raise TimeoutError(self._timeout_message(timeout, count, ids))
            wait = remaining if not ids or count is not None else min(remaining, settle - quiet_for)
            await self.chat.wait_for_event(max(wait, 0.001))
        self.chat.cursor = end
        return [self.chat.bot_messages[message_id] for message_id in ids]

    async def assert_no_reply(self, within: float = 0.3) -> None:
        """Fail if the bot sends, edits or deletes anything here within `within` seconds."""
        try:
            got = await self.replies(timeout=within, settle=0)
        except TimeoutError:
            return
        raise AssertionError(f"expected no reply in chat {self.chat.id}, got {got}")

    def _collect(self, count: int | None) -> tuple[list[int], int]:
        ids: list[int] = []
        end = self.chat.cursor
        for index in range(self.chat.cursor, len(self.chat.events)):
            message_id = self.chat.events[index]
            end = index + 1
            if message_id not in ids:
                ids.append(message_id)
                if count is not None and len(ids) >= count:
                    break
        return ids, end

    def _timeout_message(self, timeout: float, count: int | None, ids: list[int]) -> str:
        what = f"{count} message(s), got {len(ids)}" if count is not None else "a reply"
        lines = [f"chat {self.chat.id} expected {what} from the bot within {timeout:g}s"]
        failures = [
            call
            for call in self._emu.calls[-200:]
            if not call.ok and call.params.get("chat_id") in (self.chat.id, str(self.chat.id))
        ]
        if failures:
            lines.append("failed API calls for this chat:")
            lines += [f"  {c.method}: {c.error_code} {c.description}" for c in failures[-5:]]
        calls = self._emu.calls
        recent = [c for c in calls[-100:] if c.method != "getUpdates"][-5:]
        if not calls:
            lines.append("the bot made no API calls at all (is it running?)")
        elif not recent:
            lines.append("the bot only called getUpdates")
        else:
            lines.append(
                "last API calls: "
                + ", ".join(f"{c.method}={'ok' if c.ok else c.error_code}" for c in recent)
            )
        return "\n".join(lines)


class SimulatedUser(ChatView):
    """A person with a private chat with the bot (chat id == user id)."""

    def __init__(self, emu: BotAPIEmulator, profile: UserProfile, chat: ChatState):
        super().__init__(emu, chat)
        self.profile = profile

    def __repr__(self) -> str:
        return f"SimulatedUser({self.id}, {self.first_name!r})"

    @property
    def id(self) -> int:
        return self.profile.id

    @property
    def first_name(self) -> str:
        return self.profile.first_name

    def to_api(self) -> dict[str, Any]:
        return self.profile.to_api()

    @property
    def callback_answers(self) -> list[CallbackAnswer]:
        """The bot's answers to this person's button presses, oldest first."""
        records = self._emu.callbacks.values()
        return [r.answer for r in records if r.user_id == self.id and r.answer is not None]

    # -- sending --------------------------------------------------------------------------
    async def send(
        self,
        text: str,
        *,
        chat: SimulatedGroup | None = None,
        reply_to: int | None = None,
        entities: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """Send a text message; a leading /command gets a bot_command entity like Telegram."""
        content: dict[str, Any] = {"text": text}
        command = _COMMAND.match(text)
        if entities is None and command:
            entities = [{"type": "bot_command", "offset": 0, "length": utf16_len(command[0])}]
        if entities:
            content["entities"] = entities
        return await self._queue_message(content, chat, reply_to)

    async def send_photo(
        self,
        content: bytes | None = None,
        *,
        caption: str | None = None,
        chat: SimulatedGroup | None = None,
        reply_to: int | None = None,
    ) -> dict[str, Any]:
        """Send a photo (a generated 640x480 PNG unless `content` is given)."""
        data = content if content is not None else make_png(640, 480)
        width, height = image_size(data) or (640, 480)
        sizes = self._emu.files.add_photo(data, width, height)
        body: dict[str, Any] = {"photo": [size.to_api() for size in sizes]}
        if caption:
            body["caption"] = caption
        return await self._queue_message(body, chat, reply_to)

    async def send_document(
        self,
        content: bytes = b"%PDF-1.4\n% emulator test document\n",
        file_name: str = "document.pdf",
        *,
        mime_type: str | None = None,
        caption: str | None = None,
        chat: SimulatedGroup | None = None,
        reply_to: int | None = None,
    ) -> dict[str, Any]:
        stored = self._emu.files.add("document", content, file_name=file_name, mime_type=mime_type)
        body: dict[str, Any] = {"document": stored.to_api()}
        if caption:
            body["caption"] = caption
        return await self._queue_message(body, chat, reply_to)

    async def send_sticker(
        self, emoji: str = "👍", *, chat: SimulatedGroup | None = None
    ) -> dict[str, Any]:
        stored = self._emu.files.add(
            "sticker", b"RIFF\x00\x00\x00\x00WEBP", width=512, height=512, extra={"emoji": emoji}
        )
        return await self._queue_message({"sticker": stored.to_api()}, chat, None)

    async def send_voice(
        self,
        content: bytes = b"OggS\x00emulated voice note",
        *,
        duration: int = 2,
        chat: SimulatedGroup | None = None,
    ) -> dict[str, Any]:
        stored = self._emu.files.add("voice", content, mime_type="audio/ogg", duration=duration)
        return await self._queue_message({"voice": stored.to_api()}, chat, None)

    async def send_location(
        self, latitude: float, longitude: float, *, chat: SimulatedGroup | None = None
    ) -> dict[str, Any]:
        location = {"latitude": latitude, "longitude": longitude}
        return await self._queue_message({"location": location}, chat, None)

    async def send_contact(
        self, phone_number: str = "+31612345678", *, chat: SimulatedGroup | None = None
    ) -> dict[str, Any]:
        """Share this person's own contact (what a request_contact button sends)."""
        contact = {"phone_number": phone_number, "first_name": self.first_name, "user_id": self.id}
        if self.profile.last_name:
            contact["last_name"] = self.profile.last_name
        return await self._queue_message({"contact": contact}, chat, None)

    # -- buttons --------------------------------------------------------------------------
    async def press(
        self, button: str, *, message_id: int | None = None, chat: SimulatedGroup | None = None
    ) -> dict[str, Any]:
        """Press an inline button (matched by text or callback_data) and queue the
        callback_query. Searches the newest bot message first unless `message_id` is given."""
        target = self._target(chat)
        self._check_can_act()
        if message_id is not None:
            found = target.bot_messages.get(message_id)
            if found is None or found.deleted:
                raise AssertionError(f"{self} sees no message {message_id} from the bot")
            candidates = [found]
        else:
            candidates = [
                m
                for m in sorted(target.bot_messages.values(), key=lambda m: -m.message_id)
                if not m.deleted and m.inline_keyboard
            ]
        for message in candidates:
            pressed = message.button(button)
            if pressed is not None:
                break
        else:
            raise AssertionError(self._no_button_message(button, candidates))
        if "callback_data" not in pressed:
            raise AssertionError(
                f"button {button!r} on message {message.message_id} sends no callback: {pressed}"
            )
        query_id = self._emu.new_callback_query_id()
        self._emu.callbacks[query_id] = CallbackQueryRecord(
            id=query_id,
            user_id=self.id,
            chat_id=target.id,
            message_id=message.message_id,
            data=pressed["callback_data"],
            created_at=time.monotonic(),
        )
        query = {
            "id": query_id,
            "from": self.to_api(),
            "message": message.to_api(),
            "chat_instance": self._emu.chat_instance(target.id),
            "data": pressed["callback_data"],
        }
        update = self._emu.updates.push({"callback_query": query})
        await asyncio.sleep(0)
        return update

    async def tap(self, text: str, *, chat: SimulatedGroup | None = None) -> dict[str, Any]:
        """Tap a reply-keyboard button: sends its text (or contact/location if it asks so)."""
        target = self._target(chat)
        markup = target.reply_keyboard
        if markup is None:
            raise AssertionError(f"{self} has no reply keyboard in chat {target.id}")
        for row in markup["keyboard"]:
            for button in row:
                label = button if isinstance(button, str) else button.get("text")
                if label != text:
                    continue
                if isinstance(button, dict) and button.get("request_contact"):
                    return await self.send_contact(chat=chat)
                if isinstance(button, dict) and button.get("request_location"):
                    return await self.send_location(52.0907, 5.1214, chat=chat)
                return await self.send(text, chat=chat)
        rows = button_texts(markup["keyboard"])
        raise AssertionError(f"{self} has no reply keyboard button {text!r}; keyboard: {rows}")

    # -- internals ------------------------------------------------------------------------
    def _target(self, chat: SimulatedGroup | None) -> ChatState:
        if chat is None:
            return self.chat
        chat.chat.members.setdefault(self.id, self.profile)
        return chat.chat

    def _check_can_act(self) -> None:
        if self.profile.deactivated:
            raise RuntimeError(f"{self} is deactivated and cannot use Telegram")
        if self.profile.blocked:
            raise RuntimeError(f"{self} has blocked the bot; call emu.unblock({self.id}) first")

    async def _queue_message(
        self, content: dict[str, Any], chat: SimulatedGroup | None, reply_to: int | None
    ) -> dict[str, Any]:
        target = self._target(chat)
        self._check_can_act()
        self.profile.started = True
        if reply_to is None and target.force_reply_to is not None:
            reply_to = target.force_reply_to  # the client answers a ForceReply prompt
        target.force_reply_to = None
        message: dict[str, Any] = {
            "message_id": target.next_message_id(),
            "from": self.to_api(),
            "chat": target.to_api(),
            "date": int(time.time()),
        }
        if reply_to is not None:
            replied = self._emu.message_payload(target, reply_to)
            if replied is None:
                raise ValueError(f"no message {reply_to} in chat {target.id} to reply to")
            message["reply_to_message"] = {
                k: v for k, v in replied.items() if k != "reply_to_message"
            }
        message.update(content)
        target.incoming[message["message_id"]] = message
        if target.type == "channel":  # posted in the channel's name, not the person's
            del message["from"]
            message["sender_chat"] = target.to_api()
        if target.type != "private" and not target.bot_inside:
            return {"message": message}  # the bot is not there: Telegram tells it nothing
        kind = "channel_post" if target.type == "channel" else "message"
        update = self._emu.updates.push({kind: message})
        await asyncio.sleep(0)  # let a bot running in this event loop pick it up
        return update

    def _no_button_message(self, button: str, candidates: list[SentMessage]) -> str:
        if not candidates:
            return f"{self} sees no inline button {button!r}: no bot message has inline buttons"
        listed = "; ".join(
            f"#{m.message_id} {m.text[:40]!r}: {m.buttons}"
            for m in candidates[:_MAX_LISTED_MESSAGES]
        )
        return f"{self} sees no inline button {button!r}. Buttons (newest first): {listed}"


class SimulatedGroup(ChatView):
    """A group, supergroup or channel; people post in it with `person.send(..., chat=group)`
    (in a channel the post comes in the channel's name, as a channel_post update). Nothing
    said here reaches the bot while it is not in the chat."""

    def __repr__(self) -> str:
        return f"SimulatedGroup({self.id}, {self.title!r})"

    @property
    def id(self) -> int:
        return self.chat.id

    @property
    def title(self) -> str:
        return self.chat.title or ""

    @property
    def type(self) -> str:
        return self.chat.type

    @property
    def bot_status(self) -> str | None:
        """The bot's standing here: member, administrator, left or kicked."""
        return self.chat.bot_status

    def add(self, *people: SimulatedUser, admin: bool = False) -> None:
        for person in people:
            self.chat.members[person.id] = person.profile
            if admin:
                self.chat.admins.add(person.id)

    def _by_admin(self, person: SimulatedUser) -> None:
        if person.id not in self.chat.admins:
            raise PermissionError(f"{person} is not an administrator of {self}")

    async def add_bot(self, by: SimulatedUser, *, admin: bool = True) -> dict[str, Any]:
        """`by` adds the bot (as an administrator unless `admin=False`; a channel takes
        bots only as administrators): the bot gets a my_chat_member update from `by`."""
        if self.chat.type == "channel" and not admin:
            raise ValueError("a bot can only be added to a channel as an administrator")
        if admin:
            self._by_admin(by)
        self.chat.members.setdefault(by.id, by.profile)
        return await self._bot_becomes("administrator" if admin else "member", by)

    async def promote_bot(self, by: SimulatedUser) -> dict[str, Any]:
        self._by_admin(by)
        return await self._bot_becomes("administrator", by)

    async def remove_bot(self, by: SimulatedUser, *, ban: bool = True) -> dict[str, Any]:
        """`by` removes the bot (kicked; `ban=False`: removed without a ban, "left")."""
        self._by_admin(by)
        return await self._bot_becomes("kicked" if ban else "left", by)

    async def upgrade(
        self, by: SimulatedUser, new_chat_id: int | None = None, *, notify: bool = True
    ) -> SimulatedGroup:
        """`by` upgrades this group to a supergroup: see `BotAPIEmulator.upgrade_group`."""
        upgraded = self._emu.upgrade_group(self.id, by, new_chat_id, notify=notify)
        await asyncio.sleep(0)
        return upgraded

    async def _bot_becomes(self, status: str, by: SimulatedUser) -> dict[str, Any]:
        before = len(self._emu.updates.pending())
        self._emu.set_bot_status(self.chat, status, by.profile)
        pending = self._emu.updates.pending()
        await asyncio.sleep(0)
        return pending[-1] if len(pending) > before else {}
