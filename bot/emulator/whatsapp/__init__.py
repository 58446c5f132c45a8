"""A local WhatsApp Cloud API (Meta's Graph API) for tests, benchmarks and the sandbox."""

from .errors import GraphError
from .rules import check_message

__all__ = ["GraphError", "check_message"]
