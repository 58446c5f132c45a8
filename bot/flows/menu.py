"""The main menu, help and the privacy statement."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.chat.menu import menu_button
from bot.chat.replies import Answer, Button, Reply
from bot.domain.roles import Permission
from bot.flows.steps import Context
from bot.i18n import Html, Translator

if TYPE_CHECKING:
    from bot.flows.conversation import Conversation

FLOWS = (
    "home",
    "notifications",
    "propose",
    "browse",
    "agenda",
    "mine",
    "review",
    "broadcast",
    "result",
    "commitments",
    "invite",
    "roles",
)


def main(ctx: Context, intro: Html | None = None) -> Reply:
    t = ctx.t
    text = t._("What would you like to do?")
    return Reply(
        Html(f"{intro}\n\n{text}") if intro else text,
        buttons=(
            *role_rows(ctx),
            (menu_button("💡 " + t._("Propose an initiative"), "propose"),),
            (
                menu_button("🔎 " + t._("Initiatives"), "browse"),
                menu_button("📅 " + t._("Activities"), "agenda"),
            ),
            (menu_button("👤 " + t._("My Wijkbot"), "mine"),),
            (
                menu_button("🔔 " + t._("Notifications"), "notifications"),
                menu_button("🌐 " + t._("Language"), "language"),
            ),
            (
                menu_button("🏠 " + t._("My buurt"), "home"),
                menu_button("🔒 " + t._("Privacy"), "privacy"),
                menu_button("❓ " + t._("Help"), "help"),
            ),
        ),
    )


def role_rows(ctx: Context) -> tuple[tuple[Button, ...], ...]:
    """Extra menu rows for coordinators, partners and admins, by the roles they hold."""
    t = ctx.t
    rows: list[tuple[Button, ...]] = []
    if ctx.neighbourhoods_for(Permission.REVIEW_PROPOSALS):
        rows += [
            (
                menu_button("🗂️ " + t._("Review proposals"), "review"),
                menu_button("📣 " + t._("Broadcast"), "broadcast"),
            ),
            (
                menu_button("🏆 " + t._("Publish a result"), "result"),
                menu_button("🤝 " + t._("Commitments"), "commitments"),
            ),
            (
                menu_button("📊 " + t._("Statistics"), "stats"),
                menu_button("✉️ " + t._("Invite a partner"), "invite"),
            ),
        ]
    elif ctx.neighbourhoods_for(Permission.UPDATE_COMMITMENTS):
        rows.append((menu_button("🤝 " + t._("Our commitments"), "commitments"),))
    if ctx.neighbourhoods_for(Permission.GRANT_ROLES):
        rows.append((menu_button("🔑 " + t._("Roles and invite links"), "roles"),))
    return tuple(rows)


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
    from bot.flows.commands import COMMANDS

    t = ctx.t
    lines = [t._("Wijkbot helps you and your neighbours to work together on your neighbourhood.")]
    lines += [f"/{name} - {t._(description)}" for name, description in COMMANDS]
    return Html("\n".join(lines))


async def press(conversation: Conversation, ctx: Context, action: str) -> Answer:
    """A main-menu button; it works from any menu message, old or new."""
    t = ctx.t
    if action == "language":
        return await conversation.start(ctx, "language")
    if action == "stats":
        from bot.flows import statistics

        return await statistics.report(ctx)
    if action in FLOWS and action in conversation.flows:
        return await conversation.start(ctx, action)
    if action == "privacy":
        consent = ""
        if ctx.person.consent_at is not None:
            when = t.date(ctx.person.consent_at, ctx.settings.zone)
            consent = "\n\n" + t._("You gave your consent on {date}.", date=when)
        consent += "\n" + t._("Send /mydata for a copy of your data, or /forget to be erased.")
        return Answer([main(ctx, Html(privacy_statement(t) + consent))])
    if action == "help":
        return Answer([main(ctx, help_text(ctx))])
    return Answer([main(ctx)], notice=t._("This button is no longer active."))
