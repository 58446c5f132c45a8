"""The import graph of bot/: packages depend downwards only, and no modules go round in a cycle.

              handlers                 the messenger adapters, on top
            /    |     \\
       flows     |      jobs           conversations · scheduled sweeps
         |  \\    |     /   |
         |   delivery ─────┤           outbox, sender, the kinds of pushed messages
         |       |         |
         └──> reports <────┘           figures, charts, exports (never the outbox)
                 |
          domain · chat                the rules · the shared vocabulary (Event, Reply)

Every package may also use the infrastructure modules (bot.i18n, bot.clock,
bot.config, bot.logs, bot.metrics). The composition root and the tools around the bot
(bot.app, bot.cli, bot.sandbox, bot.emulator, bot.migrations) sit above all of
it: they may import anything, and nothing in the layers imports them.

Delivery may use reports (the weekly digest carries the wins card) and reports
never use delivery: figures do not know how they are sent.

Every import counts, wherever it is written: at the top, inside a function
(a late import does not make a dependency go away) and under TYPE_CHECKING
(a type a module names is a type it depends on: when the direction is wrong
for the annotation, it is wrong for the design).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BOT = ROOT / "bot"

# package: the packages it may import (besides itself and the infrastructure modules)
ALLOWED: dict[str, set[str]] = {
    "chat": set(),
    "domain": set(),
    "reports": {"domain", "chat"},
    "delivery": {"domain", "chat", "reports"},
    "flows": {"domain", "chat", "reports", "delivery"},
    "jobs": {"domain", "chat", "reports", "delivery"},
    "handlers": {"domain", "chat", "reports", "delivery", "flows", "jobs"},
    "site": {"domain", "chat", "reports"},
}
INFRASTRUCTURE = {"bot.i18n", "bot.clock", "bot.config", "bot.logs", "bot.metrics"}
CHAT_MAY_IMPORT = {"bot.i18n"}  # the leaf: not even the settings


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(BOT.rglob("*.py"))}


def imports_of(name: str) -> set[str]:
    path = MODULES[name]
    return imports_in(path.read_text(), name, is_package=path.name == "__init__.py")


def imports_in(source: str, name: str, *, is_package: bool = False) -> set[str]:
    """The modules of ours `source` imports: `from bot.x import y` is bot.x.y when y is a
    module, else bot.x (a package's __init__ is not counted for its submodules)."""
    package = name if is_package else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            modules = {f"{base}.{alias.name}" for alias in node.names} & MODULES.keys()
            found |= modules
            if len(modules) < len(node.names):
                found.add(base)
    return {target for target in found if target == "bot" or target.startswith("bot.")} - {name}


GRAPH = {name: imports_of(name) for name in MODULES}


def layer(module: str) -> str | None:
    """The layered package a module belongs to, or None (infrastructure, the root, tools)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in ALLOWED else None


def wrong_directions() -> list[str]:
    wrong = []
    for module, targets in GRAPH.items():
        source = layer(module)
        if source is None:
            continue
        for target in sorted(targets):
            if target in INFRASTRUCTURE or layer(target) == source:
                continue
            if layer(target) not in ALLOWED[source]:
                wrong.append(f"{module} -> {target}")
    return wrong


def cycles(nodes: set[str], edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one node (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in edges.get(node, set()) & nodes:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(nodes):
        if node not in index:
            visit(node)
    return found


def test_every_layer_imports_only_the_layers_below_it() -> None:
    assert wrong_directions() == []


def test_the_chat_vocabulary_imports_nothing_of_ours_but_i18n() -> None:
    chat = {module: targets for module, targets in GRAPH.items() if layer(module) == "chat"}
    assert chat, "bot/chat is where the shared vocabulary lives"
    outside = {
        f"{module} -> {target}"
        for module, targets in chat.items()
        for target in targets
        if layer(target) != "chat" and target not in CHAT_MAY_IMPORT
    }
    assert outside == set()


def test_no_cycle_between_the_packages() -> None:
    packages: dict[str, set[str]] = defaultdict(set)
    for module, targets in GRAPH.items():
        source = layer(module)
        if source is not None:
            packages[source] |= {layer(t) for t in targets if layer(t) not in (None, source)}
    assert cycles(set(ALLOWED), packages) == []  # type: ignore[arg-type]


@pytest.mark.parametrize("package", ALLOWED)
def test_no_cycle_between_the_modules_of(package: str) -> None:
    """A cycle across packages is one between packages (above); this finds those within one."""
    inside = {module for module in GRAPH if layer(module) == package}
    assert cycles(inside, GRAPH) == []


def test_nothing_in_the_layers_imports_the_composition_root() -> None:
    root = {"bot", "bot.app", "bot.cli", "bot.__main__", "bot.catalogs"}
    tools = ("bot.sandbox", "bot.emulator", "bot.migrations")
    found = [
        f"{module} -> {target}"
        for module, targets in GRAPH.items()
        if layer(module) is not None
        for target in sorted(targets)
        if target in root or target.startswith(tools)
    ]
    assert found == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from bot.flows import menu", {"bot.flows.menu"}),
        ("from bot.flows.menu import main", {"bot.flows.menu"}),
        ("import bot.flows.menu", {"bot.flows.menu"}),
        ("from . import steps", {"bot.flows.steps"}),
        ("from .menu import main", {"bot.flows.menu"}),
        ("def f():\n    from bot.domain import roles", {"bot.domain.roles"}),
        ("if TYPE_CHECKING:\n    from bot.app import App", {"bot.app"}),
        ("import json\nfrom sqlalchemy import select", set()),
    ],
)
def test_the_graph_sees_every_kind_of_import(source: str, expected: set[str]) -> None:
    assert imports_in(source, "bot.flows.probe") == expected


def test_a_cycle_is_found_however_long() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles({"a", "b", "c", "d"}, edges) == [["a", "b", "c"]]
