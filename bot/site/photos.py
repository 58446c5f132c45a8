"""Where the photos of results come from: a `PhotoSource` turns a stored file id into the
picture's bytes (None: not available, the result is shown without it).

The running bot downloads them from the Bot API it talks to (getFile, then the file);
tests and the sandbox hand in their own source.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import aiohttp

from bot.logs import event

log = logging.getLogger(__name__)
PhotoSource = Callable[[str], Awaitable[bytes | None]]
MOST_BYTES = 10 * 1024 * 1024  # Telegram's photos are far smaller; anything bigger is skipped


async def no_photos(_: str) -> bytes | None:
    return None


def extension(picture: bytes) -> str:
    """The file name's ending for the image's format (Telegram's photos are JPEG)."""
    if picture.startswith(b"\x89PNG"):
        return ".png"
    if picture[:4] == b"RIFF" and picture[8:12] == b"WEBP":
        return ".webp"
    return ".jpg"


def from_bot_api(api_url: str, token: str, timeout: float = 20.0) -> PhotoSource:
    """Photos as the bot itself downloads files: getFile, then /file/bot<token>/<path>."""
    base = api_url.rstrip("/")

    async def fetch(file_id: str) -> bytes | None:
        try:
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as http:
                async with http.get(
                    f"{base}/bot{token}/getFile", params={"file_id": file_id}
                ) as answer:
                    found = await answer.json()
                path = (found.get("result") or {}).get("file_path")
                if not found.get("ok") or not path:
                    return None
                async with http.get(f"{base}/file/bot{token}/{path}") as answer:
                    if answer.status != 200 or (answer.content_length or 0) > MOST_BYTES:
                        return None
                    return await answer.read()
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            event(log, "site.photo_failed", logging.WARNING, error=type(exc).__name__)
            return None

    return fetch
