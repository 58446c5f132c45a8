"""The registry of message kinds: every kind a group module defines is in it, once."""

from __future__ import annotations

import types
from pathlib import Path

import pytest

from bot.delivery import kinds
from bot.delivery.kinds import GROUPS, KINDS, Kind, registry
from bot.delivery.preferences import Category


def test_every_kind_of_every_group_is_registered_under_its_name() -> None:
    defined = [item for group in GROUPS for item in vars(group).values() if isinstance(item, Kind)]
    assert len(defined) == len(KINDS) >= 21
    assert all(KINDS[item.name] is item for item in defined)
    assert {"review_request", "proposals_summary", "weekly_digest"} <= set(KINDS)


def test_every_group_module_of_the_package_is_listed() -> None:
    package = kinds.__path__[0]
    modules = {
        path.stem for path in Path(package).glob("*.py") if path.stem not in ("__init__", "base")
    }
    assert {group.__name__.rpartition(".")[2] for group in GROUPS} == modules


def test_two_kinds_with_one_name_are_refused() -> None:
    async def render(ctx: object, delivery: object) -> None:
        return None

    twin = types.ModuleType("twin")
    twin.notice = Kind("notice", Category.SERVICE, render)  # type: ignore[attr-defined,arg-type]
    with pytest.raises(ValueError, match="notice"):
        registry([*GROUPS, twin])
