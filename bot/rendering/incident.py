"""The incident card, the channel topic and the announcement."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.escape import escape_mrkdwn
from bot.ids import ActionId, BlockId
from bot.roles import ROLE_NAMES, Role
from bot.severity import DEFAULT_POLICY, Severity
from bot.status import Status
from models import Incident

SEVERITY_EMOJI = {Severity.SEV1: "🔴", Severity.SEV2: "🟠", Severity.SEV3: "🟡"}
MAX_TOPIC = 250


def local_time(moment: datetime, zone: ZoneInfo) -> str:
    """Format a time as people in the incident's zone read it."""
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")


def severity_line(severity: Severity) -> str:
    """`🔴 SEV1 Critical`."""
    level = DEFAULT_POLICY[severity]
    return f"{SEVERITY_EMOJI[severity]} {severity.label} {level.name}"


def _holder(incident: Incident, role: Role) -> str:
    user = incident.current_roles.get(role.value)
    return f"<@{user}>" if user else "_unassigned_"


def incident_card(incident: Incident, zone: ZoneInfo) -> list[dict[str, Any]]:
    """The summary card pinned in the incident channel, edited in place as things change."""
    severity = Severity(incident.severity)
    level = DEFAULT_POLICY[severity]
    fields = [
        MarkdownTextObject(
            text=f"*Severity*\n{severity_line(severity)}\n{level.description} · {level.response}"
        ),
        MarkdownTextObject(text=f"*Status*\n{Status(incident.status).label}"),
        MarkdownTextObject(text=f"*Declared*\n{local_time(incident.declared_at, zone)}"),
        *(
            MarkdownTextObject(text=f"*{ROLE_NAMES[role]}*\n{_holder(incident, role)}")
            for role in Role
        ),
    ]
    blocks: list[Block] = [
        HeaderBlock(block_id=BlockId.CARD_HEADER, text=incident.title or f"#{incident.id}"),
        SectionBlock(block_id=BlockId.CARD_FIELDS, fields=fields),
    ]
    if incident.description:
        blocks.append(
            SectionBlock(
                block_id=BlockId.CARD_DESCRIPTION,
                text=MarkdownTextObject(text=escape_mrkdwn(incident.description)),
            )
        )
    context = f"Incident #{incident.id} · declared by <@{incident.declared_by}>"
    if incident.is_private:
        context += " · 🔒 private"
    blocks.append(
        ContextBlock(block_id=BlockId.CARD_CONTEXT, elements=[MarkdownTextObject(text=context)])
    )
    return [block.to_dict() for block in blocks]


def card_text(incident: Incident) -> str:
    """Notification fallback for the card."""
    severity = Severity(incident.severity)
    return f"{severity.label} incident #{incident.id}: {escape_mrkdwn(incident.title)}"


def channel_topic(incident: Incident) -> str:
    """`🔴 SEV1 Critical · Investigating · IC <@U…> · title`, within Slack's 250 characters."""
    commander = incident.current_roles.get(Role.COMMANDER.value)
    parts = [severity_line(Severity(incident.severity)), Status(incident.status).label]
    if commander:
        parts.append(f"IC <@{commander}>")
    head = " · ".join(parts)
    room = MAX_TOPIC - len(head) - 3
    title = escape_mrkdwn(incident.title)
    if len(title) > room:
        title = title[: room - 1].rstrip() + "…"
    return f"{head} · {title}"


def announcement(incident: Incident, zone: ZoneInfo) -> list[dict[str, Any]]:
    """The post in the announcement channel, linking to the incident channel."""
    severity = Severity(incident.severity)
    commander = incident.current_roles.get(Role.COMMANDER.value, incident.declared_by)
    text = (
        f"{severity_line(severity)} incident declared: *#{incident.id}* "
        f"{escape_mrkdwn(incident.title)}\n"
        f"Channel <#{incident.channel_id}> · Status {Status(incident.status).label} · "
        f"IC <@{commander}> · declared {local_time(incident.declared_at, zone)}"
    )
    blocks: list[Block] = [
        SectionBlock(block_id=BlockId.ANNOUNCEMENT, text=MarkdownTextObject(text=text)),
        ActionsBlock(
            block_id=BlockId.ANNOUNCEMENT_ACTIONS,
            elements=[
                ButtonElement(
                    text="Join the incident channel",
                    action_id=ActionId.JOIN_INCIDENT,
                    value=str(incident.id),
                )
            ],
        ),
    ]
    return [block.to_dict() for block in blocks]
