"""The Bot API calls a bot made, as comparable lines, and two such logs side by side.

Only what a person can tell apart is kept: the method and its meaningful
parameters (chat, text, parse mode, keyboard, the message an edit replaces,
a button's answer text, files) and whether Telegram refused the call. Ids that
differ by nature (callback_query_id) and housekeeping (getUpdates,
setMyCommands, getMe, webhooks) are left out.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import textwrap
from collections.abc import Sequence
from difflib import SequenceMatcher
from typing import Any

from bot.emulator import ApiCall
from bot.emulator.wire import UploadedFile

HOUSEKEEPING = frozenset(
    {"getUpdates", "getMe", "setMyCommands", "deleteWebhook", "setWebhook", "getWebhookInfo"}
)
MEANINGFUL = (
    "chat_id", "message_id", "text", "caption", "parse_mode", "link_preview_options",
    "reply_markup", "photo", "document", "show_alert", "url", "allow_paid_broadcast",
)  # fmt: skip
IDS = ("chat_id", "message_id")


def _value(name: str, value: Any) -> str:
    if isinstance(value, UploadedFile):
        digest = hashlib.sha256(value.content).hexdigest()[:12]
        return f"<upload {value.filename} {len(value.content)} bytes {digest}>"
    if name in IDS and isinstance(value, str) and value.lstrip("-").isdigit():
        value = int(value)  # "1001" and 1001 name the same chat
    return json.dumps(_without_nulls(value), ensure_ascii=False, sort_keys=True)


def _without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(item) for item in value]
    return value


def describe(call: ApiCall) -> str:
    """One call as one line, e.g. `sendMessage chat_id=1001 text="Hoi" parse_mode="HTML"`."""
    params = " ".join(
        f"{name}={_value(name, call.params[name])}"
        for name in MEANINGFUL
        if call.params.get(name) is not None
    )
    refused = "" if call.ok else f" -> {call.error_code} {call.description}"
    return f"{call.method} {params}".rstrip() + refused


def transcript(calls: Sequence[ApiCall], marks: Sequence[tuple[int, str]] = ()) -> list[str]:
    """The meaningful calls as lines; `marks` ((calls made before it, text)) say what people
    did in between, so that a difference is seen in its place in the conversation."""
    lines: list[str] = []
    pending = sorted(marks, key=lambda mark: mark[0])
    for index, call in enumerate(calls):
        while pending and pending[0][0] <= index:
            lines.append(f"## {pending.pop(0)[1]}")
        if call.method not in HOUSEKEEPING:
            lines.append(describe(call))
    lines += [f"## {text}" for _, text in pending]
    return lines


def side_by_side(
    left: Sequence[str], right: Sequence[str], titles: tuple[str, str], width: int = 64
) -> str:
    """Both transcripts in two columns, aligned where they agree; differing rows marked
    `!` (changed), `<` (only left) or `>` (only right)."""
    rows = [f"  {titles[0]:<{width}} | {titles[1]}", "  " + "-" * (2 * width + 3)]
    matcher = SequenceMatcher(a=left, b=right, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        mark = {"equal": " ", "replace": "!", "delete": "<", "insert": ">"}[tag]
        for a, b in itertools.zip_longest(left[i1:i2], right[j1:j2], fillvalue=""):
            cells = (textwrap.wrap(a, width) or [""], textwrap.wrap(b, width) or [""])
            for n, (x, y) in enumerate(itertools.zip_longest(*cells, fillvalue="")):
                rows.append(f"{mark if n == 0 else ' '} {x:<{width}} | {y}")
    return "\n".join(rows)
