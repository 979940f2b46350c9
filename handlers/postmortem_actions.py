"""`/incident postmortem …`, its editor, and publishing (with a confirmation when blame remains)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.deps import Deps
from bot.ids import ActionId, BlockId, CallbackId
from bot.postmortem import SECTIONS
from bot.rendering.postmortems import editor_modal, findings_message, items_message
from bot.requests import PostmortemRequest
from bot.services import postmortems
from bot.services.postmortem_items import save_postmortem
from bot.times import local_time


async def run_postmortem(
    deps: Deps,
    request: PostmortemRequest,
    *,
    channel_id: str,
    user: str,
    trigger_id: str | None,
) -> str | None:
    """Do the postmortem action; returns a private answer, if any."""
    match request.action:
        case "show":
            incident, _ = await postmortems.postmortem_in(deps, channel_id)
            shared = await postmortems.share(deps, incident, fresh_file=True)
            return f"📝 The postmortem, drafted from the timeline: {shared.link}"
        case "owner":
            assert request.user is not None
            await postmortems.set_owner(deps, channel_id=channel_id, owner=request.user, by=user)
        case "edit":
            incident, postmortem = await postmortems.postmortem_in(deps, channel_id)
            assert trigger_id is not None
            await deps.slack.open_view(trigger_id, editor_modal(incident, postmortem, channel_id))
        case "review":
            await postmortems.mark_in_review(deps, channel_id=channel_id, by=user)
        case "publish":
            await _publish(deps, channel_id=channel_id, user=user, confirmed=False)
        case "meeting":
            assert request.when is not None
            moment = await postmortems.set_meeting(
                deps, channel_id=channel_id, when=request.when, by=user
            )
            return f"Meeting recorded: {local_time(moment, deps.zone)}."
    return None


async def _publish(deps: Deps, *, channel_id: str, user: str, confirmed: bool) -> None:
    try:
        await postmortems.publish(deps, channel_id=channel_id, by=user, confirmed=confirmed)
    except postmortems.NeedsConfirmation as pending:
        blocks = findings_message(pending.findings, publishing=True)
        await deps.slack.post_ephemeral(
            channel_id, user, text="The blameless check has findings", blocks=blocks
        )


async def handle_editor_submission(
    ack: AsyncAck, view: dict[str, Any], body: dict[str, Any], deps: Deps
) -> None:
    """Save the sections, then show the editor what the blameless check found."""
    await ack()
    values = view["state"]["values"]
    sections = {
        s.key: values.get(f"{BlockId.SECTION_PREFIX}{s.key}", {}).get("value", {}).get("value")
        or ""
        for s in SECTIONS
    }
    channel, user = view["private_metadata"], body["user"]["id"]
    saved = await save_postmortem(deps, channel_id=channel, sections=sections, by=user)
    blocks = findings_message(saved.findings, publishing=False) + items_message(
        saved.items.made, saved.items.refused
    )
    await deps.slack.post_ephemeral(channel, user, text="Postmortem saved", blocks=blocks)


async def handle_edit_button(ack: AsyncAck, body: dict[str, Any], deps: Deps) -> None:
    """Open the editor from a button."""
    await ack()
    channel = body["channel"]["id"]
    incident, postmortem = await postmortems.postmortem_in(deps, channel)
    await deps.slack.open_view(body["trigger_id"], editor_modal(incident, postmortem, channel))


async def handle_publish_button(
    ack: AsyncAck, action: dict[str, Any], body: dict[str, Any], deps: Deps
) -> None:
    """Publish from the card, or confirm publishing despite findings."""
    await ack()
    confirmed = action["action_id"] == ActionId.PUBLISH_ANYWAY
    await _publish(
        deps, channel_id=body["channel"]["id"], user=body["user"]["id"], confirmed=confirmed
    )


def register(app: AsyncApp) -> None:
    """Listen for the postmortem's form and buttons."""
    app.view(CallbackId.EDIT_POSTMORTEM)(handle_editor_submission)
    app.action(ActionId.EDIT_POSTMORTEM)(handle_edit_button)
    app.action(ActionId.PUBLISH_POSTMORTEM)(handle_publish_button)
    app.action(ActionId.PUBLISH_ANYWAY)(handle_publish_button)
