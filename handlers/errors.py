"""The one error handler: domain errors become a clear private answer; the rest is logged."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncRespond
from slack_bolt.response import BoltResponse

from bot.errors import SlackRefusal, UserFacingError
from bot.services.deps import Deps

logger = logging.getLogger(__name__)


def explain(error: Exception) -> str:
    """What to tell the person about an error."""
    if isinstance(error, UserFacingError):
        return error.message
    if isinstance(error, SlackRefusal):
        return f"Slack refused ({error.method}): {error.explanation}."
    return "Something went wrong on the bot's side; it has been logged. Please try again."


async def handle_error(
    error: Exception,
    body: dict[str, Any],
    respond: AsyncRespond | None,
    deps: Deps | None,
    response: BoltResponse | None = None,
) -> None:
    """Tell the person who asked; log what they cannot fix. A domain error is the request's
    answer, so it is done (Bolt would say 500, and the inbox would run it and answer again)."""
    if not isinstance(error, UserFacingError):
        logger.error("listener failed: %s", body.get("type") or body.get("command"), exc_info=error)
    elif response is not None:
        response.status = 200
    user = (body.get("user") or {}).get("id") or body.get("user_id")
    if respond is not None and body.get("response_url"):
        await respond(explain(error), response_type="ephemeral", replace_original=False)
    elif deps is not None and user:
        await deps.slack.tell(user, explain(error))


def register(app: AsyncApp) -> None:
    """Install the error handler."""
    app.error(handle_error)
