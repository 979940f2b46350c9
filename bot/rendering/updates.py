"""Status updates, lifecycle notices and the resolution summary."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.domain.limits import MAX_UPDATE
from bot.domain.mrkdwn import escape_mrkdwn
from bot.domain.policy import Policy
from bot.domain.roles import ROLE_NAMES, Role
from bot.domain.severity import Severity
from bot.domain.status import Status
from bot.domain.times import duration, local_time
from bot.rendering.incident import severity_line
from bot.rendering.text import text_sections
from bot.slack.ids import BlockId, CallbackId
from models import Incident


def status_update(incident: Incident, text: str, by: str, policy: Policy) -> list[dict[str, Any]]:
    """A status update: where things stand, what's new, who said so."""
    severity = Severity(incident.severity)
    head = (
        f"*Update on incident #{incident.id}* · {severity_line(severity, policy)} · "
        f"{Status(incident.status).label}"
    )
    return [
        SectionBlock(block_id=BlockId.UPDATE_HEAD, text=MarkdownTextObject(text=head)).to_dict(),
        *text_sections(BlockId.UPDATE_BODY, escape_mrkdwn(text)),
        ContextBlock(
            block_id=BlockId.UPDATE_BY, elements=[MarkdownTextObject(text=f"Posted by <@{by}>")]
        ).to_dict(),
    ]


def status_notice(incident: Incident, previous: Status, note: str, by: str) -> str:
    """One line in the channel when the status moves."""
    line = f"Status: {previous.label} → *{Status(incident.status).label}* (by <@{by}>)"
    return line + (f"\n> {escape_mrkdwn(note)}" if note else "")


def severity_notice(incident: Incident, previous: Severity, by: str, policy: Policy) -> str:
    """One line in the channel when the severity changes."""
    severity = Severity(incident.severity)
    verb = "raised" if severity.rank < previous.rank else "lowered"
    level = policy.level(severity)
    return (
        f"Severity {verb}: {previous.label} → *{severity_line(severity, policy)}* (by <@{by}>). "
        f"Response: {escape_mrkdwn(level.response)}."
    )


def time_notice(incident: Incident, field: str, zone: ZoneInfo, by: str) -> str:
    """One line when the start or detection time is set."""
    moment = incident.started_at if field == "started" else incident.detected_at
    what = "Impact began" if field == "started" else "Detected"
    return f"{what} at {local_time(moment, zone)} (set by <@{by}>)."


def resolution_summary(
    incident: Incident, summary: str, by: str, zone: ZoneInfo
) -> list[dict[str, Any]]:
    """Resolved: how long it lasted, who led it, the summary."""
    assert incident.resolved_at is not None
    lasted = duration(incident.declared_at, incident.resolved_at)
    impact = duration(incident.started_at, incident.resolved_at)
    commander = incident.current_roles.get(Role.COMMANDER.value)
    lines = [
        f"✅ *Incident #{incident.id} resolved* after {lasted} "
        f"(declared {local_time(incident.declared_at, zone)}, "
        f"resolved {local_time(incident.resolved_at, zone)}).",
        f"Impact lasted {impact}." if impact != lasted else "",
        f"{ROLE_NAMES[Role.COMMANDER]}: <@{commander}>" if commander else "",
        f"*Summary*: {escape_mrkdwn(summary)}" if summary else "",
    ]
    return [
        *text_sections(BlockId.RESOLUTION, "\n".join(line for line in lines if line)),
        ContextBlock(
            block_id=BlockId.UPDATE_BY, elements=[MarkdownTextObject(text=f"Resolved by <@{by}>")]
        ).to_dict(),
    ]


def update_modal(channel_id: str) -> dict[str, Any]:
    """The form behind the card's "Post update" button."""
    view = View(
        type="modal",
        callback_id=CallbackId.POST_UPDATE,
        title="Post an update",
        submit="Post",
        close="Cancel",
        private_metadata=channel_id,
        blocks=[
            InputBlock(
                block_id=BlockId.UPDATE_TEXT,
                label="What's the latest?",
                element=PlainTextInputElement(
                    action_id="value", multiline=True, max_length=MAX_UPDATE
                ),
            )
        ],
    )
    result: dict[str, Any] = view.to_dict()
    return result
