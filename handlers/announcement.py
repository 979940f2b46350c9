"""Buttons on the announcement."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond

from bot.services.deps import Deps
from bot.services.membership import join_incident
from bot.slack.ids import ActionId


async def handle_join(
    ack: AsyncAck, action: dict[str, Any], body: dict[str, Any], respond: AsyncRespond, deps: Deps
) -> None:
    """Bring whoever clicked into the incident channel."""
    await ack()
    channel_id = await join_incident(deps, number=int(action["value"]), user=body["user"]["id"])
    await respond(f"You're in: <#{channel_id}>.", response_type="ephemeral", replace_original=False)


def register(app: AsyncApp) -> None:
    """Listen for the announcement's buttons."""
    app.action(ActionId.JOIN_INCIDENT)(handle_join)
