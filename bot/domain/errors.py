"""Errors the domain raises; flows turn them into answers in the person's language."""

from __future__ import annotations

from enum import StrEnum


class DomainError(Exception):
    pass


class NotAllowed(DomainError):
    """The person lacks the role (or the neighbourhood) for what they tried."""

    def __init__(self, permission: str, neighbourhood_id: int | None) -> None:
        super().__init__(f"{permission} not allowed in neighbourhood {neighbourhood_id}")
        self.permission = permission
        self.neighbourhood_id = neighbourhood_id


class InviteProblem(StrEnum):
    INVALID = "invalid"
    EXPIRED = "expired"
    USED = "used"
    REVOKED = "revoked"


class InviteRefused(DomainError):
    def __init__(self, problem: InviteProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


class TooManyOpenInvites(DomainError):
    """The person has as many unused invites out as one may have at once."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"at most {limit} open invites at once")
        self.limit = limit


class InvalidNeighbourhoodFile(DomainError):
    """The neighbourhood YAML does not describe a neighbourhood; the message says where."""
