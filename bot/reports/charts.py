"""Statistics as PNG charts: readable on a phone, the same bytes for the same numbers.

matplotlib is imported inside the functions (importing it takes longer than
starting the rest of the bot) and drawn through `Figure` on the Agg canvas:
no pyplot, no global state, no display. Rendering takes about 0.1-0.2 s, so a
flow may run it in a worker thread (`asyncio.to_thread`).

Words come from the Translator, in the coordinator's language, Arabic
included: matplotlib 3.11 and later shapes and orders right-to-left text with
the libraqm it is built with, whatever the system has installed (hence the
version floor in pyproject.toml). Theme emoji are left out: the bundled font
has no colour emoji, and a missing glyph would show as a box.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton, format_time

from bot.domain.models import InitiativeStatus, NetworkMonth
from bot.i18n import N_, Translator
from bot.reports.labels import status_name, theme_name
from bot.reports.statistics import BroadcastReach, ThemeTally, WeekTally

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

WIDTH, HEIGHT, DPI = 1000, 700, 100
TITLE_SIZE, LABEL_SIZE, TICK_SIZE = 22, 16, 14
LABEL_WIDTH = 20  # characters per line of a theme name on the axis

# Okabe-Ito: told apart by people with the common kinds of colour blindness.
BLUE, ORANGE, GREEN, SKY, VERMILION, PURPLE, GREY = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#56B4E9",
    "#D55E00",
    "#CC79A7",
    "#999999",
)
STATUS_COLOURS = {
    InitiativeStatus.SUBMITTED: SKY,
    InitiativeStatus.CHANGES_REQUESTED: ORANGE,
    InitiativeStatus.APPROVED: GREEN,
    InitiativeStatus.COMPLETED: BLUE,
    InitiativeStatus.REJECTED: VERMILION,
    InitiativeStatus.WITHDRAWN: GREY,
}
PARTICIPATION: tuple[tuple[str, Callable[[WeekTally], int], str, str], ...] = (
    (N_("Joined an activity"), lambda week: week.joined, GREEN, "o"),
    (N_("New supporters"), lambda week: week.supporters, ORANGE, "s"),
    (N_("New residents"), lambda week: week.residents, BLUE, "^"),
)
REACH: tuple[tuple[str, Callable[[BroadcastReach], int], str], ...] = (
    (N_("Sent"), lambda item: item.report.sent, GREEN),
    (N_("Waiting"), lambda item: item.report.waiting, GREY),
    (N_("Could not be reached"), lambda item: item.report.unreachable, ORANGE),
    (N_("Failed"), lambda item: item.report.failed, VERMILION),
)

NETWORK: tuple[tuple[str, str, str], ...] = (
    (N_("Active residents"), "active", GREEN),
    (N_("New residents"), "joined", BLUE),
    (N_("Came back after a silence"), "came_back", ORANGE),
    (N_("Silent for 60 days"), "silent", GREY),
)

Segment = tuple[str, list[int], str]  # legend label, one value per bar, colour


def initiatives_chart(tallies: Sequence[ThemeTally], t: Translator) -> bytes:
    """Horizontal stacked bars, a bar per theme and a colour per status.

    Horizontal, because theme names are long and a phone screen is narrow.
    """
    figure, axes = _figure(t._("Initiatives by theme and status"))
    segments = [
        (
            status_name(status, t),
            [tally.by_status.get(status, 0) for tally in tallies],
            colour,
        )
        for status, colour in STATUS_COLOURS.items()
    ]
    labels = [textwrap.fill(theme_name(tally, t), LABEL_WIDTH) for tally in tallies]
    _stack(axes, segments, labels, t, horizontal=True)
    axes.set_xlabel(t._("Initiatives"), fontsize=LABEL_SIZE)
    return png_bytes(figure)


def participation_chart(weeks: Sequence[WeekTally], t: Translator) -> bytes:
    """A line per kind of participation over the weeks, labelled by ISO week number."""
    from matplotlib.ticker import MaxNLocator

    figure, axes = _figure(t._("Participation per week"))
    positions = range(len(weeks))
    highest = 1
    for label, count, colour, marker in PARTICIPATION:
        values = [count(week) for week in weeks]
        highest = max([highest, *values])
        axes.plot(
            positions,
            values,
            label=t._(label),
            color=colour,
            marker=marker,
            linewidth=3,
            markersize=8,
        )
    axes.set_xticks(positions, [t.number(week.monday.isocalendar().week) for week in weeks])
    axes.set_xlabel(t._("Week"), fontsize=LABEL_SIZE)
    axes.set_ylim(0, highest * 1.1)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.grid(axis="y", alpha=0.3)
    legend_below(axes)
    return png_bytes(figure)


def reach_chart(reach: Sequence[BroadcastReach], t: Translator, zone: ZoneInfo) -> bytes:
    """A bar per broadcast, oldest left, split by outcome; its height is the recipients."""
    labels = [
        format_skeleton("MMMd", item.sent_at.astimezone(zone), locale=t.locale)
        + "\n"
        + format_time(item.sent_at.astimezone(zone), "short", locale=t.locale)
        for item in reach
    ]
    figure, axes = _figure(t._("Reach of broadcasts"))
    segments = [
        (t._(label), [count(item) for item in reach], colour) for label, count, colour in REACH
    ]
    _stack(axes, segments, labels, t, horizontal=False)
    axes.set_ylabel(t._("Recipients"), fontsize=LABEL_SIZE)
    return png_bytes(figure)


def network_chart(months: Sequence[NetworkMonth], t: Translator) -> bytes:
    """Four bars a month (active, new, came back, silent), oldest month left: numbers only."""
    from matplotlib.ticker import MaxNLocator

    figure, axes = _figure(t._("Residents month by month"))
    width = 0.2
    highest = 1
    for index, (label, field, colour) in enumerate(NETWORK):
        values = [getattr(month, field) for month in months]
        highest = max([highest, *values])
        positions = [m + (index - 1.5) * width for m in range(len(months))]
        bars = axes.bar(positions, values, width, color=colour, label=t._(label))
        axes.bar_label(bars, [t.number(v) for v in values], fontsize=TICK_SIZE - 2, padding=2)
    labels = [
        format_skeleton("MMMyy", date(int(m.month[:4]), int(m.month[5:]), 1), locale=t.locale)
        for m in months
    ]
    axes.set_xticks(range(len(months)), labels)
    axes.set_ylim(0, highest * 1.15)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.grid(axis="y", alpha=0.3)
    axes.set_ylabel(t._("Residents"), fontsize=LABEL_SIZE)
    legend_below(axes)
    return png_bytes(figure)


def _figure(title: str) -> tuple[Figure, Axes]:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH / DPI, HEIGHT / DPI), dpi=DPI, layout="constrained")
    axes = figure.add_subplot()
    axes.set_title(title, fontsize=TITLE_SIZE, pad=16)
    axes.tick_params(labelsize=TICK_SIZE)
    axes.spines[["top", "right"]].set_visible(False)
    return figure, axes


def _stack(
    axes: Axes,
    segments: Sequence[Segment],
    labels: Sequence[str],
    t: Translator,
    *,
    horizontal: bool,
) -> None:
    """Stacked bars with their total at the end; segments that are zero everywhere are left
    out of the legend."""
    from matplotlib.ticker import MaxNLocator

    positions = list(range(len(labels)))
    base = [0] * len(labels)
    draw = axes.barh if horizontal else axes.bar
    for label, values, colour in segments:
        if any(values):
            draw(positions, values, 0.6, base, color=colour, label=label)
            base = [below + value for below, value in zip(base, values, strict=True)]
    value_axis, label_axis = (axes.xaxis, axes.yaxis) if horizontal else (axes.yaxis, axes.xaxis)
    value_axis.set_major_locator(MaxNLocator(integer=True))
    label_axis.set_ticks(positions, labels)
    for position, total in zip(positions, base, strict=True):
        x, y = (total, position) if horizontal else (position, total)
        axes.annotate(
            t.number(total),
            (x, y),
            xytext=(6, 0) if horizontal else (0, 6),
            textcoords="offset points",
            ha="left" if horizontal else "center",
            va="center" if horizontal else "bottom",
            fontsize=TICK_SIZE,
        )
    if horizontal:
        axes.invert_yaxis()  # the first theme on top, as in the bot's theme list
        axes.set_xlim(0, max([*base, 1]) * 1.15)
    else:
        axes.set_ylim(0, max([*base, 1]) * 1.15)
    axes.grid(axis="x" if horizontal else "y", alpha=0.3)
    legend_below(axes)


def legend_below(axes: Axes) -> None:
    """Below the chart, where it covers no bar or line."""
    handles, labels = axes.get_legend_handles_labels()
    if handles:
        axes.figure.legend(
            handles, labels, loc="outside lower center", ncols=3, fontsize=TICK_SIZE, frameon=False
        )


def png_bytes(figure: Figure) -> bytes:
    """PNG bytes without a software version in them, so equal numbers give equal bytes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    buffer = io.BytesIO()
    FigureCanvasAgg(figure).print_png(buffer, metadata={"Software": None})
    return buffer.getvalue()
