"""The domain's tables, one module per concern; import them from here."""

from bot.domain.models.audit import AuditEntry
from bot.domain.models.base import Base
from bot.domain.models.chats import ChatLink, ChatLinkStatus
from bot.domain.models.conversation import ConversationState, ReceivedUpdate, UpdateStatus
from bot.domain.models.goals import Goal, GoalMeasure
from bot.domain.models.initiatives import (
    Action,
    ActionStatus,
    Initiative,
    InitiativePartner,
    InitiativeStatus,
    ProgressUpdate,
    Result,
    Signup,
    SignupStatus,
    Support,
    WhenKind,
)
from bot.domain.models.messaging import Broadcast, BroadcastStatus, Delivery, DeliveryStatus
from bot.domain.models.network import NetworkMonth, Silence
from bot.domain.models.operations import SendPace, SweepDay, SweepRun
from bot.domain.models.partners import Commitment, CommitmentStatus
from bot.domain.models.people import Identity, Invite, Organisation, Person, Role, RoleGrant
from bot.domain.models.places import Area, Neighbourhood, Theme

__all__ = [
    "Action",
    "ActionStatus",
    "Area",
    "AuditEntry",
    "Base",
    "Broadcast",
    "BroadcastStatus",
    "ChatLink",
    "ChatLinkStatus",
    "Commitment",
    "CommitmentStatus",
    "ConversationState",
    "Delivery",
    "DeliveryStatus",
    "Goal",
    "GoalMeasure",
    "Identity",
    "Initiative",
    "InitiativePartner",
    "InitiativeStatus",
    "Invite",
    "Neighbourhood",
    "NetworkMonth",
    "Organisation",
    "Person",
    "ProgressUpdate",
    "ReceivedUpdate",
    "Result",
    "Role",
    "RoleGrant",
    "SendPace",
    "Signup",
    "SignupStatus",
    "Silence",
    "Support",
    "SweepDay",
    "SweepRun",
    "Theme",
    "UpdateStatus",
    "WhenKind",
]
