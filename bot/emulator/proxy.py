"""A round-robin load balancer in front of several webhook processes, for tests and benchmarks.

    emulator ──webhook──> RoundRobin ──> wijkbot run A ──┐
                                     └─> wijkbot run B ──┴──> one PostgreSQL

It behaves as nginx does with its defaults: a backend that refuses the connection is
skipped (nothing was sent to it); one that breaks off after the request was sent makes
a 502 (a POST is not sent twice), which Telegram (and the emulator) retries.
"""

from __future__ import annotations

import itertools

import aiohttp
from aiohttp import web

PATH = "/telegram/hook"


class RoundRobin:
    def __init__(self) -> None:
        self.backends: list[str] = []  # HOST:PORT each
        self.url = ""  # known once entered
        self._turn = itertools.count()
        self._runner: web.AppRunner | None = None
        self._http: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> RoundRobin:
        self._http = aiohttp.ClientSession()
        app = web.Application()
        app.router.add_post(PATH, self._forward)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}{PATH}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._runner is not None and self._http is not None
        await self._runner.cleanup()
        await self._http.close()

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._http is not None
        body = await request.read()
        headers = {key: value for key, value in request.headers.items() if key.startswith("X-")}
        headers["Content-Type"] = request.content_type
        first = next(self._turn)
        for n in range(len(self.backends)):
            backend = self.backends[(first + n) % len(self.backends)]
            try:
                async with self._http.post(
                    f"http://{backend}{PATH}", data=body, headers=headers
                ) as response:
                    return web.Response(status=response.status, body=await response.read())
            except aiohttp.ClientConnectorError:
                continue  # not connected: nothing was sent, the next backend gets it
            except aiohttp.ClientError:
                return web.Response(status=502)
        return web.Response(status=502)
