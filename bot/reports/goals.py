"""A goal's progress in words and a bar of text, in the reader's language.

    💚 <b>Residents take part in health activities</b>
    ▓▓▓░░░░░░░ 30% · 18 of 60 · 2027

The bar is ten characters of the Basic Multilingual Plane (one UTF-16 code
unit each), so it measures the same in every limit and reads right to left in
Arabic as it should. What a coordinator typed (a title, a note) is escaped.
"""

from __future__ import annotations

from bot.chat.limits import clip
from bot.domain.goals import Progress
from bot.domain.models import Goal, Theme
from bot.i18n import Html, Translator, escape

FULL, EMPTY = "▓", "░"
WIDTH = 10


def bar(percent: int) -> str:
    """▓▓▓░░░░░░░ for 30 %: a cell per ten percent reached, full at 100 % and beyond."""
    filled = max(0, min(WIDTH, percent // (100 // WIDTH)))
    return FULL * filled + EMPTY * (WIDTH - filled)


def period(goal: Goal) -> str:
    """ "2027", "2026-2027", or "9/2026-8/2027" for a period that is not whole years."""
    start, end = goal.starts_on, goal.ends_on
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31):
        return str(start.year) if start.year == end.year else f"{start.year}-{end.year}"
    return f"{start.month}/{start.year}-{end.month}/{end.year}"


def title(goal: Goal, locale: str, default_locale: str, limit: int = 100) -> str:
    """The goal's title in the reader's language (else the neighbourhood's), not escaped."""
    return clip(goal.title_in(locale, default_locale), limit)


def lines(t: Translator, item: Progress, theme: Theme | None, default_locale: str = "nl") -> Html:
    """Two lines: the theme's emoji and the title; the bar, percentage, value and period."""
    name = escape(title(item.goal, t.locale, default_locale))
    emoji = f"{theme.emoji} " if theme and theme.emoji else "🎯 "
    figures = t._("{value} of {target}", value=t.number(item.value), target=t.number(item.target))
    measured = f"{bar(item.percent)} {t.percent(item.percent)} · {figures} · {period(item.goal)}"
    return Html(f"{emoji}<b>{name}</b>\n{measured}")
