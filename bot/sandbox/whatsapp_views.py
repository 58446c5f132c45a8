"""What the page shows of a WhatsApp chat and of the Graph API calls, as JSON.

The same shapes as `views.py` gives for Telegram (text plus entities, buttons,
media, times), with what WhatsApp has beyond them:

    {"id": "wamid…", "from": "bot", "kind": "text" | "image" | "buttons" | "list" |
     "link" | "template", "text", "entities", "header", "footer",
     "buttons": [[{"text", "data"}], …]       reply buttons, one a row, under the bubble
     "list": {"button", "sections": [{"title", "rows": [{"data", "title", "description"}]}]}
     "template": {"name", "language"}          its quick reply is a button
     "media", "status": "delivered" | "read" (once the page has shown it), "time"}

WhatsApp's marks (*bold*, _italic_, ~struck~, ```mono```) become entities, as
the app shows them: the page never parses text as markup. A template's text is
its body in the person's language with the parameters filled in (the emulator,
like Meta, knows only its name, language and parameters).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from bot.chat.limits import utf16_length
from bot.emulator.whatsapp import (
    CloudAPIEmulator,
    GraphCall,
    ReceivedMessage,
    SimulatedUser,
    TemplateInfo,
)
from bot.handlers.whatsapp.formatting import JOINER
from bot.handlers.whatsapp.templates import NAME_PREFIX, PARAMETERS, TEMPLATES
from bot.i18n import translator
from bot.sandbox import views
from bot.sandbox.cast import Character
from bot.sandbox.whatsapp import Written, quick_reply_label

MEDIA = views.FILES + "whatsapp/"  # + a media id: what people and the bot sent
_KINDS = {"button": "buttons", "list": "list", "cta_url": "link"}  # interactive types
_HIDDEN = ("messaging_product", "recipient_type")  # the same in every call
# WhatsApp's marks, outermost first: a mark opens before a word and closes after one
# (a word joiner counts as inside a word, as `formatting` uses it).
_WORD, _INK = rf"[\w{JOINER}]", rf"[^\s{JOINER}]"


def _marked(mark: str, name: str) -> str:
    m = re.escape(mark)
    return rf"(?<!{_WORD})(?<!{m}){m}(?={_INK})(?P<{name}>.+?)(?<={_INK}){m}(?!{_WORD})"


_MARK = re.compile(
    "|".join(
        [r"```(?P<code>(?s:.+?))```"]
        + [_marked(m, name) for m, name in (("*", "bold"), ("_", "italic"), ("~", "strikethrough"))]
    )
)
_LINK = re.compile(r"https?://[^\s)]+")


def person(character: Character, user: SimulatedUser, written: list[Written]) -> dict[str, Any]:
    timeline = _timeline(user, written)
    last = timeline[-1][1] if timeline else None
    return {
        **views.person_fields(character),
        "count": len(timeline),
        "last": formatted(_text_of(last))[0][:80] if last else "",  # without the marks
    }


def chat(
    character: Character, user: SimulatedUser, written: list[Written], times: views.Times
) -> dict[str, Any]:
    """One WhatsApp chat as its person sees it: both sides in order; no keyboard, no pop-ups."""
    messages = [
        _bot_message(item, times) if isinstance(item, ReceivedMessage) else _person(item, times)
        for _, item in _timeline(user, written)
    ]
    return {
        **person(character, user, written),
        "messages": messages,
        "reply_keyboard": [],
        "notice": None,
    }


def _timeline(
    user: SimulatedUser, written: list[Written]
) -> list[tuple[float, ReceivedMessage | Written]]:
    both: list[tuple[float, ReceivedMessage | Written]] = [(w.at, w) for w in written]
    both += [(m.at, m) for m in user.received]
    both.sort(key=lambda pair: pair[0])  # stable: a person's message before the answer
    return both


def _text_of(item: ReceivedMessage | Written) -> str:
    if isinstance(item, ReceivedMessage):
        return template_text(item.template)[0] if item.template else item.text
    return _person_text(item.message)


def _when(epoch: float, times: views.Times) -> str:
    return times.local(datetime.fromtimestamp(epoch, UTC))


# -- the bot's messages ---------------------------------------------------------------------


def _bot_message(message: ReceivedMessage, times: views.Times) -> dict[str, Any]:
    kind = _KINDS.get(message.interactive_type or "", message.type)
    text = message.text
    pairs = zip(message.button_ids, message.buttons, strict=True)
    buttons = [[{"text": title, "data": button_id}] for button_id, title in pairs]
    template = None
    if message.template is not None:
        text, label = template_text(message.template)
        buttons = [[{"text": label, "data": payload}] for payload in message.template.quick_replies]
        template = {"name": message.template.name, "language": message.template.language}
    elif message.url_button is not None:
        label, url = message.url_button
        buttons = [[{"text": label, "url": url}]] if url.startswith(("https://", "http://")) else []
    plain, entities = formatted(text)
    media_id = message.content.get("id") if message.type == "image" else None
    return {
        "id": message.id,
        "from": "bot",
        "kind": kind,
        "text": plain,
        "entities": entities,
        "header": message.header,
        "footer": message.footer,
        "buttons": buttons,
        "list": _list(message) if message.rows else None,
        "template": template,
        "media": _media("photo", media_id) if media_id else None,
        "status": message.status,
        "edited": False,  # WhatsApp cannot edit: a change is a new message
        "deleted": False,
        "time": _when(message.at, times),
    }


def _list(message: ReceivedMessage) -> dict[str, Any]:
    sections: list[dict[str, Any]] = []
    for row in message.rows:
        if not sections or sections[-1]["title"] != row.section:
            sections.append({"title": row.section, "rows": []})
        shown = {"data": row.id, "title": row.title, "description": row.description}
        sections[-1]["rows"].append(shown)
    return {"button": message.list_button, "sections": sections}


def template_text(info: TemplateInfo) -> tuple[str, str]:
    """A template's body with its parameters, and its quick reply's label, as the person
    reads them; a template Wijkbot does not have shows its name and parameters."""
    template = TEMPLATES.get(info.name.removeprefix(NAME_PREFIX))
    t = translator(info.language)
    label = quick_reply_label(info.language)
    if template is None or len(info.parameters) != len(PARAMETERS):
        return f"[{info.name}] " + " · ".join(info.parameters), label
    values = dict(zip(PARAMETERS, info.parameters, strict=True))
    return t._(template.body).format(**values), label


# -- the person's messages ------------------------------------------------------------------


def _person(written: Written, times: views.Times) -> dict[str, Any]:
    message = written.message
    kind = message["type"]
    media = message.get(kind, {}).get("id") if kind in ("image", "sticker") else None
    text = _person_text(message)
    return {
        "id": message["id"],
        "from": "person",
        "kind": kind,
        "text": text,
        "entities": _links(text),
        "buttons": [],
        "media": _media("photo" if kind == "image" else kind, media) if media else None,
        "edited": False,
        "deleted": False,
        "time": _when(written.at, times),
    }


def _person_text(message: dict[str, Any]) -> str:
    kind = message["type"]
    content = message.get(kind, {})
    if kind == "text":
        return content["body"]
    if kind == "image":
        return content.get("caption", "")
    if kind == "interactive":  # what the app shows for a tap: the title tapped
        return content[content["type"]]["title"]
    if kind == "button":  # a template's quick reply: its label
        return content["text"]
    return ""


def _media(kind: str, media_id: str) -> dict[str, Any]:
    return {"kind": kind, "url": MEDIA + media_id, "name": None}


# -- WhatsApp's marks as entities -----------------------------------------------------------


def formatted(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Text without WhatsApp's marks, and the entities they stood for (UTF-16 offsets)."""
    plain, entities = _unmark(text)
    return plain, entities + _links(plain)


