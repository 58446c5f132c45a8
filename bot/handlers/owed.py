"""An answer owed: the replies of one step, stored with its effects until they are sent.

    step's transaction:  effects + state + "done" + answer owed ──commit──> send ──> answer cleared
                                                                     │
                         process dies here ─> lease runs out ─> another process sends it

The runtime writes an `Owed` into `received_updates.answer` in the same
transaction that marks the update done, so the answer survives whatever
happens after the commit. Files (a chart, a CSV, an .ics, the /mydata export)
travel as base64 and are gone once the answer is sent.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

from bot.chat.replies import Answer, Button, File, Reply
from bot.i18n import Html

Json = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Owed:
    """What is still to be said in a chat, and to which button press."""

    chat_id: int
    answer: Answer | None = None  # None: the "slow down" notice of the flood control
    callback_id: str | None = None  # a pressed button: its query is answered first
    message_id: int | None = None  # the message whose button was pressed (to edit)
    language_code: str | None = None  # for the "slow down" notice, before the person is known
    failures: int = field(default=0, compare=False)  # sends that failed so far

    def to_json(self) -> Json:
        data: Json = {
            "chat_id": self.chat_id,
            "callback_id": self.callback_id,
            "message_id": self.message_id,
            "failures": self.failures,
        }
        if self.answer is not None:
            data["notice"] = self.answer.notice
            data["replies"] = [_reply_to_json(reply) for reply in self.answer.replies]
        else:
            data["slow_down"] = self.language_code or ""
        return data

    @classmethod
    def from_json(cls, data: Json) -> Owed:
        answer = None
        if "replies" in data:
            answer = Answer([_reply_of(reply) for reply in data["replies"]], data.get("notice"))
        return cls(
            chat_id=int(data["chat_id"]),
            answer=answer,
            callback_id=data.get("callback_id"),
            message_id=data.get("message_id"),
            language_code=data.get("slow_down") or None,
            failures=int(data.get("failures", 0)),
        )


def _reply_to_json(reply: Reply) -> Json:
    return {
        "text": str(reply.text),
        "buttons": [
            [{"label": b.label, "payload": b.payload, "url": b.url} for b in row]
            for row in reply.buttons
        ],
        "picture": _file_to_json(reply.picture),
        "document": _file_to_json(reply.document),
        "edit": reply.edit,
    }


def _reply_of(data: Json) -> Reply:
    return Reply(
        Html(data["text"]),
        buttons=tuple(tuple(Button(**button) for button in row) for row in data["buttons"]),
        picture=_file_of(data.get("picture")),
        document=_file_of(data.get("document")),
        edit=bool(data.get("edit")),
    )


def _file_to_json(file: File | None) -> Json | None:
    if file is None:
        return None
    return {
        "filename": file.filename,
        "data": base64.b64encode(file.data).decode("ascii") if file.data is not None else None,
        "file_id": file.file_id,
        "mime": file.mime,
    }


def _file_of(data: Json | None) -> File | None:
    if data is None:
        return None
    raw = data.get("data")
    return File(
        filename=data["filename"],
        data=base64.b64decode(raw) if raw is not None else None,
        file_id=data.get("file_id"),
        mime=data.get("mime") or "application/octet-stream",
    )
