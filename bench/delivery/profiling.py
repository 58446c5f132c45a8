"""Reading a cProfile of `python -m bot send`: where the sender's time goes, per message.

cProfile sees only the main thread and charges a coroutine's waiting to whoever
awaited it, so cumulative times of async functions mean little. What does mean
something: own time by package, and how often the expensive things happen per message
sent (database round trips, sessions, HTTP requests).
"""

from __future__ import annotations

import pstats
import re
from collections import Counter
from pathlib import Path

# (label, file fragment, function): counted per message sent
PER_MESSAGE = (
    ("SQL statements", "sqlalchemy/engine/default.py", "do_execute"),
    ("SQL executemany", "sqlalchemy/engine/default.py", "do_executemany"),
    ("COMMITs", "sqlalchemy/engine/default.py", "do_commit"),
    ("ROLLBACKs", "sqlalchemy/engine/default.py", "do_rollback"),
    ("ORM sessions closed", "sqlalchemy/orm/session.py", "_close_impl"),
    ("pool checkouts", "sqlalchemy/pool/base.py", "_checkout"),
    ("Bot API responses", "aiogram/client/session/base.py", "check_response"),
)
# Only plain functions: cProfile counts every resumption of a coroutine as a call.
IMPORT_TIME = ("pydantic/_internal", "importlib", "<frozen", "marshal")


def _package(file: str, function: str) -> str:
    if function.startswith(("<method", "<built-in")):
        return "builtins: " + function.strip("<>").split(" of ")[0][:40]
    found = re.search(r"site-packages/([^/]+)", file)
    if found:
        return found.group(1)
    if "/bot/" in file:
        return "bot/" + file.split("/bot/", 1)[1].split("/", 1)[0]
    found = re.search(r"python3\.\d+/([^/]+)", file)
    return f"stdlib: {found.group(1)}" if found else file


def summary(path: Path, messages: int, *, top: int = 12) -> str:
    stats = pstats.Stats(str(path))
    raw = stats.stats  # type: ignore[attr-defined]
    total = sum(entry[2] for entry in raw.values())
    by_package: Counter[str] = Counter()
    functions: list[tuple[float, int, str]] = []
    counts: Counter[str] = Counter()
    for (file, line, function), (_, calls, own, _, _) in raw.items():
        by_package[_package(file, function)] += own
        for label, fragment, name in PER_MESSAGE:
            if function == name and fragment in file:
                counts[label] += calls
        if function == "<method 'poll' of 'select.epoll' objects>":
            continue  # idle: waiting for the network, the database thread or a timer
        if not any(marker in file for marker in IMPORT_TIME):
            where = file.split("site-packages/")[-1].replace(str(Path.cwd()) + "/", "")
            functions.append((own, calls, f"{where}:{line}({function})"))
    lines = [f"profile of the sender: {total:.1f}s own time in the main thread, {messages} sent"]
    lines.append("  per message sent:")
    for label, _, _ in PER_MESSAGE:
        lines.append(f"    {counts[label] / max(messages, 1):6.2f}  {label}")
    lines.append("  own time by package (includes start-up: imports, pydantic models):")
    for package, seconds in by_package.most_common(top):
        lines.append(f"    {seconds:6.2f}s {100 * seconds / total:5.1f}%  {package}")
    lines.append("  functions by own time (import-time code and idle waiting left out):")
    for own, calls, where in sorted(functions, reverse=True)[:top]:
        lines.append(f"    {own:6.2f}s {calls:8d} calls  {where}")
    return "\n".join(lines)
