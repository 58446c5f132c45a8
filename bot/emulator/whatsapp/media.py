"""Media the bot uploads and media people send: kept in memory under numeric ids, as Meta
keeps them under media ids (digits). `GET /v{ver}/{id}` describes one, and its `url`
serves the bytes to a request with the same bearer token."""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass

__all__ = ["MAX_BYTES", "MediaStore", "StoredMedia"]

# Meta's upload limits per kind (bytes); other types are refused.
MAX_BYTES: dict[str, int] = {
    "image/jpeg": 5 * 1024 * 1024,
    "image/png": 5 * 1024 * 1024,
    "image/webp": 500 * 1024,  # stickers
    "application/pdf": 100 * 1024 * 1024,
    "text/plain": 100 * 1024 * 1024,
    "audio/ogg": 16 * 1024 * 1024,
    "audio/mpeg": 16 * 1024 * 1024,
    "video/mp4": 16 * 1024 * 1024,
}


@dataclass(frozen=True)
class StoredMedia:
    id: str
    content: bytes
    mime_type: str
    filename: str | None = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


class MediaStore:
    def __init__(self, first_id: int = 880_000_000_000_001):
        self._ids = itertools.count(first_id)
        self._items: dict[str, StoredMedia] = {}

    def add(self, content: bytes, mime_type: str, filename: str | None = None) -> StoredMedia:
        stored = StoredMedia(str(next(self._ids)), content, mime_type, filename)
        self._items[stored.id] = stored
        return stored

    def get(self, media_id: str) -> StoredMedia | None:
        return self._items.get(media_id)

    def __contains__(self, media_id: object) -> bool:
        return media_id in self._items
