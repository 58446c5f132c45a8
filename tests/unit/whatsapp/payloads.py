"""WhatsApp webhook bodies as Meta sends them (the wire contract in the plan)."""

from __future__ import annotations

from typing import Any

Json = dict[str, Any]
AYSE = "905321234567"


def body(*messages: Json, contacts: list[Json] | None = None, statuses: list[Json] = ()) -> Json:  # type: ignore[assignment]
    value: Json = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550001234", "phone_number_id": "1065"},
    }
    if messages:
        value["contacts"] = contacts or [{"profile": {"name": "Ayşe Yılmaz"}, "wa_id": AYSE}]
        value["messages"] = list(messages)
    if statuses:
        value["statuses"] = list(statuses)
    change = {"field": "messages", "value": value}
    return {"object": "whatsapp_business_account", "entry": [{"id": "WABA", "changes": [change]}]}


def message(kind: str, content: Json, *, wamid: str = "wamid.1", sender: str = AYSE) -> Json:
    return {"from": sender, "id": wamid, "timestamp": "1764630000", "type": kind, kind: content}


def text(words: str, *, wamid: str = "wamid.1", sender: str = AYSE) -> Json:
    return message("text", {"body": words}, wamid=wamid, sender=sender)


def status(wamid: str, state: str, *, code: int | None = None, title: str = "") -> Json:
    said: Json = {"id": wamid, "status": state, "timestamp": "1764630001", "recipient_id": AYSE}
    if code is not None:
        said["errors"] = [{"code": code, "title": title, "error_data": {"details": "why"}}]
    return said
