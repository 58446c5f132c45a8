"""`LocalServer`: what both emulators are as servers (Telegram's `BotAPIEmulator` and
WhatsApp's `CloudAPIEmulator` build on it).

    async with emu:    start(): an aiohttp app on host:port (port=0: a free one),
        emu.url                 "http://127.0.0.1:<port>"
    (exit)             stop():  answers held back by an injected delay go out at once,
                                then the subclass's `_close()`, then the app

It also holds the emulator's rate limits: replacing them (`emu.limits = ...` or
`emu.set_limits(...)`) builds a new limiter through `_use_limits`, so every bucket starts
full again.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from typing import Any, Generic, Self, TypeVar

from aiohttp import web

__all__ = ["LocalServer"]

LimitsT = TypeVar("LimitsT")


class LocalServer(Generic[LimitsT]):
    """Subclasses add their routes in `_add_routes`, build their limiter in `_use_limits`
    and set `self.limits` in their constructor."""

    def __init__(self, host: str, port: int, *, max_body: int) -> None:
        self.host = host
        self.port = port
        self._max_body = max_body  # the largest request body the API takes
        self._limits: LimitsT
        self._runner: web.AppRunner | None = None
        self._url: str | None = None
        self._stopping = asyncio.Event()

    def _add_routes(self, router: web.UrlDispatcher) -> None:
        raise NotImplementedError

    def _use_limits(self, limits: LimitsT) -> None:
        """Build the rate limiter for these limits."""
        raise NotImplementedError

    async def _close(self) -> None:
        """Stop what runs beside the HTTP app (webhook deliveries, long polls)."""

    # -- lifecycle ------------------------------------------------------------------------
    async def start(self) -> str:
        """Listen on host:port (a free port when port=0) and return the base URL."""
        app = web.Application(client_max_size=self._max_body)
        self._add_routes(app.router)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        self._url = f"http://{self.host}:{self.port}"
        self._stopping.clear()
        return self._url

    async def stop(self) -> None:
        """Stop serving; responses still waiting out an injected delay return at once."""
        self._stopping.set()
        await self._close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def url(self) -> str:
        """Base URL, e.g. "http://127.0.0.1:8081" (the API itself is below it: `api_url`)."""
        if self._url is None:
            raise RuntimeError("the emulator is not started; await emu.start() first")
        return self._url

    async def _sleep(self, seconds: float) -> None:
        """Wait `seconds` (an injected delay), or less when the emulator stops meanwhile."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    # -- limits ---------------------------------------------------------------------------
    @property
    def limits(self) -> LimitsT:
        return self._limits

    @limits.setter
    def limits(self, limits: LimitsT) -> None:
        """Replace the limits; all rate-limit buckets start full again."""
        self._limits = limits
        self._use_limits(limits)

    def set_limits(self, **changes: Any) -> LimitsT:
        """Change some limits, e.g. `emu.set_limits(time_scale=100)` on Telegram's or
        `emu.set_limits(pair_per_second=1/6)` on WhatsApp's; returns the new ones."""
        self.limits = dataclasses.replace(self._limits, **changes)
        return self._limits
