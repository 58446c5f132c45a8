"""First contact: language, neighbourhood, buurt and consent, then the main menu.

language ──> neighbourhood ──> area ──> consent ──> main menu
             (skipped when there is one,   │            (checked in first when it began
              or an invite named it)       │             with a check-in code)
                                           └─ "no" ──> nothing kept
"""

from __future__ import annotations

from bot.chat.replies import Reply
from bot.domain import audit, people, privacy
from bot.flows import check_in, menu
from bot.flows.profile import ChooseArea, ChooseLanguage, ChooseNeighbourhood, home_description
from bot.flows.steps import Context, Finish, Flow, Outcome, Step
from bot.i18n import Html

NEIGHBOURS_COUNTED = 1000  # beyond it, "more than 1,000": counting costs what it counts


class Consent(Step):
    name = "consent"

    async def auto(self, ctx: Context) -> Outcome | None:
        return self.proceed() if ctx.person.consent_at is not None else None

    async def show(self, ctx: Context) -> Reply:
        t = ctx.t
        question = t._("Do you agree that Wijkbot stores this?")
        return Reply(
            Html(f"{menu.privacy_statement(t)}\n\n{question}"),
            buttons=(
                (ctx.button("✅ " + t._("I agree"), "consent", "yes"),),
                (ctx.button(t._("No, thank you"), "consent", "no"),),
            ),
        )

    async def on_button(self, ctx: Context, action: str, arg: str) -> Outcome | None:
        if action != "consent" or arg not in ("yes", "no"):
            return None
        if arg == "yes":
            people.give_consent(ctx.person, ctx.now)
            audit.record(
                ctx.session,
                ctx.now,
                "consent.given",
                actor_id=ctx.person.id,
                version=people.PRIVACY_VERSION,
            )
            return self.proceed()
        message = ctx.t._(
            "That is fine. Without your consent Wijkbot cannot help you, so I have not kept "
            "anything about you. Send /start if you change your mind."
        )
        await privacy.forget(ctx.session, ctx.person, ctx.now)
        ctx.forgotten = True
        return Finish([Reply(message)])

    def hint(self, ctx: Context) -> Html:
        return ctx.t._("Please answer with one of the buttons below.")


class OnboardingFlow(Flow):
    name = "onboarding"
    code = "o"

    def __init__(self) -> None:
        super().__init__(
            ChooseLanguage("neighbourhood", welcome=True),
            ChooseNeighbourhood("area"),
            ChooseArea("consent"),
            Consent(),
        )

    async def complete(self, ctx: Context) -> list[Reply]:
        t = ctx.t
        home = await home_description(ctx)
        welcome = t._(
            "Welcome, {name}! You are all set for {home}.", name=ctx.person.first_name, home=home
        )
        assert ctx.person.neighbourhood_id is not None
        others = (
            await people.count_residents(
                ctx.session, ctx.person.neighbourhood_id, up_to=NEIGHBOURS_COUNTED + 2
            )
            - 1  # themselves
        )
        if others > NEIGHBOURS_COUNTED:
            company = t.n_(
                "More than {n} neighbour already takes part.",
                "More than {n} neighbours already take part.",
                NEIGHBOURS_COUNTED,
            )
        else:
            company = t.n_(
                "{n} neighbour already takes part.", "{n} neighbours already take part.", others
            )
        if others > 0:
            welcome = Html(f"{welcome}\n{company}")
        scanned = ctx.data.get("check_in")  # onboarding began with a check-in code
        checked_in = [await check_in.scanned(ctx, scanned)] if isinstance(scanned, str) else []
        return [*checked_in, menu.main(ctx, welcome)]

    async def cancelled(self, ctx: Context) -> list[Reply]:
        return []
