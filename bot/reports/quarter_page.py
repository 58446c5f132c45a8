"""The quarterly report as one HTML file: tables, words and charts, in one language.

One self-contained page (styles inline, charts as embedded PNG), so it can be
mailed, opened without a network, and printed to PDF from any browser. It
reads from the right in Arabic. What a person typed (a result's words, an
initiative's title, a commitment) is escaped; nothing names a resident.
"""

from __future__ import annotations

import base64
from zoneinfo import ZoneInfo

from babel.dates import format_date

from bot.chat.limits import and_more
from bot.i18n import Translator, escape
from bot.reports import goals as goal_texts
from bot.reports.quarter import QuarterFigures
from bot.reports.quarter_charts import (
    STATES,
    commitments_chart,
    goals_chart,
    month_name,
    participation_chart,
)

STYLE = """
body { font-family: "DejaVu Sans", Arial, sans-serif; color: #1F2933; margin: 2rem auto;
       max-width: 60rem; padding: 0 1rem; line-height: 1.45; }
header { background: #1B4D3E; color: #FFFFFF; padding: 1.2rem 1.5rem; border-radius: 8px; }
header h1 { margin: 0 0 .3rem; font-size: 1.8rem; }
header p { margin: 0; }
h2 { border-bottom: 3px solid #009E73; padding-bottom: .2rem; margin-top: 2rem; }
table { border-collapse: collapse; width: 100%; margin: .8rem 0; }
th, td { border-bottom: 1px solid #D8D2C4; padding: .35rem .5rem; text-align: start;
         vertical-align: top; }
td.number, th.number { text-align: end; white-space: nowrap; }
img.chart { width: 100%; max-width: 1000px; display: block; margin: 1rem 0; }
.kept { color: #006B4F; } .overdue { color: #A33B00; font-weight: bold; }
.note { color: #6B7280; font-size: .9rem; }
"""


def page(figures: QuarterFigures, t: Translator) -> str:
    """The whole report in `t`'s language."""
    neighbourhood = figures.neighbourhood
    zone = ZoneInfo(neighbourhood.timezone)
    title = t._(
        "Quarterly report {quarter}: {neighbourhood}",
        quarter=str(figures.quarter),
        neighbourhood=neighbourhood.name,
    )
    first, last = figures.quarter.months[0], figures.quarter.months[-1]
    span = f"{month_name(first, t)} – {month_name(last, t)}"
    written = t._("Written on {day}", day=t.day(figures.written_at.astimezone(zone).date()))
    parts = [
        f'<!DOCTYPE html>\n<html lang="{t.locale}" dir="{"rtl" if t.rtl else "ltr"}">',
        f'<head><meta charset="utf-8"><title>{title}</title><style>{STYLE}</style></head>',
        f"<body><header><h1>{title}</h1><p>{escape(span)} · {written}</p></header>",
        _numbers(figures, t),
        _goals(figures, t),
        _results(figures, t, zone),
        _commitments(figures, t),
        '<p class="note">'
        + t._(
            "No personal data: people are counted, never named. Results and commitments are"
            " shown as they were published."
        )
        + "</p>",
        "</body></html>\n",
    ]
    return "\n".join(parts)


def _chart(data: bytes, label: str) -> str:
    encoded = base64.b64encode(data).decode("ascii")
    return f'<img class="chart" alt="{label}" src="data:image/png;base64,{encoded}">'


