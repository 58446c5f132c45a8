"""The aiogram 3 runtime (`RUNTIME=aiogram`, the default): Wijkbot's Bot API calls in aiogram."""

from bot.handlers.aiogram.api import AiogramApi, make_bot

__all__ = ["AiogramApi", "make_bot"]
