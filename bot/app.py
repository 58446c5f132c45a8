"""The composition root: the parts of a running Wijkbot, built once and handed to a runtime.

Nothing in bot/domain, bot/chat, bot/flows, bot/delivery, bot/reports, bot/jobs
or bot/handlers imports this module (tests/unit/test_layers.py checks it).
"""

from __future__ import annotations

from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.domain import db
from bot.flows.conversation import Conversation
from bot.flows.onboarding import all_flows
from bot.handlers.intake import Intake
from bot.handlers.parts import App

__all__ = ["App", "build_app"]


def build_app(settings: Settings, clock: Clock | None = None) -> App:
    clock = clock or SystemClock()
    engine = db.make_engine(settings.database_url)
    sessions = db.make_sessions(engine)
    return App(
        settings=settings,
        clock=clock,
        engine=engine,
        sessions=sessions,
        conversation=Conversation(settings, clock, all_flows()),
        intake=Intake(sessions, clock),
    )
