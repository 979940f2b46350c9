"""A runbook checklist's Done and Skip buttons."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.errors import UserFacingError
from bot.services.deps import Deps
from bot.services.runbooks import tick_step
from bot.slack.ids import ActionId

STATES = {ActionId.RUNBOOK_DONE: "done", ActionId.RUNBOOK_SKIP: "skipped"}


async def handle_runbook_step(
    ack: AsyncAck, action: dict[str, Any], body: dict[str, Any], deps: Deps
) -> None:
    """Mark the step on the button done or skipped."""
    await ack()
    runbook, _, index = str(action.get("value", "")).partition(":")
    if not (runbook.isdigit() and index.isdigit() and len(runbook) <= 9 and len(index) <= 3):
        raise UserFacingError("That checklist button is not one the bot drew.")
    state = STATES[ActionId(action["action_id"])]
    await tick_step(
        deps, runbook_id=int(runbook), index=int(index), state=state, by=body["user"]["id"]
    )


def register(app: AsyncApp) -> None:
    """Listen for the checklist buttons."""
    app.action(ActionId.RUNBOOK_DONE)(handle_runbook_step)
    app.action(ActionId.RUNBOOK_SKIP)(handle_runbook_step)
