"""The main menu, help and the privacy statement.

The menu's entries and the commands listed in help come from the registry
(`bot.flows.registry`); each flow declares its own.
"""

from __future__ import annotations

from bot.chat.replies import Answer, Reply
from bot.flows.entries import MenuEntry
from bot.flows.steps import Action, Context, Engine
from bot.i18n import N_, Html, Translator


def main(ctx: Context, intro: Html | None = None) -> Reply:
    """The main menu: the entries the registry holds that this person may see."""
    text = ctx.t._("What would you like to do?")
    return Reply(Html(f"{intro}\n\n{text}") if intro else text, buttons=ctx.registry.menu_rows(ctx))


def privacy_statement(t: Translator) -> Html:
    return Html(
        "<b>"
        + t._("Your privacy")
        + "</b>\n"
        + t._(
            "Wijkbot stores your first name, your language, your buurt and what you do "
            "with the bot, such as initiatives you propose and activities you join."
        )
        + "\n"
        + t._(
            "Coordinators of your neighbourhood can see your first name and what you "
            "take part in. Other residents do not see your name, also not on an initiative "
            "you lead. We do not share your data with anyone else."
        )
        + "\n"
        + t._("You can ask for your data or have it erased at any time.")
    )


def help_text(ctx: Context) -> Html:
    t = ctx.t
    lines = [t._("Wijkbot helps you and your neighbours to work together on your neighbourhood.")]
    lines += [
        f"/{command.name} - {t._(command.description or '')}" for command in ctx.registry.listed
    ]
    return Html("\n".join(lines))


async def privacy(conversation: Engine, ctx: Context) -> Answer:
    """The privacy statement, with when the person gave consent."""
    t = ctx.t
    consent = ""
    if ctx.person.consent_at is not None:
        when = t.date(ctx.person.consent_at, ctx.settings.zone)
        consent = "\n\n" + t._("You gave your consent on {date}.", date=when)
    consent += "\n" + t._(
        "The public results page shows your first name or the photos of your results only "
        "if you say yes: /public."
    )
    consent += "\n" + t._("Send /mydata for a copy of your data, or /forget to be erased.")
    return Answer([main(ctx, Html(privacy_statement(t) + consent))])


PRIVACY = Action("privacy", privacy, menu=MenuEntry(N_("Privacy"), "🔒", row=60, column=1))
