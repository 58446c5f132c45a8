"""The goals part: per goal its theme, title, a bar, the figures and the period.

<li> 💚 Residents take part in health activities
     [██████░░░░] (decorative; the words say the same)
     30% · 18 of 60 · 2027
"""

from __future__ import annotations

from html import escape

from bot.domain.showcase import Showcase
from bot.i18n import Translator
from bot.reports.goals import period, title
from bot.site.layout import section
from bot.site.style import STEP


def part(t: Translator, view: Showcase) -> str:
    themes = {theme.id: theme for theme in view.themes}
    default = view.neighbourhood.default_locale
    items = []
    for item in view.goals:
        theme = themes.get(item.goal.theme_id)
        emoji = f'<span aria-hidden="true">{escape(theme.emoji)}</span> ' if theme else ""
        theme_name = escape(theme.name_in(t.locale, default)) if theme else ""
        figures = t._(
            "{value} of {target}", value=t.number(item.value), target=t.number(item.target)
        )
        filled = max(0, min(100, item.percent)) // STEP * STEP
        items.append(
            f'<li class="goal">\n<p class="meta">{emoji}{theme_name}</p>\n'
            f"<h3>{escape(title(item.goal, t.locale, default))}</h3>\n"
            f'<div class="bar" aria-hidden="true"><span class="fill-{filled}"></span></div>\n'
            f"<p><strong>{t.percent(item.percent)}</strong> · {figures} · "
            f'<bdi dir="ltr">{escape(period(item.goal))}</bdi></p>\n</li>'
        )
    body = (
        f'<ul class="cards">{"".join(items)}</ul>'
        if items
        else f"<p>{t._('No goals set yet.')}</p>"
    )
    return section("goals", t._("Our goals"), body)
