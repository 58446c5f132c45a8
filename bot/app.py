"""The composition root: the parts of a running Wijkbot, built once and handed to a runtime.

Nothing in bot/domain, bot/chat, bot/flows, bot/delivery, bot/reports, bot/jobs
or bot/handlers imports this module (tests/unit/test_layers.py checks it).
"""

from __future__ import annotations

from datetime import timedelta

from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.domain import db
from bot.flows import registry
from bot.flows.conversation import Conversation
from bot.handlers.intake import Intake
from bot.handlers.parts import App

__all__ = ["App", "build_app"]


def build_app(settings: Settings, clock: Clock | None = None) -> App:
    """Raises `FlowError` when the registered flows do not fit together."""
    clock = clock or SystemClock()
    flows = registry.build()  # checked before anything opens
    engine = db.make_engine(settings.database_url)
    sessions = db.make_sessions(engine)
    return App(
        settings=settings,
        clock=clock,
        engine=engine,
        sessions=sessions,
        conversation=Conversation(settings, clock, flows),
        intake=Intake(sessions, clock, lease=timedelta(seconds=settings.intake_lease)),
    )
