"""The partners' part: what organisations promised, kept and still open, in two lists."""

from __future__ import annotations

from html import escape

from bot.domain.showcase import Showcase, ShownCommitment
from bot.i18n import Translator
from bot.site.layout import isolated, section


def _list(t: Translator, view: Showcase, items: list[ShownCommitment]) -> str:
    themes = {theme.id: theme for theme in view.themes}
    default = view.neighbourhood.default_locale
    lines = []
    for item in items:
        about = []
        theme = themes.get(item.theme_id)
        if theme:
            about.append(escape(theme.name_in(t.locale, default)))
        if item.due_on and not item.kept:
            about.append(t._("due on {date}", date=t.day(item.due_on)))
        meta = f' <span class="meta">({" · ".join(about)})</span>' if about else ""
        lines.append(
            f"<li><strong>{isolated(item.organisation)}</strong>: {isolated(item.what)}{meta}</li>"
        )
    return f"<ul>{''.join(lines)}</ul>" if lines else f"<p>{t._('None.')}</p>"


def part(t: Translator, view: Showcase) -> str:
    kept = t.n_("Kept ({n})", "Kept ({n})", len(view.kept))
    still = t.n_("Still open ({n})", "Still open ({n})", len(view.open))
    body = (
        f"<h3>{kept}</h3>\n{_list(t, view, view.kept)}\n"
        f"<h3>{still}</h3>\n{_list(t, view, view.open)}"
    )
    return section("commitments", t._("Commitments of partners"), body)
