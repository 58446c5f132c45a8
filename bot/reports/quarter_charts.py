"""The quarterly report's charts as PNG: participation per month, goals, commitments.

Drawn like the statistics charts (`charts.py`): a matplotlib `Figure` on the
Agg canvas, the colours told apart by people with colour blindness, words in
the reader's language (matplotlib shapes Arabic itself), PNG bytes without a
software version so equal numbers give equal bytes.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from babel.dates import format_date

from bot.i18n import N_, Translator
from bot.reports.charts import (
    BLUE,
    GREEN,
    ORANGE,
    SKY,
    VERMILION,
    legend_below,
    png_bytes,
)
from bot.reports.quarter import QuarterFigures

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

WIDTH, HEIGHT, DPI = 1000, 560, 100
TITLE_SIZE, LABEL_SIZE, TICK_SIZE = 20, 15, 13
LABEL_WIDTH = 28  # characters per line of a goal's title or an organisation's name
TAKING_PART = (
    (N_("Took part in an activity"), "took_part", GREEN),
    (N_("New supporters"), "supporters", ORANGE),
    (N_("New residents"), "residents", BLUE),
)
STATES = (
    ("kept", N_("kept"), GREEN),
    ("open", N_("open"), SKY),
    ("overdue", N_("overdue"), VERMILION),
)


def month_name(day: object, t: Translator) -> str:
    return format_date(day, "LLLL y", locale=t.locale)  # type: ignore[arg-type]


def participation_chart(figures: QuarterFigures, t: Translator) -> bytes:
    """Three bars a month: people who took part, new supporters, new residents."""
    figure, axes = _figure(t._("Participation per month"))
    width = 0.26
    highest = 1
    for index, (label, field, colour) in enumerate(TAKING_PART):
        values = [getattr(month, field) for month in figures.months]
        highest = max([highest, *values])
        positions = [month + (index - 1) * width for month in range(len(values))]
        bars = axes.bar(positions, values, width, color=colour, label=t._(label))
        axes.bar_label(bars, [t.number(value) for value in values], fontsize=TICK_SIZE, padding=3)
    axes.set_xticks(
        range(len(figures.months)), [month_name(m.first_day, t) for m in figures.months]
    )
    axes.set_ylim(0, highest * 1.2)
    _integers(axes.yaxis)
    axes.set_ylabel(t._("People"), fontsize=LABEL_SIZE)
    legend_below(axes)
    return png_bytes(figure)


def goals_chart(figures: QuarterFigures, t: Translator) -> bytes:
    """A bar per goal: how far along it is, in percent (the bar stops at 100)."""
    items = figures.goals
    height = max(HEIGHT, 160 + 70 * len(items))
    figure, axes = _figure(t._("Goals: how far along"), height)
    locale, fallback = t.locale, figures.neighbourhood.default_locale
    labels = [textwrap.fill(i.goal.title_in(locale, fallback), LABEL_WIDTH) for i in items]
    positions = list(range(len(items)))
    axes.barh(positions, [100] * len(items), 0.6, color="#EEEEEE")
    axes.barh(positions, [min(i.percent, 100) for i in items], 0.6, color=GREEN)
    for position, item in zip(positions, items, strict=True):
        axes.annotate(
            t.percent(item.percent),
            (min(item.percent, 100), position),
            xytext=(6, 0),
            textcoords="offset points",
            va="center",
            fontsize=TICK_SIZE,
        )
    axes.set_yticks(positions, labels)
    axes.invert_yaxis()
    axes.set_xlim(0, 115)
    axes.set_xticks([0, 25, 50, 75, 100], [t.percent(p) for p in (0, 25, 50, 75, 100)])
    return png_bytes(figure)


def commitments_chart(figures: QuarterFigures, t: Translator) -> bytes:
    """A bar per organisation, split into kept, open and overdue commitments."""
    ranked = figures.commitments_by_organisation()
    height = max(HEIGHT, 160 + 60 * len(ranked))
    figure, axes = _figure(t._("Partners' commitments"), height)
    positions = list(range(len(ranked)))
    base = [0] * len(ranked)
    for state, label, colour in STATES:
        values = [counts[state] for _, counts in ranked]
        if any(values):
            axes.barh(positions, values, 0.6, base, color=colour, label=t._(label))
            base = [below + value for below, value in zip(base, values, strict=True)]
    axes.set_yticks(positions, [textwrap.fill(name, LABEL_WIDTH) for name, _ in ranked])
    axes.invert_yaxis()
    axes.set_xlim(0, max([*base, 1]) * 1.15)
    _integers(axes.xaxis)
    legend_below(axes)
    return png_bytes(figure)


def _figure(title: str, height: int = HEIGHT) -> tuple[Figure, Axes]:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH / DPI, height / DPI), dpi=DPI, layout="constrained")
    axes = figure.add_subplot()
    axes.set_title(title, fontsize=TITLE_SIZE, pad=14)
    axes.tick_params(labelsize=TICK_SIZE)
    axes.spines[["top", "right"]].set_visible(False)
    return figure, axes


def _integers(axis: object) -> None:
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True))  # type: ignore[attr-defined]
