"""Webhook delivery as Meta does it: a verification handshake, then signed POSTs.

    subscribe(url, verify_token)
        GET url?hub.mode=subscribe&hub.challenge=<n>&hub.verify_token=<t>  -> body must be <n>
    push(wa_id, payload)
        POST url, X-Hub-Signature-256: sha256=HMAC-SHA256(app secret, raw body)
        no 2xx (or no connection) -> retried with a doubling pause, at most `max_attempts`
        times; one person's events go one at a time and in order, people in parallel.

The body is serialized as Meta serializes it: non-ASCII as \\uXXXX escapes and "/" as
"\\/", so a receiver that checks the signature over re-serialized JSON instead of the raw
bytes fails here as it would in production.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import secrets
from collections import deque
from typing import Any

import aiohttp

from ..retries import RetryingDeliverer, cancel_and_wait

__all__ = ["WebhookDeliverer", "WebhookVerificationError", "sign"]

log = logging.getLogger(__name__)


class WebhookVerificationError(RuntimeError):
    """The subscribed endpoint did not answer the verification challenge."""


def sign(app_secret: str, body: bytes) -> str:
    """The X-Hub-Signature-256 header value for a raw body."""
    digest = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def encode(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=True).replace("/", "\\/").encode()


class WebhookDeliverer(RetryingDeliverer):
    """Meta's deliveries to one subscribed URL (the pause between attempts and the
    time-out: `RetryingDeliverer`)."""

    def __init__(
        self,
        app_secret: str,
        *,
        retry_delay: float = 0.05,
        max_retry_delay: float = 1.0,
        max_attempts: int = 10,
        timeout: float = 10.0,
    ):
        super().__init__(retry_delay=retry_delay, max_retry_delay=max_retry_delay, timeout=timeout)
        self.app_secret = app_secret
        self.max_attempts = max_attempts
        self.url: str | None = None
        self.failures = 0  # failed attempts (non-2xx, refused connection, time-out)
        self.delivered = 0  # POSTs answered 2xx
        self.dropped: list[dict[str, Any]] = []  # payloads given up after max_attempts
        self._queues: dict[str, deque[bytes]] = {}
        self._workers: dict[str, asyncio.Task[None]] = {}
        self._idle = asyncio.Event()
        self._idle.set()
        self._session: aiohttp.ClientSession | None = None

    async def subscribe(self, url: str, verify_token: str) -> None:
        """Meta's verification request; raises WebhookVerificationError unless the endpoint
        echoes the challenge. Events queued before are delivered from then on."""
        challenge = str(secrets.randbelow(10**9) + 10**9)
        params = {
            "hub.mode": "subscribe",
            "hub.challenge": challenge,
            "hub.verify_token": verify_token,
        }
        try:
            async with self._client().get(url, params=params) as response:
                answer = await response.text()
                status = response.status
        except aiohttp.ClientError as exc:
            raise WebhookVerificationError(f"verification request failed: {exc}") from exc
        if status != 200 or answer != challenge:
            raise WebhookVerificationError(
                f"the endpoint answered {status} {answer[:80]!r}, not the challenge"
            )
        self.url = url
        for key in list(self._queues):
            self._start(key)

    def push(self, key: str, payload: dict[str, Any]) -> None:
        """Queue one payload for `key`'s (a person's) ordered stream."""
        self._queues.setdefault(key, deque()).append(encode(payload))
        self._idle.clear()
        if self.url is not None:
            self._start(key)

    @property
    def pending(self) -> int:
        return sum(len(queue) for queue in self._queues.values())

    async def drain(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Wait until every queued payload was delivered or dropped."""
        await asyncio.wait_for(self._idle.wait(), timeout)

    async def stop(self) -> None:
        self.url = None
        workers = list(self._workers.values())
        self._workers.clear()
        await cancel_and_wait(workers)
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout))
        return self._session

    def _start(self, key: str) -> None:
        worker = self._workers.get(key)
        if worker is None or worker.done():
            self._workers[key] = asyncio.get_running_loop().create_task(self._work(key))

    async def _work(self, key: str) -> None:
        queue = self._queues[key]
        while queue and self.url is not None:
            body = queue[0]
            for attempt in range(self.max_attempts):
                if await self._post(body):
                    break
                self.failures += 1
                if attempt + 1 < self.max_attempts:
                    await self.pause(attempt + 1)
            else:
                log.warning("webhook given up after %d attempts", self.max_attempts)
                self.dropped.append(json.loads(body))
            queue.popleft()
        if self.pending == 0:
            self._idle.set()

    async def _post(self, body: bytes) -> bool:
        assert self.url is not None
        headers = {
            "Content-Type": "application/json",
            "X-Hub-Signature-256": sign(self.app_secret, body),
        }
        try:
            async with self._client().post(self.url, data=body, headers=headers) as response:
                await response.read()
                return 200 <= response.status < 300
        except (aiohttp.ClientError, TimeoutError):
            return False
