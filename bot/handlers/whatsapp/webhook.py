"""WhatsApp's webhook: Meta's verification, the signature, and the messages stored before 200.

    GET  ?hub.mode=subscribe&hub.verify_token=T&hub.challenge=C ──> C (T right) | 403
    POST X-Hub-Signature-256: sha256=HMAC(app secret, raw body) ──wrong──> 401
                                                                 └─right─> messages ──> receive
                                                                           (stored) ─┐
                                                                 statuses ──> record ┴─> 200

Anything that fails before the 200 (the database away) answers 500, and Meta
sends the webhook again later; storing is idempotent on the message id, so a
repeated webhook is stored once.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from aiohttp import web

from bot import metrics
from bot.handlers.whatsapp.reading import Status, statuses, updates
from bot.logs import event

log = logging.getLogger(__name__)
SIGNATURE_HEADER = "X-Hub-Signature-256"

Receive = Callable[[list[dict[str, Any]]], Awaitable[object]]
RecordStatuses = Callable[[Sequence[Status]], Awaitable[object]]


def signature(app_secret: str, body: bytes) -> str:
    """The X-Hub-Signature-256 header's value Meta sends with `body`."""
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def add_routes(
    application: web.Application,
    path: str,
    *,
    verify_token: str,
    app_secret: str,
    receive: Receive,
    record_statuses: RecordStatuses,
) -> None:
    """Serve WhatsApp's webhook at `path` of `application` (Telegram's, or its own)."""

    async def verify(request: web.Request) -> web.Response:
        query = request.query
        given = query.get("hub.verify_token", "").encode()
        if query.get("hub.mode") != "subscribe" or not hmac.compare_digest(
            given, verify_token.encode()
        ):
            event(log, "whatsapp.verify_refused", logging.WARNING)
            return web.Response(status=403, text="forbidden")
        return web.Response(text=query.get("hub.challenge", ""))

    async def hook(request: web.Request) -> web.Response:
        raw = await request.read()
        given = request.headers.get(SIGNATURE_HEADER, "").encode()
        if not hmac.compare_digest(given, signature(app_secret, raw).encode()):
            event(log, "webhook.refused", logging.WARNING, reason="signature", channel="whatsapp")
            return web.Response(status=401, text="unauthorized")
        try:
            body = json.loads(raw)
        except ValueError:
            return web.Response(status=400, text="not JSON")
        if not isinstance(body, dict):
            return web.Response(status=400, text="not a webhook")
        items, said = updates(body), statuses(body)
        if items:
            metrics.UPDATES_RECEIVED.inc(len(items))
            await receive(items)  # stored before Meta hears 200
        if said:
            await record_statuses(said)
        return web.Response(text="ok")

    application.router.add_get(path, verify)
    application.router.add_post(path, hook)
