"""Does a reply pass WhatsApp's rules? Rendered as the WhatsApp channel sends it, and each
message checked with the WhatsApp emulator's own validator, as the Graph API would be asked.

    assert_fits_whatsapp(reply, t)   every message Meta accepts; no choice and no link lost
"""

from __future__ import annotations

from bot.chat.replies import Reply
from bot.emulator.whatsapp.rules import check_message
from bot.handlers.whatsapp.render import Outgoing, render
from bot.i18n import Translator

TO = "31612345678"
UPLOADED = "1234567890"  # the media id the sender sets after uploading a file's bytes


def assert_fits_whatsapp(reply: Reply, t: Translator) -> list[Outgoing]:
    """Render `reply` for WhatsApp and check every message; returns them for more checks."""
    messages = render(reply, t)
    for outgoing in messages:
        body = dict(outgoing.body)
        if outgoing.file is not None:
            assert outgoing.file.data is not None and "id" not in body, outgoing
            body["id"] = UPLOADED
        check_message(Outgoing(outgoing.type, body).message(TO))  # GraphError, like Meta's 400
    choices = {b.payload for row in reply.buttons for b in row if b.url is None}
    ids = _ids(messages)
    assert choices == set(ids) and len(ids) == len(set(ids)), "each choice once, by its payload"
    text = "\n".join(_texts(messages))
    for url in {b.url for row in reply.buttons for b in row if b.url is not None}:
        assert url in text, f"the link {url} is lost"
    return messages


def _ids(messages: list[Outgoing]) -> list[str]:
    ids = []
    for outgoing in messages:
        if outgoing.type != "interactive":
            continue
        action = outgoing.body["action"]
        ids += [button["reply"]["id"] for button in action.get("buttons", [])]
        ids += [row["id"] for section in action.get("sections", []) for row in section["rows"]]
    return ids


def _texts(messages: list[Outgoing]) -> list[str]:
    """What the person reads: texts, captions and the bodies above choices."""
    found = []
    for outgoing in messages:
        if outgoing.type == "text":
            found.append(outgoing.body["body"])
        elif outgoing.type == "interactive":
            found.append(outgoing.body["body"]["text"])
        elif "caption" in outgoing.body:
            found.append(outgoing.body["caption"])
    return found
