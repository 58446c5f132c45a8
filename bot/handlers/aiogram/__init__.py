"""The aiogram 3 runtime: Telegram updates in, flow events through, Bot API calls out."""

from bot.handlers.aiogram.runtime import AiogramRuntime

__all__ = ["AiogramRuntime"]
