"""The main menu, help and the privacy statement."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.domain.roles import Permission
from bot.flows.replies import Answer, Button, Reply
from bot.flows.steps import Context
from bot.i18n import Html, Translator

if TYPE_CHECKING:
    from bot.flows.conversation import Conversation

PREFIX = "m:"  # menu buttons work from any old menu message, so they carry no version
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
            (Button("💡 " + t._("Propose an initiative"), PREFIX + "propose"),),
            (
                Button("🔎 " + t._("Initiatives"), PREFIX + "browse"),
                Button("📅 " + t._("Activities"), PREFIX + "agenda"),
            ),
            (Button("👤 " + t._("My Wijkbot"), PREFIX + "mine"),),
            (
                Button("🔔 " + t._("Notifications"), PREFIX + "notifications"),
                Button("🌐 " + t._("Language"), PREFIX + "language"),
            ),
            (
                Button("🏠 " + t._("My buurt"), PREFIX + "home"),
                Button("🔒 " + t._("Privacy"), PREFIX + "privacy"),
                Button("❓ " + t._("Help"), PREFIX + "help"),
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
                Button("🗂️ " + t._("Review proposals"), PREFIX + "review"),
                Button("📣 " + t._("Broadcast"), PREFIX + "broadcast"),
            ),
            (
                Button("🏆 " + t._("Publish a result"), PREFIX + "result"),
                Button("🤝 " + t._("Commitments"), PREFIX + "commitments"),
            ),
            (
                Button("📊 " + t._("Statistics"), PREFIX + "stats"),
                Button("✉️ " + t._("Invite a partner"), PREFIX + "invite"),
            ),
        ]
    elif ctx.neighbourhoods_for(Permission.UPDATE_COMMITMENTS):
        rows.append((Button("🤝 " + t._("Our commitments"), PREFIX + "commitments"),))
    if ctx.neighbourhoods_for(Permission.GRANT_ROLES):
        rows.append((Button("🔑 " + t._("Roles and invite links"), PREFIX + "roles"),))
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
