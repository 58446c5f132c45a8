"""The parts of a running Wijkbot that a runtime runs with; bot.app builds them.

They live here, beside the runtime that uses them, so that the messenger
adapters never import the composition root that imports them.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.infrastructure import Infrastructure
from bot.flows.conversation import Conversation
from bot.handlers.intake import Intake


@dataclass
class App(Infrastructure):
    """Settings, clock and database (all the background needs), the conversations, the intake."""

    conversation: Conversation
    intake: Intake
