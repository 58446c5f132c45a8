"""The bot's update queue: long polling (getUpdates) and webhook delivery.

Semantics follow Telegram: update ids only grow; an update stays pending until a getUpdates
call with a higher `offset` confirms it (or, with a webhook, until the bot's endpoint answers
2xx); `allowed_updates` is remembered between calls; two concurrent getUpdates calls conflict;
webhook deliveries run in parallel across chats (up to `max_connections`), one at a time
within a chat, each retried with a growing pause until the bot answers 2xx.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

import aiohttp

from .errors import conflict
from .retries import RetryingDeliverer, cancel_and_wait
from .wire import decode_fields, merge_parts, read_multipart

__all__ = ["UpdateQueue", "WebhookDeliverer", "update_type"]

log = logging.getLogger(__name__)

# Telegram leaves these out unless allowed_updates names them explicitly.
DEFAULT_EXCLUDED_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


def update_type(update: dict[str, Any]) -> str:
    return next((key for key in update if key != "update_id"), "")


def chat_of(update: dict[str, Any]) -> object:
    """The chat an update belongs to (a callback query's message's chat, else its sender)."""
    body = update.get(update_type(update))
    if not isinstance(body, dict):
        return None
    chat = body.get("chat") or (body.get("message") or {}).get("chat") or body.get("from")
    return chat.get("id") if isinstance(chat, dict) else None


@dataclass(eq=False)
class _Pending:
    update: dict[str, Any]
    redelivery: bool = False  # queued again on purpose: survives one confirming offset
    handed_out: bool = False

    @property
    def update_id(self) -> int:
        return self.update["update_id"]

    @property
    def chat(self) -> object:
        """The queue a webhook delivers this update in: its chat (or its sender)."""
        return chat_of(self.update)


class UpdateQueue:
    """Pending updates plus the getUpdates protocol around them."""

    def __init__(self, first_update_id: int = 1):
        self._next_id = first_update_id
        self._pending: list[_Pending] = []
        self._history: dict[int, dict[str, Any]] = {}
        self._changed = asyncio.Event()
        self._poll_generation = 0
        self.closing = False
        self.allowed_updates: list[str] | None = None  # None or []: Telegram's default set

    # -- producing ----------------------------------------------------------------------
    def push(self, body: dict[str, Any]) -> dict[str, Any]:
        """Queue a new update (`body` without update_id) and return it."""
        update = {"update_id": self._next_id, **body}
        self._next_id += 1
        self._history[update["update_id"]] = update
        self._pending.append(_Pending(update))
        self.notify()
        return update

    def redeliver(self, update_id: int) -> dict[str, Any]:
        """Queue an earlier update again with the same update_id, regardless of offsets."""
        try:
            update = self._history[update_id]
        except KeyError:
            raise LookupError(f"no update with update_id {update_id} was ever queued") from None
        self._pending.append(_Pending(update, redelivery=True))
        self.notify()
        return update

    def notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait(self, seconds: float | None) -> None:
        """Sleep until the queue changes or `seconds` pass (None: no limit)."""
        event = self._changed
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), seconds)

    # -- consuming ----------------------------------------------------------------------
    @property
    def pending_count(self) -> int:
        return len(self._pending)

    def pending(self) -> list[dict[str, Any]]:
        return [entry.update for entry in self._pending]

    def clear(self) -> None:
        self._pending.clear()

    def is_allowed(self, update: dict[str, Any]) -> bool:
        kind = update_type(update)
        if self.allowed_updates:
            return kind in self.allowed_updates
        return kind not in DEFAULT_EXCLUDED_UPDATES

    def _drop_disallowed(self) -> None:
        self._pending = [entry for entry in self._pending if self.is_allowed(entry.update)]

    def acknowledge(self, offset: int) -> None:
        """Forget updates confirmed by a getUpdates `offset` (negative: keep the last -offset)."""
        if offset < 0:
            self._pending = self._pending[offset:]
            return
        self._pending = [
            entry
            for entry in self._pending
            if entry.update_id >= offset or (entry.redelivery and not entry.handed_out)
        ]

    def take(self, limit: int) -> list[dict[str, Any]]:
        """Up to `limit` deliverable updates in update_id order (they stay pending)."""
        self._drop_disallowed()
        batch = sorted(self._pending, key=lambda entry: entry.update_id)[:limit]
        for entry in batch:
            entry.handed_out = True
        return [entry.update for entry in batch]

    def deliverable(self, busy: set[object], limit: int) -> list[_Pending]:
        """Up to `limit` updates to push to a webhook now: the first one of each chat that
        is not `busy` (a chat's later updates wait behind its earlier one)."""
        self._drop_disallowed()
        ready: list[_Pending] = []
        seen = set(busy)
        for entry in self._pending:
            if len(ready) >= limit:
                break
            if entry.chat not in seen:
                ready.append(entry)
            seen.add(entry.chat)
        return ready

    def remove(self, entry: _Pending) -> None:
        with contextlib.suppress(ValueError):
            self._pending.remove(entry)

    async def get_updates(
        self,
        *,
        offset: int | None,
        limit: int,
        timeout: float,  # noqa: ASYNC109 - the Bot API parameter, in seconds
        allowed_updates: list[str] | None,
    ) -> list[dict[str, Any]]:
        """Telegram's getUpdates: confirm, then return at once or long-poll for `timeout`."""
        self._poll_generation += 1
        generation = self._poll_generation
        self.notify()  # an older long poll still waiting is terminated (409) by this one
        if allowed_updates is not None:
            self.allowed_updates = list(allowed_updates)
        if offset is not None:
            self.acknowledge(offset)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max(timeout, 0.0)
        while True:
            if generation != self._poll_generation:
                raise conflict(
                    "terminated by other getUpdates request; "
                    "make sure that only one bot instance is running"
                )
            batch = self.take(limit)
            remaining = deadline - loop.time()
            if batch or remaining <= 0 or self.closing:
                return batch
            await self.wait(remaining)


# Executes a method returned in a webhook response: (method, params) -> None.
ReplyExecutor = Callable[[str, dict[str, Any]], Awaitable[Any]]


class WebhookDeliverer(RetryingDeliverer):
    """Pushes pending updates to the bot's webhook like Telegram's Bot API server: in
    parallel across chats, in order within a chat, retrying an update that got no 2xx."""

    def __init__(
        self,
        queue: UpdateQueue,
        execute_reply: ReplyExecutor,
        *,
        retry_delay: float = 0.05,
        max_retry_delay: float = 1.0,
        timeout: float = 10.0,
    ):
        super().__init__(retry_delay=retry_delay, max_retry_delay=max_retry_delay, timeout=timeout)
        self.queue = queue
        self._execute_reply = execute_reply
        self.url = ""
        self.secret_token: str | None = None
        self.max_connections = 40
        self.last_error_date: int | None = None
        self.last_error_message: str | None = None
        self.deliveries = 0  # successful POSTs
        self._task: asyncio.Task[None] | None = None

    @property
    def active(self) -> bool:
        return bool(self.url)

    def configure(self, url: str, secret_token: str | None, max_connections: int) -> None:
        self.url = url
        self.secret_token = secret_token
        self.max_connections = max_connections
        self.last_error_date = None
        self.last_error_message = None
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run())
        self.queue.notify()

    async def stop(self) -> None:
        self.url = ""
        task, self._task = self._task, None
        if task is not None:
            await cancel_and_wait([task])

    def info(self) -> dict[str, Any]:
        """The Bot API `WebhookInfo` object."""
        info: dict[str, Any] = {
            "url": self.url,
            "has_custom_certificate": False,
            "pending_update_count": self.queue.pending_count,
        }
        if self.url:
            info["max_connections"] = self.max_connections
        if self.last_error_date is not None:
            info["last_error_date"] = self.last_error_date
            info["last_error_message"] = self.last_error_message
        if self.queue.allowed_updates:
            info["allowed_updates"] = list(self.queue.allowed_updates)
        return info

    async def _run(self) -> None:
        """Up to `max_connections` POSTs at once, one per chat at a time, as Telegram does:
        a chat's next update waits until the one before got 2xx (retried meanwhile with a
        growing pause), while other chats go on."""
        busy: set[object] = set()  # chats with an update in flight or waiting for its retry
        tasks: set[asyncio.Task[None]] = set()
        async with aiohttp.ClientSession() as session:
            try:
                while self.url:
                    room = self.max_connections - len(tasks)
                    for entry in self.queue.deliverable(busy, room):
                        busy.add(entry.chat)
                        task = asyncio.create_task(self._deliver(session, entry, busy))
                        tasks.add(task)
                        task.add_done_callback(tasks.discard)
                    await self.queue.wait(None)
            finally:
                await cancel_and_wait(tasks)

    async def _deliver(
        self, session: aiohttp.ClientSession, entry: _Pending, busy: set[object]
    ) -> None:
        """POST one update until the bot answers 2xx; then its chat's next one may go."""
        failures = 0
        try:
            while (error := await self._post(session, entry)) is not None:
                failures += 1
                self.last_error_date = int(time.time())
                self.last_error_message = error
                log.info("webhook delivery of update %s failed: %s", entry.update_id, error)
                await self.pause(failures)
        finally:
            busy.discard(entry.chat)
            self.queue.notify()

    async def _post(self, session: aiohttp.ClientSession, entry: _Pending) -> str | None:
        """POST one update; returns an error message for getWebhookInfo, or None on success."""
        headers = {}
        if self.secret_token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = self.secret_token
        try:
            async with session.post(
                self.url,
                json=entry.update,
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=self.timeout),
            ) as response:
                if not 200 <= response.status < 300:
                    return f"Wrong response from the webhook: {response.status} {response.reason}"
                reply = await _read_webhook_reply(response)
        except aiohttp.ClientConnectorError as exc:
            if isinstance(exc.os_error, ConnectionRefusedError):
                return "Connection refused"  # Telegram's wording
            return f"Connection failed: {exc}"
        except (aiohttp.ClientError, OSError) as exc:
            return f"Connection failed: {exc.__class__.__name__}: {exc}"
        except TimeoutError:
            return "Read timeout expired"
        self.queue.remove(entry)
        self.deliveries += 1
        if reply is not None:
            method, params = reply
            try:
                await self._execute_reply(method, params)
            except Exception:  # a bad reply must not stop deliveries, as on Telegram
                log.exception("executing webhook reply %s failed", method)
        return None


async def _read_webhook_reply(
    response: aiohttp.ClientResponse,
) -> tuple[str, dict[str, Any]] | None:
    """A Bot API call embedded in a webhook response body, if there is one."""
    ctype = response.content_type
    params: dict[str, Any]
    if ctype == "application/json":
        try:
            body = json.loads(await response.read() or b"null")
        except ValueError:
            return None
        if not isinstance(body, dict):
            return None
        params = dict(body)
    elif ctype == "multipart/form-data":
        reader = aiohttp.MultipartReader(response.headers, response.content)
        fields, files = await read_multipart(reader)
        params = merge_parts(decode_fields(fields), files)
    elif ctype == "application/x-www-form-urlencoded":
        text = (await response.read()).decode("utf-8", "replace")
        params = decode_fields(parse_qsl(text, keep_blank_values=True))
    else:
        return None
    method = params.pop("method", None)
    if not isinstance(method, str) or not method:
        return None
    return method, params
