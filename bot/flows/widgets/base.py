"""What every widget shares: options as plain data, buttons laid out in rows, a pager, and the
way back to a summary.

A form such as a proposal asks its questions in order, then shows a summary
from which any answer can be changed; a changed answer returns to the summary
instead of walking on through the questions after it:

    title ─> description ─> ... ─> summary
                                      │ "change the title"
                            title <───┘  ──> summary again
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from bot.chat.replies import Button
from bot.flows.steps import Context, Next, Step

EDITING = "editing"  # in the flow's data: the person came from the summary to change one answer


@dataclass(frozen=True, slots=True)
class Option:
    """One choice: `value` travels in the button's data (keep it short: an id, a code)."""

    value: str
    label: str


def rows(buttons: Sequence[Button], per_row: int = 1) -> tuple[tuple[Button, ...], ...]:
    """Buttons laid out `per_row` to a row, in order."""
    return tuple(tuple(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row))


def pager(ctx: Context, page: int, pages: int) -> tuple[Button, ...]:
    """◀ 2/5 ▶: the row that pages a long list (empty when it fits on one page)."""
    if pages <= 1:
        return ()
    row = [ctx.button("◀", "page", page - 1)] if page > 0 else []
    row.append(ctx.button(f"{page + 1}/{pages}", "page", page))
    if page + 1 < pages:
        row.append(ctx.button("▶", "page", page + 1))
    return tuple(row)


class Field(Step):
    """A question of a form; asked again from the form's `summary` step, it returns there."""

    summary: ClassVar[str | None] = None

    def after(self, ctx: Context) -> Next:
        return Next(self.summary) if self.summary and ctx.data.get(EDITING) else self.proceed()

    def targets(self) -> set[str]:
        return super().targets() | ({self.summary} if self.summary else set())
