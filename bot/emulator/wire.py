"""Decoding Bot API requests the way Telegram does.

Parameters may come from the query string, a JSON body, a urlencoded form or a multipart
form (aiogram always posts forms, python-telegram-bot posts urlencoded or multipart). In
forms every value is a string: numbers, booleans and objects (reply_markup, entities, media,
...) arrive JSON-encoded, while String parameters (text, caption, ...) arrive verbatim and
must not be decoded (a text "123" stays a string). Files arrive as multipart parts, either
under the parameter name or referenced as `attach://<part>` from a parameter or from inside
a JSON-encoded value (InputMedia.media).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from aiohttp import MultipartReader, web

from .errors import bad_request

__all__ = ["Params", "UploadedFile", "decode_fields", "read_multipart", "read_request_params"]

# Parameters of type String (or InputFile-or-String) in the Bot API: never JSON-decoded.
STRING_FIELDS = frozenset(
    {
        "action",
        "address",
        "animation",
        "audio",
        "business_connection_id",
        "callback_query_id",
        "caption",
        "certificate",
        "cover",
        "custom_emoji_id",
        "description",
        "document",
        "emoji",
        "file_id",
        "first_name",
        "inline_message_id",
        "inline_query_id",
        "ip_address",
        "language_code",
        "last_name",
        "message_effect_id",
        "method",
        "name",
        "parse_mode",
        "phone_number",
        "photo",
        "question",
        "secret_token",
        "short_description",
        "sticker",
        "text",
        "thumbnail",
        "title",
        "url",
        "username",
        "vcard",
        "video",
        "video_note",
        "voice",
    }
)


@dataclass(frozen=True)
class UploadedFile:
    """A file sent as a multipart part."""

    filename: str | None
    content: bytes
    content_type: str | None = None

    def __repr__(self) -> str:  # keep call logs readable
        return f"UploadedFile({self.filename!r}, {len(self.content)} bytes)"


def decode_value(name: str, raw: str) -> Any:
    """Decode one form/query value: JSON for non-String parameters, verbatim otherwise."""
    if name in STRING_FIELDS:
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def decode_fields(fields: Iterable[tuple[str, str]]) -> dict[str, Any]:
    return {name: decode_value(name, raw) for name, raw in fields}


def _resolve_attachments(value: Any, files: dict[str, UploadedFile], used: set[str]) -> Any:
    """Replace `attach://name` strings (at any depth) by the uploaded part `name`."""
    if isinstance(value, str) and value.startswith("attach://"):
        name = value[len("attach://") :]
        if name in files:
            used.add(name)
            return files[name]
        return value
    if isinstance(value, list):
        return [_resolve_attachments(item, files, used) for item in value]
    if isinstance(value, dict):
        return {key: _resolve_attachments(item, files, used) for key, item in value.items()}
    return value


def merge_parts(fields: dict[str, Any], files: dict[str, UploadedFile]) -> dict[str, Any]:
    """Combine decoded fields with file parts: referenced parts are substituted, the others
    become parameters under their part name (how python-telegram-bot sends single files)."""
    used: set[str] = set()
    params = {name: _resolve_attachments(value, files, used) for name, value in fields.items()}
    for name, upload in files.items():
        if name not in used and name not in params:
            params[name] = upload
    return params


async def read_multipart(reader: MultipartReader) -> tuple[list[tuple[str, str]], dict]:
    """Split a multipart body into text fields and uploaded files."""
    fields: list[tuple[str, str]] = []
    files: dict[str, UploadedFile] = {}
    while True:
        part = await reader.next()
        if part is None:
            break
        if isinstance(part, MultipartReader):  # nested multipart: not used by Bot API clients
            continue
        name = part.name or ""
        if part.filename is not None:
            content = await part.read(decode=True)
            ctype = part.headers.get("Content-Type")
            files[name] = UploadedFile(part.filename, bytes(content), ctype)
        else:
            fields.append((name, await part.text()))
    return fields, files


async def read_request_params(request: web.Request) -> dict[str, Any]:
    """All parameters of a Bot API request, decoded; raises ApiError on a malformed body."""
    params: dict[str, Any] = decode_fields(request.query.items())
    if not request.body_exists:
        return params
    ctype = request.content_type
    if ctype == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise bad_request("can't parse JSON object") from None
        if not isinstance(body, dict):
            raise bad_request("JSON object expected")
        params.update(body)
    elif ctype == "multipart/form-data":
        fields, files = await read_multipart(await request.multipart())
        params.update(merge_parts(decode_fields(fields), files))
    else:  # application/x-www-form-urlencoded (and clients that forget the header)
        form = await request.post()
        params.update(decode_fields((k, v) for k, v in form.items() if isinstance(v, str)))
    return params


class Params:
    """Typed access to request parameters with Telegram's error wording."""

    def __init__(self, data: dict[str, Any], method: str = ""):
        self.data = data
        self.method = method  # canonical method name, for handlers serving several methods

    def __contains__(self, name: str) -> bool:
        return self.data.get(name) is not None

    def raw(self, name: str) -> Any:
        return self.data.get(name)

    def integer(self, name: str, *, required: bool = False) -> int | None:
        value = self.data.get(name)
        if value is None or value == "":
            if required:
                raise bad_request(f'parameter "{name}" is required')
            return None
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str):
            try:
                return int(value.strip())
            except ValueError:
                pass
        raise bad_request(f"invalid {name} specified")

    def number(self, name: str, *, required: bool = False) -> float | None:
        value = self.data.get(name)
        if value is None or value == "":
            if required:
                raise bad_request(f'parameter "{name}" is required')
            return None
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def string(self, name: str, *, required: bool = False) -> str | None:
        value = self.data.get(name)
        if value is None:
            if required:
                raise bad_request(f'parameter "{name}" is required')
            return None
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float):
            return str(value)
        if isinstance(value, str):
            return value
        raise bad_request(f'field "{name}" must be of type String')

    def flag(self, name: str) -> bool:
        value = self.data.get(name)
        if isinstance(value, str):
            return value.strip().lower() in ("true", "1")
        return bool(value)

    def json(self, name: str) -> Any:
        """An object/array parameter; JSON strings inside JSON bodies are accepted too."""
        value = self.data.get(name)
        if isinstance(value, str):
            if not value:
                return None
            try:
                return json.loads(value)
            except ValueError:
                raise bad_request(f"can't parse {name} JSON object") from None
        return value

    def chat_id(self) -> int | str:
        value = self.data.get("chat_id")
        if value is None or value == "":
            raise bad_request("chat_id is empty")
        if isinstance(value, bool):
            raise bad_request("chat not found")
        if isinstance(value, int):
            return value
        text = str(value).strip()
        try:
            return int(text)
        except ValueError:
            return text  # "@username"
