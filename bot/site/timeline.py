"""The long breath: a row a month since the start, newest first, in a table.

Month          Initiatives approved  Activities  Participants  Results
December 2026                     2           3            41        1
"""

from __future__ import annotations

from babel.dates import format_skeleton

from bot.domain.showcase import Showcase
from bot.i18n import Translator
from bot.site.layout import section


def part(t: Translator, view: Showcase) -> str:
    headers = [
        t._("Initiatives approved"),
        t._("Activities"),
        t._("Participants"),
        t._("Results"),
    ]
    head = f'<th scope="col">{t._("Month")}</th>' + "".join(
        f'<th scope="col" class="n">{header}</th>' for header in headers
    )
    rows = []
    for month in reversed(view.months):
        name = format_skeleton("yMMMM", month.first_day, locale=t.locale)
        figures = (month.approved, month.activities, month.participants, month.results)
        cells = "".join(f'<td class="n">{t.number(value)}</td>' for value in figures)
        rows.append(f'<tr><th scope="row">{name}</th>{cells}</tr>')
    caption = t._("Month by month since the start: the long breath made visible.")
    body = (
        f'<div class="scroll" tabindex="0" role="region" aria-label="{caption}">\n'
        f"<table>\n<caption>{caption}</caption>\n<thead><tr>{head}</tr></thead>\n"
        f"<tbody>{''.join(rows)}</tbody>\n</table></div>"
    )
    return section("timeline", t._("Month by month"), body)
