"""A `Reply` as the WhatsApp Cloud API messages that show it, by WhatsApp's `Capabilities`.

    Reply                                   Outgoing messages, in order
    --------------------------------------  ------------------------------------------------
    text                                 -> text (cut between lines past 4096)
    text + up to 3 short choices         -> interactive "button", the text as its body
    text + more or longer choices        -> interactive "list"s of up to 10 rows, "(1/3)"...
    text over 1024 + choices             -> text, then the choices under a short body
    picture or document (bytes/media id) -> image or document with the text as caption,
                                            then the choices under a short body
    picture with a Telegram file id      -> the text alone (WhatsApp cannot fetch it)
    URL buttons                          -> "label (url)" lines at the end of the text
    edit=True                            -> a new message (WhatsApp edits nothing)

A choice's id is its `Button.payload` unchanged, so the core checks stale or
forged choices as it does Telegram's buttons. Titles are clipped with "…" and
kept unique within a message ("Open", "Open (2)"), as WhatsApp requires.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from bot.chat.capabilities import WHATSAPP
from bot.chat.limits import clip, utf16_length
from bot.chat.replies import Button, File, Reply
from bot.handlers.whatsapp.formatting import link, to_whatsapp
from bot.i18n import Translator

CAN = WHATSAPP
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One Graph API message: `body` goes under the key `type` of the POSTed JSON.

    `file` is set when its bytes must be uploaded first; the sender then sets body["id"].
    """

    type: str
    body: dict[str, Any]
    file: File | None = None

    def message(self, to: str) -> dict[str, Any]:
        """The JSON to POST to /{phone_number_id}/messages."""
        return {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": to,
            "type": self.type,
            self.type: self.body,
        }


def render(reply: Reply, t: Translator) -> list[Outgoing]:
    """The messages that show `reply` on WhatsApp, in the order to send them (none for a
    Telegram file with no text: WhatsApp has nothing to show)."""
    buttons = [button for row in reply.buttons for button in row]
    links = "\n".join(link(b.label, b.url) for b in buttons if b.url is not None)
    text = "\n\n".join(part for part in (to_whatsapp(reply.text).strip(), links) if part)
    choices = _distinct([b for b in buttons if b.url is None])
    out: list[Outgoing] = []
    file = _sendable(reply.picture or reply.document)
    if file is not None:
        caption = text if _fits(text, CAN.caption_length) else ""  # else the text follows
        out.append(_file(file, caption, picture=reply.picture is not None))
        text = "" if caption else text
    return out + (_with_choices(text, choices, t) if choices else _texts(text))


def _sendable(file: File | None) -> File | None:
    """A file WhatsApp can show: new bytes, or its own media id (digits); not Telegram's ids."""
    if file is None or (file.data is None and not (file.file_id or "").isdigit()):
        return None
    return file


def _file(file: File, caption: str, *, picture: bool) -> Outgoing:
    body: dict[str, Any] = {}
    if file.data is None:
        body["id"] = file.file_id  # already on WhatsApp: nothing to upload
    if not picture:
        body["filename"] = file.filename
    if caption:
        body["caption"] = caption
    return Outgoing("image" if picture else "document", body, file if file.data else None)


def _text(body: str) -> Outgoing:
    return Outgoing("text", {"body": body, "preview_url": False})


def _texts(text: str) -> list[Outgoing]:
    return [_text(piece) for piece in _split(text, CAN.message_length)]


def _with_choices(text: str, choices: list[Button], t: Translator) -> list[Outgoing]:
    """Up to 3 short choices as buttons, else lists; the text as the first body if it fits,
    else on its own before them."""
    assert CAN.quick_replies and CAN.button_text_length and CAN.list_rows
    labels = [_one_line(choice.label) for choice in choices]
    if len(choices) <= CAN.quick_replies and all(
        utf16_length(label) <= CAN.button_text_length for label in labels
    ):
        lead, body = _lead_and_body(text, "", t)
        titles = unique_titles(labels, CAN.button_text_length)
        buttons = [
            {"type": "reply", "reply": {"id": choice.payload, "title": title}}
            for choice, title in zip(choices, titles, strict=True)
        ]
        message = {"type": "button", "body": {"text": body}, "action": {"buttons": buttons}}
        return [*_texts(lead), Outgoing("interactive", message)]
    return _lists(text, choices, labels, t)


