"""The incident card's buttons and the modals they open."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.commands.dispatch import run_in_channel
from bot.domain.requests import ChangeStatus, PostUpdate, Reopen
from bot.domain.roles import Role
from bot.domain.status import Status
from bot.rendering.roles import roles_modal
from bot.rendering.updates import update_modal
from bot.services.deps import Deps
from bot.services.incidents import incident_in
from bot.services.roles import assign_roles, people_problems
from bot.slack.ids import ActionId, BlockId, CallbackId


async def handle_status_button(
    ack: AsyncAck, action: dict[str, Any], body: dict[str, Any], deps: Deps
) -> None:
    """Move the incident to the status on the button."""
    await ack()
    request = ChangeStatus(Status(action["value"]))
    await run_in_channel(deps, request, channel_id=body["channel"]["id"], user=body["user"]["id"])


async def handle_reopen_button(ack: AsyncAck, body: dict[str, Any], deps: Deps) -> None:
    """Reopen a resolved incident."""
    await ack()
    await run_in_channel(deps, Reopen(), channel_id=body["channel"]["id"], user=body["user"]["id"])


async def handle_assign_roles_button(ack: AsyncAck, body: dict[str, Any], deps: Deps) -> None:
    """Open a user picker per role."""
    await ack()
    incident = await incident_in(deps, body["channel"]["id"])
    await deps.slack.open_view(body["trigger_id"], roles_modal(incident))


async def handle_post_update_button(ack: AsyncAck, body: dict[str, Any], deps: Deps) -> None:
    """Open the update form."""
    await ack()
    await deps.slack.open_view(body["trigger_id"], update_modal(body["channel"]["id"]))


async def handle_roles_submission(
    ack: AsyncAck, view: dict[str, Any], body: dict[str, Any], deps: Deps
) -> None:
    """Check the people picked (answering in the form), then assign the changed roles."""
    values = view["state"]["values"]
    wanted = {
        role: picked
        for role in Role
        if (
            picked := values.get(f"{BlockId.ROLE_PREFIX}{role.value}", {})
            .get("value", {})
            .get("selected_user")
        )
    }
    problems = await people_problems(deps, wanted)
    if problems:
        errors = {f"{BlockId.ROLE_PREFIX}{role.value}": text for role, text in problems.items()}
        await ack(response_action="errors", errors=errors)
        return
    await ack()
    channel = view["private_metadata"]
    await assign_roles(deps, channel_id=channel, wanted=wanted, by=body["user"]["id"], strict=False)


async def handle_update_submission(
    ack: AsyncAck, view: dict[str, Any], body: dict[str, Any], deps: Deps
) -> None:
    """Post the update typed in the form."""
    text = (view["state"]["values"][BlockId.UPDATE_TEXT]["value"].get("value") or "").strip()
    if not text:
        await ack(response_action="errors", errors={BlockId.UPDATE_TEXT: "Write the update."})
        return
    await ack()
    request = PostUpdate(text)
    await run_in_channel(
        deps, request, channel_id=view["private_metadata"], user=body["user"]["id"]
    )


def register(app: AsyncApp) -> None:
    """Listen for the card's buttons and modals."""
    app.action(re.compile(rf"^{ActionId.SET_STATUS}:"))(handle_status_button)
    app.action(ActionId.REOPEN)(handle_reopen_button)
    app.action(ActionId.ASSIGN_ROLES)(handle_assign_roles_button)
    app.action(ActionId.POST_UPDATE)(handle_post_update_button)
    app.view(CallbackId.ASSIGN_ROLES)(handle_roles_submission)
    app.view(CallbackId.POST_UPDATE)(handle_update_submission)
