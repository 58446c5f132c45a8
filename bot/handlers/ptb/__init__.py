"""The python-telegram-bot 22 runtime (`RUNTIME=ptb`): Wijkbot's Bot API calls in PTB."""

from bot.handlers.ptb.api import PtbApi

__all__ = ["PtbApi"]
