"""The results page served by a running Wijkbot, rendered from the database and kept for a
few minutes (SITE_LIVE=true; SITE_PORT, SITE_CACHE_SECONDS).

    GET /results            -> 301 /results/
    GET /results/           the start page (index.html)
    GET /results/<path>     a page, the stylesheet or a photo, from the last build
                            (rebuilt when older than SITE_CACHE_SECONDS); else 404

The files are the ones `wijkbot site build` writes, so relative links work the same.
Photos are fetched once per file id while the process runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable
from pathlib import PurePosixPath

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.config import ConfigError
from bot.domain.showcase import MOST_RESULTS
from bot.logs import event
from bot.site import build
from bot.site.photos import PhotoSource

log = logging.getLogger(__name__)
PREFIX = "/results"
TYPES = {
    ".html": "text/html",
    ".css": "text/css",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".webp": "image/webp",
}


def remembered(photos: PhotoSource, most: int = 4 * MOST_RESULTS) -> PhotoSource:
    """`photos`, each fetched once (at most `most` kept: a result's photo does not change)."""
    kept: dict[str, bytes | None] = {}

    async def fetch(file_id: str) -> bytes | None:
        if file_id not in kept:
            if len(kept) >= most:
                kept.clear()
            kept[file_id] = await photos(file_id)
        return kept[file_id]

    return fetch


class LiveSite:
    """The site's files, built again when asked for after `ttl` seconds."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        photos: PhotoSource,
        clock: Clock,
        ttl: float,
        timer: Callable[[], float] = time.monotonic,
    ) -> None:
        self._sessions, self._photos, self._clock = sessions, remembered(photos), clock
        self._ttl, self._timer = ttl, timer
        self._files: build.Files | None = None
        self._built_at = 0.0
        self._lock = asyncio.Lock()  # one build at a time; the others wait for it

    async def files(self) -> build.Files:
        async with self._lock:
            if self._files is None or self._timer() - self._built_at >= self._ttl:
                async with self._sessions() as session:
                    self._files = await build.site(session, self._photos, self._clock.now())
                self._built_at = self._timer()
                event(log, "site.built", files=len(self._files))
            return self._files

    def add_routes(self, application: web.Application) -> None:
        async def start(_: web.Request) -> web.Response:
            raise web.HTTPMovedPermanently(f"{PREFIX}/")

        async def serve(request: web.Request) -> web.Response:
            path = request.match_info["path"]
            if path == "" or path.endswith("/"):
                path += "index.html"
            content = (await self.files()).get(path)
            if content is None:
                raise web.HTTPNotFound(text="not found")
            kind = TYPES.get(PurePosixPath(path).suffix, "application/octet-stream")
            return web.Response(
                body=content,
                content_type=kind,
                charset="utf-8" if kind.startswith("text/") else None,
                headers={"Cache-Control": f"public, max-age={int(self._ttl)}"},
            )

        application.router.add_get(PREFIX, start)
        application.router.add_get(PREFIX + "/{path:.*}", serve)


@contextlib.asynccontextmanager
async def serving(site: LiveSite, host: str, port: int) -> AsyncIterator[None]:
    """The results page on a server of its own, e.g. behind the neighbourhood's website."""
    application = web.Application()
    site.add_routes(application)
    runner = web.AppRunner(application, access_log=None)
    await runner.setup()
    try:
        try:
            await web.TCPSite(runner, host, port).start()
        except OSError as exc:
            raise ConfigError(f"SITE_PORT: cannot listen on {host}:{port}: {exc}") from None
        event(log, "site.listening", listen=f"{host}:{port}", path=f"{PREFIX}/")
        yield
    finally:
        await runner.cleanup()
