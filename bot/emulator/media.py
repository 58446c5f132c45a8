"""Files the bot and the simulated people exchange: storage, ids and Bot API objects.

Uploaded bytes are kept in memory so tests can assert on exactly what a person received and
bots can download files people sent (getFile + /file/bot<token>/<path>). Photos must be real
images, as on Telegram (which answers IMAGE_PROCESS_FAILED otherwise); the dimensions are read
from the image header and Telegram's thumbnail sizes are announced (all sizes share the
original bytes: the emulator does not resample).
"""

from __future__ import annotations

import base64
import mimetypes
import os
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

__all__ = ["FileStore", "StoredFile", "image_size", "make_png"]

# Telegram's photo size ladder (longest side), smallest first.
_PHOTO_SIDES = (90, 320, 800, 1280)
_FILE_ID_PREFIX = {
    "photo": "AgACAgQAAxkBAAI",
    "document": "BQACAgQAAxkBAAI",
    "video": "BAACAgQAAxkBAAI",
    "audio": "CQACAgQAAxkBAAI",
    "voice": "AwACAgQAAxkBAAI",
    "sticker": "CAACAgQAAxkBAAI",
    "animation": "CgACAgQAAxkBAAI",
    "video_note": "DQACAgQAAxkBAAI",
}
_FOLDER = {
    "photo": "photos",
    "document": "documents",
    "video": "videos",
    "audio": "music",
    "voice": "voice",
    "sticker": "stickers",
    "animation": "animations",
    "video_note": "video_notes",
}
_DEFAULT_EXTENSION = {
    "photo": ".jpg",
    "voice": ".oga",
    "sticker": ".webp",
    "video": ".mp4",
    "animation": ".mp4",
    "video_note": ".mp4",
    "audio": ".mp3",
}
_JPEG_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG, JPEG, GIF, WebP or BMP image; None if not an image."""
    try:
        size = _sniff_size(data)
    except (struct.error, IndexError):
        return None
    if size is None or size[0] <= 0 or size[1] <= 0:
        return None
    return size


def _sniff_size(data: bytes) -> tuple[int, int] | None:
    if data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR":
        width, height = struct.unpack(">II", data[16:24])
        return width, height
    if data[:6] in (b"GIF87a", b"GIF89a"):
        width, height = struct.unpack("<HH", data[6:10])
        return width, height
    if data.startswith(b"\xff\xd8"):
        i = 2
        while i + 9 <= len(data):
            if data[i] != 0xFF:
                i += 1
                continue
            marker = data[i + 1]
            if marker in _JPEG_SOF:
                height, width = struct.unpack(">HH", data[i + 5 : i + 9])
                return width, height
            if marker == 0xFF:
                i += 1
            elif marker in (0x01, 0xD8) or 0xD0 <= marker <= 0xD7:
                i += 2
            else:
                (length,) = struct.unpack(">H", data[i + 2 : i + 4])
                i += 2 + length
        return None
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        chunk = data[12:16]
        if chunk == b"VP8 ":
            width = int.from_bytes(data[26:28], "little") & 0x3FFF
            height = int.from_bytes(data[28:30], "little") & 0x3FFF
            return width, height
        if chunk == b"VP8L":
            b = data[21:25]
            width = 1 + (((b[1] & 0x3F) << 8) | b[0])
            height = 1 + (((b[3] & 0x0F) << 10) | (b[2] << 2) | ((b[1] & 0xC0) >> 6))
            return width, height
        if chunk == b"VP8X":
            width = 1 + int.from_bytes(data[24:27], "little")
            height = 1 + int.from_bytes(data[27:30], "little")
            return width, height
        return None
    if data.startswith(b"BM"):
        width, height = struct.unpack("<ii", data[18:26])
        return width, abs(height)
    return None


def make_png(width: int = 1, height: int = 1, color: tuple[int, int, int] = (46, 125, 50)) -> bytes:
    """A valid single-colour PNG, for tests and simulated people sending photos."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)

    row = b"\x00" + bytes(color) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height, 9))
        + chunk(b"IEND", b"")
    )


