"""Recurrences: the question asked at declaration, and what is said once it is answered."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, MarkdownTextObject, SectionBlock

from bot.domain.mrkdwn import escape_mrkdwn
from bot.slack.ids import ActionId, BlockId
from models import Incident


def recurrence_question(earlier: int, service: str, days: int) -> list[dict[str, Any]]:
    """ "Is this a recurrence of #12 (payments, 23 days ago)?" with Yes / No."""
    ago = "today" if days == 0 else "1 day ago" if days == 1 else f"{days} days ago"
    question = f"🔁 Is this a recurrence of #{earlier} ({escape_mrkdwn(service)}, {ago})?"
    value = str(earlier)
    blocks = [
        SectionBlock(block_id=BlockId.RECURRENCE_QUESTION, text=MarkdownTextObject(text=question)),
        ActionsBlock(
            block_id=BlockId.RECURRENCE_ACTIONS,
            elements=[
                ButtonElement(text="Yes", action_id=ActionId.RECURRENCE_YES, value=value),
                ButtonElement(text="No", action_id=ActionId.RECURRENCE_NO, value=value),
            ],
        ),
    ]
    return [block.to_dict() for block in blocks]


def question_text(earlier: int) -> str:
    """Notification fallback for the question."""
    return f"Is this a recurrence of #{earlier}?"


def answered(earlier: int, *, recurs: bool, by: str) -> list[dict[str, Any]]:
    """The question once answered: who said what (the buttons go)."""
    said = (
        f"🔁 Marked a recurrence of #{earlier} by <@{by}>."
        if recurs
        else f"🔁 Not a recurrence of #{earlier}, said <@{by}>."
    )
    block = SectionBlock(block_id=BlockId.RECURRENCE_QUESTION, text=MarkdownTextObject(text=said))
    return [block.to_dict()]


def recurrence_linked(incident: Incident, earlier: Incident, by: str) -> str:
    """Told in the channel; a private earlier incident is named by its number only."""
    title = "" if earlier.is_private else f" ({escape_mrkdwn(earlier.title)})"
    return f"🔁 Incident #{incident.id} is a recurrence of #{earlier.id}{title}, linked by <@{by}>."
