"""The kinds of pushed messages, each rendered when it is sent, in the recipient's language.

A kind has a category (what a person may opt out of) and a renderer that
turns an outbox row into a reply, reading fresh data: a reminder shows the
activity's current time and place, and says nothing if it was cancelled.

A renderer fits what people typed into Telegram's limits itself (`fit`,
`bounded`: see bot.chat.limits), whatever the data; should one still fail, the
sender marks that one row failed and goes on.

    kinds (KINDS) ──> notices · activities · initiatives · proposals · commitments · goals
                      · digest · network ──> base

Imports go one way: the group modules know only `base`, and this registry
knows the groups. A new kind is a function with `@kind(name, category)` in the
group it belongs to (or a new group module, listed in GROUPS once).
"""

from __future__ import annotations

from collections.abc import Iterable
from types import ModuleType

from bot.delivery.kinds import (
    activities,
    chats,
    commitments,
    digest,
    goals,
    initiatives,
    network,
    notices,
    proposals,
)
from bot.delivery.kinds.base import Kind, RenderContext, Renderer

GROUPS = (notices, activities, initiatives, proposals, commitments, goals, digest, network, chats)


def registry(groups: Iterable[ModuleType]) -> dict[str, Kind]:
    """Every kind the groups define, by name; two kinds with one name are an error at import."""
    kinds: dict[str, Kind] = {}
    for group in groups:
        for item in vars(group).values():
            if isinstance(item, Kind):
                if kinds.get(item.name) is item:
                    continue  # the same kind, imported by another group to reuse it
                if item.name in kinds:
                    raise ValueError(f"two kinds of message are named {item.name!r}")
                kinds[item.name] = item
    return kinds


KINDS = registry(GROUPS)

__all__ = ["GROUPS", "KINDS", "Kind", "RenderContext", "Renderer", "registry"]
