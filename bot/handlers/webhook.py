"""The webhook endpoint: verify Telegram's secret, store the update, then answer 200.

The same aiohttp application serves both runtimes, so neither framework's own
webhook machinery is in the way of the durable intake. It also answers
`GET /healthz` for load balancers and on-call engineers:

    200 {"status": "ok", "pending_updates": 3, "sender": "running", "sender_restarts": 0, ...}
    503 {"status": "unavailable"}                 the database does not answer
    503 {"status": "sender_down", "sender": "restarting", "sender_last_error": "...", ...}
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable
from urllib.parse import urlsplit

from aiohttp import web

from bot.handlers.intake import Intake
from bot.jobs.background import Health
from bot.logs import event

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def webhook_app(
    url: str,
    secret: str,
    intake: Intake,
    wake: Callable[[], None],
    background: Health | None = None,
) -> web.Application:
    """Updates POSTed to `url`'s path are stored, then `wake` tells the processor.

    `background` is the health of this process's scheduler and sender, shown on /healthz.
    """
    expected = secret.encode()

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            event(log, "webhook.refused", logging.WARNING, reason="secret")
            return web.Response(status=401, text="unauthorized")
        try:
            update = await request.json()
            int(update["update_id"])
        except (ValueError, KeyError, TypeError):
            return web.Response(status=400, text="not an update")
        await intake.record([update])  # stored before Telegram hears 200
        wake()
        return web.Response(text="ok")

    async def health(_: web.Request) -> web.Response:
        try:
            pending = await intake.pending_count()
        except Exception:  # the database is down: tell the load balancer
            return web.json_response({"status": "unavailable"}, status=503)
        body: dict[str, object] = {"status": "ok", "pending_updates": pending}
        if background is not None:
            body.update(background.report())
            if not background.ok:
                body["status"] = "sender_down"
                return web.json_response(body, status=503)
        return web.json_response(body)

    application = web.Application()
    application.router.add_post(urlsplit(url).path or "/", receive)
    application.router.add_get("/healthz", health)
    return application