@dataclass(eq=False)
class StoredFile:
    """One file known to the emulator, addressable by file_id and by file_path."""

    file_id: str
    file_unique_id: str
    kind: str  # photo | document | video | audio | voice | animation | sticker | video_note
    content: bytes
    file_path: str
    file_name: str | None = None
    mime_type: str | None = None
    width: int | None = None
    height: int | None = None
    duration: int | None = None
    source_url: str | None = None  # sent by URL: Telegram would fetch it, the emulator can't
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.content)

    def to_api(self) -> dict[str, Any]:
        """The Bot API object (PhotoSize, Document, Voice, ...) describing this file."""
        obj: dict[str, Any] = {"file_id": self.file_id, "file_unique_id": self.file_unique_id}
        kind = self.kind
        if kind in ("photo", "video", "animation", "sticker"):
            obj["width"] = self.width or 0
            obj["height"] = self.height or 0
        if kind == "video_note":
            obj["length"] = self.width or 0
        if kind in ("video", "animation", "audio", "voice", "video_note"):
            obj["duration"] = self.duration or 0
        if kind == "sticker":
            obj.update({"type": "regular", "is_animated": False, "is_video": False})
        if kind in ("document", "video", "animation", "audio") and self.file_name:
            obj["file_name"] = self.file_name
        if kind != "photo" and self.mime_type and kind not in ("sticker", "video_note"):
            obj["mime_type"] = self.mime_type
        obj.update(self.extra)
        if self.content:
            obj["file_size"] = self.size
        return obj

    def file_api(self) -> dict[str, Any]:
        """The Bot API `File` object returned by getFile."""
        obj: dict[str, Any] = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_path": self.file_path,
        }
        if self.content:
            obj["file_size"] = self.size
        return obj


class FileStore:
    """In-memory registry of every file sent by the bot or by simulated people."""

    def __init__(self) -> None:
        self._by_id: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}
        self._counter = 0

    def __len__(self) -> int:
        return len(self._by_id)

    def get(self, file_id: str) -> StoredFile | None:
        return self._by_id.get(file_id)

    def by_path(self, file_path: str) -> StoredFile | None:
        return self._by_path.get(file_path)

    def register(self, *files: StoredFile) -> None:
        """Make files addressable by file_id and file_path (idempotent)."""
        for stored in files:
            self._by_id[stored.file_id] = stored
            self._by_path[stored.file_path] = stored

    def add(self, kind: str, content: bytes, **details: Any) -> StoredFile:
        """Create and register a file; `details` as for `create`."""
        stored = self.create(kind, content, **details)
        self.register(stored)
        return stored

    def create(
        self,
        kind: str,
        content: bytes,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
        width: int | None = None,
        height: int | None = None,
        duration: int | None = None,
        source_url: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> StoredFile:
        """A new file with fresh ids, not yet registered (see `register`)."""
        self._counter += 1
        n = self._counter
        token = base64.urlsafe_b64encode(n.to_bytes(4, "big") + os.urandom(20)).decode()
        if mime_type is None and file_name:
            mime_type = mimetypes.guess_type(file_name)[0]
        extension = PurePosixPath(file_name).suffix if file_name else ""
        if not extension and mime_type and kind != "photo":
            extension = mimetypes.guess_extension(mime_type) or ""
        extension = extension or _DEFAULT_EXTENSION.get(kind, "")
        stored = StoredFile(
            file_id=_FILE_ID_PREFIX.get(kind, "BQACAgQAAxkBAAI") + token.rstrip("="),
            file_unique_id="AgAD" + base64.urlsafe_b64encode(n.to_bytes(6, "big")).decode(),
            kind=kind,
            content=content,
            file_path=f"{_FOLDER.get(kind, 'documents')}/file_{n}{extension}",
            file_name=file_name,
            mime_type=mime_type,
            width=width,
            height=height,
            duration=duration,
            source_url=source_url,
            extra=dict(extra or {}),
        )
        return stored

    def add_photo(
        self, content: bytes, width: int, height: int, *, source_url: str | None = None
    ) -> list[StoredFile]:
        """Create and register the sizes of a photo (see `photo_sizes`)."""
        sizes = self.photo_sizes(content, width, height, source_url=source_url)
        self.register(*sizes)
        return sizes

    def photo_sizes(
        self, content: bytes, width: int, height: int, *, source_url: str | None = None
    ) -> list[StoredFile]:
        """A photo as Telegram announces it: PhotoSize entries from small to the original
        (capped at 1280 on the long side). Not registered yet."""
        longest = max(width, height)
        sizes: list[StoredFile] = []
        for side in _PHOTO_SIDES:
            if side >= longest:
                break
            scale = side / longest
            sizes.append(
                self.create(
                    "photo",
                    content,
                    width=max(1, round(width * scale)),
                    height=max(1, round(height * scale)),
                    source_url=source_url,
                )
            )
        if longest > _PHOTO_SIDES[-1]:
            return sizes  # the 1280 entry is the largest Telegram keeps by default
        sizes.append(
            self.create("photo", content, width=width, height=height, source_url=source_url)
        )
        return sizes
