"""The initiatives part: approved and completed initiatives under their theme's heading,
themes in the neighbourhood's order, those without a theme last."""

from __future__ import annotations

from html import escape

from bot.chat.limits import clip
from bot.domain.showcase import Showcase, ShownInitiative
from bot.i18n import Translator
from bot.site.layout import isolated, section

DESCRIPTION = 300  # characters of a description on the page; the rest is in the chat


def _card(t: Translator, item: ShownInitiative) -> str:
    about = [t.n_("{n} supporter", "{n} supporters", item.supporters)]
    if item.area:
        about.insert(0, isolated(item.area))
    if item.completed:
        about.append(t._("completed"))
    if item.by:
        about.append(t._("by {name}", name=isolated(item.by)))
    return (
        f'<li>\n<h4 dir="auto">{escape(item.title)}</h4>\n'
        f'<p dir="auto">{escape(clip(item.description, DESCRIPTION))}</p>\n'
        f'<p class="meta">{" · ".join(about)}</p>\n</li>'
    )


def part(t: Translator, view: Showcase) -> str:
    default = view.neighbourhood.default_locale
    groups: list[tuple[str, list[ShownInitiative]]] = []
    for theme in view.themes:
        mine = [item for item in view.initiatives if item.theme_id == theme.id]
        if mine:
            groups.append((f"{theme.emoji} {theme.name_in(t.locale, default)}".strip(), mine))
    known = {theme.id for theme in view.themes}
    rest = [item for item in view.initiatives if item.theme_id not in known]
    if rest:
        groups.append((str(t._("Without a theme")), rest))
    body = "\n".join(
        f"<h3>{escape(name)}</h3>\n"
        f'<ul class="cards">{"".join(_card(t, item) for item in items)}</ul>'
        for name, items in groups
    )
    return section(
        "initiatives",
        t._("Initiatives by theme"),
        body or f"<p>{t._('No initiatives approved yet.')}</p>",
    )
