"""The webhook endpoint: verify Telegram's secret, store the update, then answer 200.

The same aiohttp application serves both runtimes, so neither framework's own
webhook machinery is in the way of the durable intake. It also answers
`GET /healthz`, `GET /readyz` and `GET /metrics` for load balancers, Prometheus
and on-call engineers (bot/handlers/operations.py).
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from bot import metrics
from bot.handlers.intake import Intake
from bot.handlers.operations import Probes, add_routes
from bot.jobs.background import Health
from bot.logs import event

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def webhook_app(
    url: str,
    secret: str,
    intake: Intake,
    receive: Callable[[list[dict[str, Any]]], Awaitable[object]],
    background: Health | None = None,
) -> web.Application:
    """Updates POSTed to `url`'s path are handed to `receive` (the processor's), which
    stores them before Telegram hears 200.

    `background` is the health of this process's scheduler and sender, shown on /healthz
    and /readyz.
    """
    expected = secret.encode()

    async def hook(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            event(log, "webhook.refused", logging.WARNING, reason="secret")
            return web.Response(status=401, text="unauthorized")
        try:
            update = await request.json()
            int(update["update_id"])
        except (ValueError, KeyError, TypeError):
            return web.Response(status=400, text="not an update")
        metrics.UPDATES_RECEIVED.inc()
        await receive([update])  # stored before Telegram hears 200
        return web.Response(text="ok")

    application = web.Application()
    application.router.add_post(urlsplit(url).path or "/", hook)
    add_routes(application, Probes(intake.sessions, intake.clock, background))
    return application