def _table(header: list[str], rows: list[list[str]], numbers: set[int]) -> str:
    def cell(tag: str, index: int, text: str) -> str:
        kind = ' class="number"' if index in numbers else ""
        return f"<{tag}{kind}>{text}</{tag}>"

    head = "".join(cell("th", index, text) for index, text in enumerate(header))
    body = "".join(
        "<tr>" + "".join(cell("td", index, text) for index, text in enumerate(row)) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _numbers(figures: QuarterFigures, t: Translator) -> str:
    rows = [
        (t._("Activities held"), "activities"),
        (t._("Initiatives approved"), "approved"),
        (t._("Results published"), "results"),
        (t._("Took part in an activity"), "took_part"),
        (t._("New supporters"), "supporters"),
        (t._("New residents"), "residents"),
    ]
    header = ["", *(escape(month_name(m.first_day, t)) for m in figures.months), t._("Quarter")]
    body = []
    for label, field in rows:
        values = [getattr(month, field) for month in figures.months]
        body.append([label, *(t.number(v) for v in values), t.number(sum(values))])
    note = t._(
        "People are counted once a month: someone who took part in two months counts in both."
    )
    return (
        f"<section><h2>{t._('The quarter in numbers')}</h2>"
        + _table(header, body, set(range(1, len(header))))
        + _chart(participation_chart(figures, t), t._("Participation per month"))
        + f'<p class="note">{note}</p></section>'
    )


def _goals(figures: QuarterFigures, t: Translator) -> str:
    heading = f"<section><h2>{t._('Goals')}</h2>"
    if not figures.goals:
        return heading + f"<p>{t._('No goals for this quarter.')}</p></section>"
    fallback = figures.neighbourhood.default_locale
    rows = []
    for item in figures.goals:
        theme = figures.themes.get(item.goal.theme_id)
        rows.append(
            [
                escape(theme.name_in(t.locale) if theme else ""),
                escape(goal_texts.title(item.goal, t.locale, fallback)),
                t._(
                    "{value} of {target}", value=t.number(item.value), target=t.number(item.target)
                ),
                t.percent(item.percent),
                goal_texts.period(item.goal),
            ]
        )
    header = [t._("Theme"), t._("Goal"), t._("Reached"), "%", t._("Period")]
    return (
        heading
        + _table(header, rows, {2, 3})
        + _chart(goals_chart(figures, t), t._("Goals: how far along"))
        + "</section>"
    )


def _results(figures: QuarterFigures, t: Translator, zone: ZoneInfo) -> str:
    heading = f"<section><h2>{t._('Results')}</h2>"
    if not figures.results:
        return heading + f"<p>{t._('No results were published in this quarter.')}</p></section>"
    rows = [
        [
            escape(
                format_date(item.published_at.astimezone(zone).date(), "short", locale=t.locale)
            ),
            escape(item.initiative or "–"),
            escape(item.text),
            t.number(item.number) if item.number is not None else "",
        ]
        for item in figures.results
    ]
    header = [t._("Date"), t._("Initiative"), t._("Result"), t._("Number")]
    more = figures.results_total - len(figures.results)
    tail = f'<p class="note">{and_more(t, more)}</p>' if more else ""
    return heading + _table(header, rows, {3}) + tail + "</section>"


def _commitments(figures: QuarterFigures, t: Translator) -> str:
    heading = f"<section><h2>{t._('Partners and their commitments')}</h2>"
    if not figures.commitments:
        return heading + f"<p>{t._('No commitments in this quarter.')}</p></section>"
    names = {state: t._(label) for state, label, _ in STATES}
    counts = {state: sum(1 for c in figures.commitments if c.state == state) for state in names}
    summary = " · ".join(f"{names[state]}: {t.number(counts[state])}" for state in names)
    rows = [
        [
            escape(item.organisation),
            escape(item.what),
            escape(format_date(item.due_on, "short", locale=t.locale)) if item.due_on else "–",
            f'<span class="{item.state}">{names[item.state]}</span>',
        ]
        for item in figures.commitments
    ]
    header = [t._("Organisation"), t._("Commitment"), t._("Due"), t._("State")]
    more = figures.commitments_total - len(figures.commitments)
    tail = f'<p class="note">{and_more(t, more)}</p>' if more else ""
    return (
        heading
        + f"<p>{summary}</p>"
        + _chart(commitments_chart(figures, t), t._("Partners' commitments"))
        + _table(header, rows, set())
        + tail
        + "</section>"
    )
