"""aiogram's HTTP session with a lean path for the calls of a conversation step.

aiogram posts every call as a form (each value URL-quoted character by character) and
turns every result into pydantic models: an edited message with its chat, its sender
and its keyboard is dozens of models, built for an answer nobody reads. For the calls a
step makes, `call` posts the same parameters as JSON and hands back the result as plain
JSON; errors still become aiogram's exceptions, raised by aiogram's own `check_response`.

    TelegramMethod ──prepare_value──> JSON ──POST──> {"ok": true, "result": …} ──> result
    (aiogram's model: defaults,                      {"ok": false, …} ──> TelegramRetryAfter,
     validated parameters)                                                  TelegramBadRequest, …
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods import TelegramMethod
from aiohttp import ClientError

JSON = {"Content-Type": "application/json"}


class LeanSession(AiohttpSession):
    async def call(
        self, bot: Bot, method: TelegramMethod[Any], request_timeout: float | None = None
    ) -> Any:
        """Make the call; its `result` as plain JSON (a dict, a list, True). Not for uploads."""
        files: dict[str, Any] = {}
        body = {
            key: prepared
            for key, value in method.model_dump(warnings=False).items()
            if (prepared := self.prepare_value(value, bot=bot, files=files, _dumps_json=False))
            is not None
        }
        if files:
            raise ValueError(f"{method.__api_method__} uploads a file: send it as a form")
        session = await self.create_session()
        url = self.api.api_url(token=bot.token, method=method.__api_method__)
        try:
            async with session.post(
                url,
                data=self.json_dumps(body),
                headers=JSON,
                timeout=self.timeout if request_timeout is None else request_timeout,
            ) as response:
                status, content = response.status, await response.text()
        except TimeoutError as exc:
            raise TelegramNetworkError(method=method, message="Request timeout error") from exc
        except ClientError as exc:
            message = f"{type(exc).__name__}: {exc}"
            raise TelegramNetworkError(method=method, message=message) from exc
        if HTTPStatus.OK <= status <= HTTPStatus.IM_USED:
            answer = self.json_loads(content)
            if answer.get("ok"):
                return answer.get("result")
        # Not a success: aiogram reads the answer and raises the exception it stands for.
        failed = self.check_response(bot=bot, method=method, status_code=status, content=content)
        return failed.result
