"""The incident card, the channel topic and the announcement."""

from __future__ import annotations

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

from bot.domain.drills import BANNER
from bot.domain.mrkdwn import escape_mrkdwn
from bot.domain.policy import Policy
from bot.domain.roles import ROLE_NAMES, Role
from bot.domain.severity import Severity
from bot.domain.status import ENDED, NEXT_STEPS, Status
from bot.domain.times import local_time
from bot.rendering.services import service_names, services_field
from bot.rendering.tags import tag_list
from bot.rendering.text import text_sections
from bot.slack.ids import ActionId, BlockId
from models import Incident

SEVERITY_EMOJI = {Severity.SEV1: "🔴", Severity.SEV2: "🟠", Severity.SEV3: "🟡"}
MAX_TOPIC = 250
STEP_LABELS = {
    Status.INVESTIGATING: "Back to investigating",
    Status.IDENTIFIED: "Cause identified",
    Status.MITIGATED: "Mitigated",
    Status.RESOLVED: "Resolve",
}


def severity_line(severity: Severity, policy: Policy) -> str:
    """`🔴 SEV1 Critical`."""
    return f"{SEVERITY_EMOJI[severity]} {severity.label} {policy.level(severity).name}"


def _holder(incident: Incident, role: Role) -> str:
    user = incident.current_roles.get(role.value)
    return f"<@{user}>" if user else "_unassigned_"


def _times(incident: Incident, zone: ZoneInfo) -> str:
    lines = [f"declared {local_time(incident.declared_at, zone)}"]
    if incident.started_at != incident.declared_at:
        lines.append(f"impact began {local_time(incident.started_at, zone)}")
    if incident.detected_at != incident.declared_at:
        lines.append(f"detected {local_time(incident.detected_at, zone)}")
    for label, moment in (("mitigated", incident.mitigated_at), ("resolved", incident.resolved_at)):
        if moment is not None:
            lines.append(f"{label} {local_time(moment, zone)}")
    return "\n".join(lines)


def incident_card(incident: Incident, zone: ZoneInfo, policy: Policy) -> list[dict[str, Any]]:
    """The summary card pinned in the incident channel, edited in place as things change."""
    severity = Severity(incident.severity)
    level = policy.level(severity)
    fields = [
        MarkdownTextObject(
            text=f"*Severity*\n{severity_line(severity, policy)}\n"
            f"{escape_mrkdwn(level.description)} · {escape_mrkdwn(level.response)}"
        ),
        MarkdownTextObject(text=f"*Status*\n{Status(incident.status).label}"),
        MarkdownTextObject(text=f"*Times*\n{_times(incident, zone)}"),
        *(
            [MarkdownTextObject(text=services_field(policy.catalog, incident.service_slugs))]
            if policy.catalog or incident.service_slugs
            else []
        ),
        *(
            MarkdownTextObject(text=f"*{ROLE_NAMES[role]}*\n{_holder(incident, role)}")
            for role in Role
        ),
        *(
            [MarkdownTextObject(text=f"*Tags*\n{tag_list(incident.tag_names)}")]
            if incident.tags
            else []
        ),
    ]
    blocks: list[Block] = [
        HeaderBlock(block_id=BlockId.CARD_HEADER, text=incident.title or f"#{incident.id}"),
        SectionBlock(block_id=BlockId.CARD_FIELDS, fields=fields),
    ]
    description = (
        text_sections(BlockId.CARD_DESCRIPTION, escape_mrkdwn(incident.description))
        if incident.description
        else []
    )
    blocks.append(ActionsBlock(block_id=BlockId.CARD_ACTIONS, elements=_card_buttons(incident)))
    context = f"Incident #{incident.id} · declared by <@{incident.declared_by}>"
    if incident.is_private:
        context += " · 🔒 private"
    blocks.append(
        ContextBlock(block_id=BlockId.CARD_CONTEXT, elements=[MarkdownTextObject(text=context)])
    )
    drawn = [block.to_dict() for block in blocks]
    return drawn[:2] + description + drawn[2:]


def _card_buttons(incident: Incident) -> list[ButtonElement]:
    status = Status(incident.status)
    buttons = [
        ButtonElement(text="Assign roles", action_id=ActionId.ASSIGN_ROLES, value=str(incident.id)),
        ButtonElement(text="Post update", action_id=ActionId.POST_UPDATE, value=str(incident.id)),
        ButtonElement(text="Add action item", action_id=ActionId.ADD_ITEM, value=str(incident.id)),
    ]
    for step in NEXT_STEPS.get(status, ()):
        buttons.append(
            ButtonElement(
                text=STEP_LABELS[step],
                action_id=f"{ActionId.SET_STATUS}:{step.value}",
                value=step.value,
                style="primary" if step is Status.RESOLVED else None,
            )
        )
    if status is Status.POSTMORTEM:
        buttons += [
            ButtonElement(text="Edit postmortem", action_id=ActionId.EDIT_POSTMORTEM, value="edit"),
            ButtonElement(
                text="Publish postmortem", action_id=ActionId.PUBLISH_POSTMORTEM, value="publish"
            ),
        ]
    if status in (Status.RESOLVED, Status.POSTMORTEM):
        buttons.append(ButtonElement(text="Reopen", action_id=ActionId.REOPEN, value="reopen"))
    return buttons


def card_text(incident: Incident) -> str:
    """Notification fallback for the card."""
    severity = Severity(incident.severity)
    kind = "drill" if incident.is_drill else "incident"
    return f"{severity.label} {kind} #{incident.id}: {escape_mrkdwn(incident.title)}"


def channel_topic(incident: Incident, policy: Policy) -> str:
    """`🔴 SEV1 Critical · Investigating · IC <@U…> · title`, within Slack's 250 characters."""
    commander = incident.current_roles.get(Role.COMMANDER.value)
    parts = [severity_line(Severity(incident.severity), policy), Status(incident.status).label]
    if incident.is_drill:
        parts.insert(0, BANNER)
    if commander:
        parts.append(f"IC <@{commander}>")
    head = " · ".join(parts)
    room = MAX_TOPIC - len(head) - 3
    title = escape_mrkdwn(incident.title)
    if len(title) > room:
        title = title[: room - 1].rstrip() + "…"
    return f"{head} · {title}"


def announcement(incident: Incident, zone: ZoneInfo, policy: Policy) -> list[dict[str, Any]]:
    """The post in the announcement channel, linking to the incident channel, kept current."""
    severity = Severity(incident.severity)
    commander = incident.current_roles.get(Role.COMMANDER.value, incident.declared_by)
    text = (
        f"{severity_line(severity, policy)} incident *#{incident.id}* "
        f"{escape_mrkdwn(incident.title)}\n"
        f"Channel <#{incident.channel_id}> · Status *{Status(incident.status).label}* · "
        f"IC <@{commander}> · declared {local_time(incident.declared_at, zone)}"
    )
    if incident.service_slugs:
        text += f"\nServices: {service_names(policy.catalog, incident.service_slugs)}"
    blocks: list[Block] = [
        SectionBlock(block_id=BlockId.ANNOUNCEMENT, text=MarkdownTextObject(text=text))
    ]
    if Status(incident.status) not in ENDED:
        blocks.append(
            ActionsBlock(
                block_id=BlockId.ANNOUNCEMENT_ACTIONS,
                elements=[
                    ButtonElement(
                        text="Join the incident channel",
                        action_id=ActionId.JOIN_INCIDENT,
                        value=str(incident.id),
                    )
                ],
            )
        )
    return [block.to_dict() for block in blocks]