def _unmark(text: str) -> tuple[str, list[dict[str, Any]]]:
    plain, entities, position = "", [], 0
    for match in _MARK.finditer(text):
        plain += text[position : match.start()]
        kind = match.lastgroup or "code"
        inner, nested = (match[kind], []) if kind == "code" else _unmark(match[kind])
        offset = utf16_length(plain)
        entities.append({"type": kind, "offset": offset, "length": utf16_length(inner)})
        entities += [{**e, "offset": e["offset"] + offset} for e in nested]
        plain += inner
        position = match.end()
    return plain + text[position:], entities


def _links(text: str) -> list[dict[str, Any]]:
    """Web addresses, which WhatsApp shows as links."""
    return [
        {
            "type": "text_link",
            "offset": utf16_length(text[: m.start()]),
            "length": utf16_length(m[0]),
            "url": m[0],
        }
        for m in _LINK.finditer(text)
    ]


# -- the inspector --------------------------------------------------------------------------


def calls(emulator: CloudAPIEmulator, times: views.Times) -> list[tuple[float, dict[str, Any]]]:
    """The bot's newest Graph API calls as (monotonic time, shown), oldest first."""
    numbered = list(enumerate(emulator.calls, 1))[-views.MAX_CALLS :]
    return [(call.at, _call(n, call, times)) for n, call in numbered]


def _call(number: int, call: GraphCall, times: views.Times) -> dict[str, Any]:
    body = {key: value for key, value in call.body.items() if key not in _HIDDEN}
    return {
        "api": "graph",
        "n": number,
        "time": views.monotonic_time(call.at, times),
        "method": call.route,
        "params": {key: views.short(value) for key, value in body.items()},
        "ok": call.ok,
        "error": None if call.ok else f"{call.code} {call.details}",
        "result": _result(call.result),
        "source": "http",
    }


def _result(result: Any) -> Any:
    if isinstance(result, dict) and result.get("messages"):
        return "wamid …" + result["messages"][0]["id"][-8:]
    if isinstance(result, dict) and set(result) == {"id"}:
        return f"media {result['id']}"
    return views.short(result)
