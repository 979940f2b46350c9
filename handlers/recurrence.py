"""The Yes / No of "Is this a recurrence of #12?"."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.errors import UserFacingError
from bot.services.deps import Deps
from bot.services.recurrence import answer_question
from bot.slack.ids import ActionId


async def handle_recurrence_answer(
    ack: AsyncAck, action: dict[str, Any], body: dict[str, Any], deps: Deps
) -> None:
    """Link the recurrence (Yes) or record that it is not one (No)."""
    await ack()
    earlier = str(action.get("value", ""))
    if not (earlier.isdigit() and len(earlier) <= 9):
        raise UserFacingError("That button is not one the bot drew.")
    await answer_question(
        deps,
        channel_id=body["channel"]["id"],
        message_ts=body["container"]["message_ts"],
        earlier=int(earlier),
        recurs=action["action_id"] == ActionId.RECURRENCE_YES,
        by=body["user"]["id"],
    )


def register(app: AsyncApp) -> None:
    """Listen for the question's buttons."""
    app.action(ActionId.RECURRENCE_YES)(handle_recurrence_answer)
    app.action(ActionId.RECURRENCE_NO)(handle_recurrence_answer)
