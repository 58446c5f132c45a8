"""Buttons on pushed messages ("Still coming?", "A place is free"): pressed hours later, maybe
while the person is busy with something else, and still understood.

    r:<topic>:<subject>:<stamp>:<choice>        e.g. r:c:42:1772546400:yes

`topic` says which kind of question it was, `subject` what it is about (a signup),
`stamp` which version of it was asked about (a signup left and joined again, an offer
made anew, carries a new stamp), `choice` the answer. The data is never trusted: the
flow that answers the topic (`bot.flows.registry`) reads the subject again, checks that
it still belongs to the person and that its stamp is still current, and says so plainly
when it is not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.chat.limits import popup_text
from bot.chat.replies import Answer, Button, Reply
from bot.i18n import Html

PREFIX = "r:"


@dataclass(frozen=True, slots=True)
class Pressed:
    topic: str
    subject: int
    stamp: int
    choice: str


def stamp_of(moment: datetime) -> int:
    """A version taken from a moment the subject changed (whole seconds)."""
    return int(moment.timestamp())


def answer_button(label: str, topic: str, subject: int, stamp: int, choice: str) -> Button:
    return Button(label, f"{PREFIX}{topic}:{subject}:{stamp}:{choice}")


def parse(payload: str) -> Pressed | None:
    """The pressed answer, or None when the data is not a pushed message's button."""
    if not payload.startswith(PREFIX):
        return None
    parts = payload.removeprefix(PREFIX).split(":")
    if len(parts) != 4 or not parts[1].isdigit() or not parts[2].isdigit():
        return None
    topic, subject, stamp, choice = parts
    return Pressed(topic, int(subject), int(stamp), choice)


def said(text: Html) -> Answer:
    """The answer to a press that changes nothing: a message, and the same as a pop-up."""
    return Answer([Reply(text)], notice=popup_text(text))
