"""Postmortem messages, the editor modal, and the blameless findings."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    InputBlock,
    PlainTextInputElement,
)
from slack_sdk.models.views import View

from bot.domain.mrkdwn import escape_mrkdwn
from bot.domain.postmortems import sections_for
from bot.rendering.text import text_sections
from bot.slack.ids import ActionId, BlockId, CallbackId
from models import Incident, Postmortem

MAX_SECTION_INPUT = 3000


def _open(postmortem: Postmortem) -> str:
    return f" <{postmortem.link}|Open it>." if postmortem.link else ""


def drafted_notice(incident: Incident, postmortem: Postmortem) -> str:
    """Posted in the channel when the draft exists."""
    if incident.is_drill:
        return (
            f"🧪 Drill #{incident.id} is over: its game-day review is drafted from the timeline."
            f"{_open(postmortem)} Owner: <@{postmortem.owner}>, due "
            f"{postmortem.due_on.isoformat()}. What went well, the gaps in monitoring and in "
            "runbooks, and the action items: `/incident postmortem edit` to write them, "
            "`/incident postmortem publish` when it's done. No postmortem: this was practice."
        )
    return (
        f"📝 The postmortem of incident #{incident.id} is drafted from the timeline."
        f"{_open(postmortem)} Owner: <@{postmortem.owner}>, due {postmortem.due_on.isoformat()}. "
        "`/incident postmortem edit` to write it, `/incident postmortem publish` when it's done."
    )


def published_notice(incident: Incident, postmortem: Postmortem, by: str) -> str:
    """Posted in the channel on publication."""
    if incident.is_drill:
        return (
            f"✅ The game-day review is published (by <@{by}>); drill #{incident.id} is closed."
            f"{_open(postmortem)}"
        )
    return (
        f"✅ The postmortem is published (by <@{by}>); incident #{incident.id} is closed."
        f"{_open(postmortem)}"
    )


def published_announcement(incident: Incident, postmortem: Postmortem) -> str:
    """Posted in the announcement channel: what happened, with the link."""
    summary = postmortem.sections.get("summary", "").strip()
    lines = [
        f"📝 Postmortem published for incident #{incident.id} {escape_mrkdwn(incident.title)}: "
        + (f"<{postmortem.link}|read it>" if postmortem.link else "see the incident channel")
    ]
    if summary:
        lines.append(f"> {escape_mrkdwn(summary[:500])}")
    return "\n".join(lines)


MAX_TAGS_INPUT = 500


def editor_modal(incident: Incident, postmortem: Postmortem, channel_id: str) -> dict[str, Any]:
    """One field per narrative section, prefilled with what is stored."""
    view = View(
        type="modal",
        callback_id=CallbackId.EDIT_POSTMORTEM,
        title="Edit the game-day review" if incident.is_drill else "Edit the postmortem",
        submit="Save",
        close="Cancel",
        private_metadata=channel_id,
        blocks=[
            InputBlock(
                block_id=f"{BlockId.SECTION_PREFIX}{section.key}",
                label=section.title.capitalize(),
                optional=True,
                hint=section.prompt[:150],
                element=PlainTextInputElement(
                    action_id="value",
                    multiline=True,
                    max_length=MAX_SECTION_INPUT,
                    initial_value=postmortem.sections.get(section.key) or None,
                ),
            )
            for section in sections_for(is_drill=incident.is_drill)
        ]
        + [
            InputBlock(
                block_id=BlockId.POSTMORTEM_TAGS,
                label="Tags",
                optional=True,
                hint="Commas or spaces between them, e.g. database, third-party; searched by tag:",
                element=PlainTextInputElement(
                    action_id="value",
                    max_length=MAX_TAGS_INPUT,
                    initial_value=", ".join(incident.tag_names) or None,
                ),
            )
        ],
    )
    result: dict[str, Any] = view.to_dict()
    return result


def findings_message(findings: list[dict[str, Any]], *, publishing: bool) -> list[dict[str, Any]]:
    """The blameless check's findings, each sentence quoted, with the question to ask instead."""
    if not findings:
        return text_sections(BlockId.FINDINGS, "✅ Blameless check: nothing to change.")
    lines = [f"⚠️ *Blameless check*: {len(findings)} sentence(s) point at people, not the system."]
    for finding in findings:
        lines.append(
            f"> {escape_mrkdwn(finding['sentence'])}\n"
            f"_{escape_mrkdwn(finding['why'])}_ — {escape_mrkdwn(finding['suggestion'])}"
        )
    blocks = text_sections(BlockId.FINDINGS, "\n".join(lines))
    if publishing:
        blocks.append(
            ActionsBlock(
                block_id=BlockId.FINDINGS_ACTIONS,
                elements=[
                    ButtonElement(
                        text="Publish anyway",
                        action_id=ActionId.PUBLISH_ANYWAY,
                        value="publish",
                        style="danger",
                    ),
                    ButtonElement(
                        text="Edit first", action_id=ActionId.EDIT_POSTMORTEM, value="edit"
                    ),
                ],
            ).to_dict()
        )
    return blocks


def items_message(made: list[str], refused: list[str]) -> list[dict[str, Any]]:
    """Which ACTION ITEMS lines became items, and which could not (and why)."""
    lines = []
    if made:
        lines.append(f"📋 New action items from the postmortem: {', '.join(made)}.")
    if refused:
        lines.append("These lines did not become action items:")
        lines += [f"• {reason}" for reason in refused]
    return text_sections(BlockId.POSTMORTEM_ITEMS, "\n".join(lines)) if lines else []
