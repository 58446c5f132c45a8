"""Texts several flows show the same way: an initiative's fields, its date, a short title,
the neighbourhood's themes as choices.

Proposing, reviewing, browsing and "my initiatives" all describe an initiative;
keeping the words in one place keeps them the same on every screen (and in
the catalogs once). Everything a person typed is escaped by the translator.
"""

from __future__ import annotations

from bot.domain import neighbourhoods
from bot.domain.models import Area, Initiative, Theme, WhenKind
from bot.flows.steps import Context
from bot.flows.widgets import Option
from bot.i18n import N_, Html

HELP_KINDS = {
    "volunteers": N_("Volunteers"),
    "materials": N_("Materials"),
    "space": N_("A space"),
    "partner": N_("A partner organisation"),
}


def short(title: str, limit: int = 40) -> str:
    """A title cut to fit on a button."""
    return title if len(title) <= limit else title[: limit - 1] + "…"


async def describe(ctx: Context, item: Initiative) -> Html:
    """The initiative's fields as readable lines (everything typed is escaped)."""
    t = ctx.t
    theme = await ctx.session.get(Theme, item.theme_id) if item.theme_id else None
    area = await ctx.session.get(Area, item.area_id) if item.area_id else None
    wanted = [t._(label) for key, label in HELP_KINDS.items() if item.help_wanted.get(key)]
    if item.help_wanted.get("volunteer_count"):
        wanted[0] = t._("{count} volunteers", count=item.help_wanted["volunteer_count"])
    lines = [
        t._("<b>Name:</b> {title}", title=item.title),
        t._("<b>Description:</b> {text}", text=item.description),
        t._("<b>Theme:</b> {theme}", theme=theme.name_in(ctx.person.locale) if theme else "-"),
        t._("<b>Buurt:</b> {area}", area=area.name if area else t._("The whole neighbourhood")),
        t._("<b>Help wanted:</b> {help}", help=", ".join(wanted) or "-"),
        t._("<b>When:</b> {when}", when=when_text(ctx, item)),
    ]
    if item.photo_file_id:
        lines.append("📷 " + t._("With a photo"))
    return Html("\n".join(lines))


def when_text(ctx: Context, item: Initiative) -> str:
    """One day, a period, or "not known yet"."""
    t = ctx.t
    if item.when_kind is WhenKind.DATE and item.starts_on:
        return t.day(item.starts_on)
    if item.when_kind is WhenKind.PERIOD and item.starts_on and item.ends_on:
        return t._("{start} until {end}", start=t.day(item.starts_on), end=t.day(item.ends_on))
    return t._("Not known yet")


async def theme_options(ctx: Context, neighbourhood_id: int | None = None) -> list[Option]:
    """A neighbourhood's themes (the person's own unless given) as choices: emoji and name
    in their language."""
    neighbourhood_id = neighbourhood_id or ctx.person.neighbourhood_id
    assert neighbourhood_id is not None
    themes = await neighbourhoods.themes_of(ctx.session, neighbourhood_id)
    locale = ctx.person.locale
    return [
        Option(str(theme.id), f"{theme.emoji} {theme.name_in(locale)}".strip()) for theme in themes
    ]