def _lists(text: str, choices: list[Button], labels: list[str], t: Translator) -> list[Outgoing]:
    """List messages of up to 10 rows; with several, each body says which it is: "(1/3)"."""
    assert CAN.list_rows and CAN.list_title_length and CAN.button_text_length
    parts = _balanced(list(zip(choices, labels, strict=True)), CAN.list_rows)
    counts = [_count(t, n, len(parts)) for n in range(1, len(parts) + 1)] if len(parts) > 1 else []
    lead, body = _lead_and_body(text, counts[0] if counts else "", t)
    titles = iter(unique_titles(labels, CAN.list_title_length))
    more = to_whatsapp(t._("More choices"))
    button = clip(to_whatsapp(t._("Choose")), CAN.button_text_length)
    out = _texts(lead)
    for n, part in enumerate(parts):
        rows = [_row(choice.payload, label, next(titles)) for choice, label in part]
        action = {"button": button, "sections": [{"rows": rows}]}
        message = {"text": body if n == 0 else f"{more} {counts[n]}"}
        out.append(Outgoing("interactive", {"type": "list", "body": message, "action": action}))
    return out


def _lead_and_body(text: str, count: str, t: Translator) -> tuple[str, str]:
    """The text to send first (if any) and the body above the choices: the text itself when
    it fits (with its count), else a short "Please choose:"."""
    body = "\n\n".join(part for part in (text, count) if part)
    if text and _fits(body, CAN.text_with_buttons):
        return "", body
    return text, " ".join(part for part in (to_whatsapp(t._("Please choose:")), count) if part)


def _row(payload: str, label: str, title: str) -> dict[str, str]:
    assert CAN.list_description_length
    row = {"id": payload, "title": title}
    if not title.startswith(label):  # clipped: the whole label below its start
        row["description"] = clip(label, CAN.list_description_length)
    return row


def _one_line(label: str) -> str:
    """A title is one line: runs of spaces and line breaks become one space."""
    return " ".join(label.split()) or label


def _count(t: Translator, n: int, of: int) -> str:
    return f"({t.number(n)}/{t.number(of)})"


def _balanced(choices: list[T], most: int) -> list[list[T]]:
    """The fewest lists of at most `most` rows, as even as can be (25: 9, 8, 8)."""
    count = -(-len(choices) // most)
    size, extra = divmod(len(choices), count)
    parts, start = [], 0
    for n in range(count):
        end = start + size + (n < extra)
        parts.append(choices[start:end])
        start = end
    return parts


def _distinct(choices: list[Button]) -> list[Button]:
    """One choice per payload (WhatsApp wants distinct ids; one payload is one action)."""
    seen: set[str] = set()
    kept = []
    for choice in choices:
        if choice.payload not in seen:
            seen.add(choice.payload)
            kept.append(choice)
    return kept


def unique_titles(labels: list[str], limit: int) -> list[str]:
    """Each label within `limit` (clipped with "…"), numbered where two would read the
    same: ["Repair café in the community centre"] * 2 -> "Repair café in t…", "Repair café
    i… (2)"."""
    used: set[str] = set()
    titles = []
    for label in labels:
        title, n = clip(label, limit), 1
        while title in used:
            n += 1
            suffix = f" ({n})"
            title = clip(label, limit - len(suffix)) + suffix
        used.add(title)
        titles.append(title)
    return titles


def _fits(text: str, limit: int | None) -> bool:
    return limit is None or utf16_length(text) <= limit


def _split(text: str, limit: int) -> list[str]:
    """`text` in pieces within `limit`, cut at a line break, else a space, else anywhere."""
    pieces = []
    while not _fits(text, limit):
        head = _start(text, limit)
        cut = head.rfind("\n")
        if cut < len(head) // 2:
            cut = head.rfind(" ")
        if cut <= 0:
            cut = len(head)
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    return [*pieces, text] if text else pieces


def _start(text: str, limit: int) -> str:
    """The longest start of `text` within `limit` UTF-16 code units."""
    used = 0
    for end, character in enumerate(text):
        used += utf16_length(character)
        if used > limit:
            return text[:end]
    return text
