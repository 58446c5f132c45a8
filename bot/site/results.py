"""The results part: the newest results first, each with its number, its initiative,
its date, and its photo when the lead agreed (the photo's text is the result's own words).
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from zoneinfo import ZoneInfo

from bot.domain.showcase import MOST_RESULTS, Showcase
from bot.i18n import Translator
from bot.site.layout import isolated, section


def part(t: Translator, view: Showcase, photos: Mapping[int, str]) -> str:
    """`photos`: a result's id to the relative address of its photo, for those shown."""
    zone = ZoneInfo(view.neighbourhood.timezone)
    items = []
    for result in view.results:
        picture = ""
        if result.id in photos:
            picture = f'<img src="{escape(photos[result.id])}" alt="{escape(result.text)}">\n'
        number = ""
        if result.number is not None:
            number = f'<p class="number">{escape(t.number(result.number))}</p>\n'
        about = [escape(t.date(result.published_at, zone))]
        if result.initiative:
            about.append(isolated(result.initiative))
        if result.by:
            about.append(t._("by {name}", name=isolated(result.by)))
        items.append(
            f'<li>\n{picture}{number}<p dir="auto">{escape(result.text)}</p>\n'
            f'<p class="meta">{" · ".join(about)}</p>\n</li>'
        )
    if not items:
        body = f"<p>{t._('No results published yet.')}</p>"
    else:
        body = f'<ul class="cards">{"".join(items)}</ul>'
        if len(items) == MOST_RESULTS:
            newest = t.n_("The newest {n} result.", "The newest {n} results.", MOST_RESULTS)
            body += f'<p class="meta">{newest}</p>'
    return section("results", t._("Results"), body)
