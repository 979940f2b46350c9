"""The postmortem's editor, and its buttons (publishing asks to confirm when blame remains)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.domain.postmortems import GAME_DAY_SECTIONS, SECTIONS
from bot.rendering.postmortems import findings_message, items_message
from bot.services import postmortems
from bot.services.deps import Deps
from bot.services.postmortem_items import save_postmortem
from bot.slack.ids import ActionId, BlockId, CallbackId


async def handle_editor_submission(
    ack: AsyncAck, view: dict[str, Any], body: dict[str, Any], deps: Deps
) -> None:
    """Save the sections, then show the editor what the blameless check found."""
    await ack()
    values = view["state"]["values"]
    sections = {
        s.key: values.get(f"{BlockId.SECTION_PREFIX}{s.key}", {}).get("value", {}).get("value")
        or ""
        for s in (*SECTIONS, *GAME_DAY_SECTIONS)  # the service keeps the incident's own
    }
    channel, user = view["private_metadata"], body["user"]["id"]
    # An empty field clears the tags; a form without the field (opened before it) keeps them.
    field = values.get(BlockId.POSTMORTEM_TAGS)
    typed = (field.get("value", {}).get("value") or "") if field is not None else None
    saved = await save_postmortem(deps, channel_id=channel, sections=sections, by=user, tags=typed)
    blocks = findings_message(saved.findings, publishing=False) + items_message(
        saved.items.made, saved.items.refused
    )
    await deps.slack.post_ephemeral(channel, user, text="Postmortem saved", blocks=blocks)


async def handle_edit_button(ack: AsyncAck, body: dict[str, Any], deps: Deps) -> None:
    """Open the editor from a button."""
    await ack()
    await postmortems.open_editor(
        deps, channel_id=body["channel"]["id"], trigger_id=body["trigger_id"]
    )


async def handle_publish_button(
    ack: AsyncAck, action: dict[str, Any], body: dict[str, Any], deps: Deps
) -> None:
    """Publish from the card, or confirm publishing despite findings."""
    await ack()
    confirmed = action["action_id"] == ActionId.PUBLISH_ANYWAY
    await postmortems.publish_postmortem(
        deps, channel_id=body["channel"]["id"], by=body["user"]["id"], confirmed=confirmed
    )


def register(app: AsyncApp) -> None:
    """Listen for the postmortem's form and buttons."""
    app.view(CallbackId.EDIT_POSTMORTEM)(handle_editor_submission)
    app.action(ActionId.EDIT_POSTMORTEM)(handle_edit_button)
    app.action(ActionId.PUBLISH_POSTMORTEM)(handle_publish_button)
    app.action(ActionId.PUBLISH_ANYWAY)(handle_publish_button)
