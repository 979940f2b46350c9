"""Action items as people see them: one line each, with Start, Done and Reassign controls."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    DatePickerElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.domain.action_items import ITEM_CLOSED, PRIORITIES, ItemStatus
from bot.domain.limits import MAX_ITEM_TITLE
from bot.domain.mrkdwn import escape_mrkdwn
from bot.rendering.text import MESSAGE_BLOCKS, text_sections
from bot.slack.ids import ActionId, BlockId, CallbackId
from models import ActionItem, Incident

# Two blocks an item, within Slack's 50 (a message) and 100 (App Home).
MAX_WITH_CONTROLS = 20


@dataclass(frozen=True)
class ItemView:
    """An item with its incident, as a list shows it."""

    item: ActionItem
    incident: Incident


def item_name(view: ItemView, prefix: str) -> str:
    """`INC-12`."""
    return f"{prefix}-{view.item.id}"


def item_line(view: ItemView, prefix: str, today: date, *, show_incident: bool = True) -> str:
    """`*INC-12* Add an alert · @bob · due 2025-01-17 (2 days overdue) · P1 · not started`."""
    item, incident = view.item, view.incident
    parts = [f"*{item_name(view, prefix)}* {escape_mrkdwn(item.title)}"]
    parts.append(f"<@{item.owner}>" if item.owner else "_no owner_")
    if item.due_on:
        late = (today - item.due_on).days
        overdue = late > 0 and item.status not in ITEM_CLOSED
        parts.append(
            f"due {item.due_on.isoformat()}" + (f" ({late} days overdue)" if overdue else "")
        )
    parts += [item.priority, item.status]
    if item.status == ItemStatus.WONT_DO and item.wont_do_reason:
        parts[-1] += f": {escape_mrkdwn(item.wont_do_reason)}"
    if show_incident:
        parts.append(f"#{incident.id} {escape_mrkdwn(incident.title)}")
    return " · ".join(parts)


def item_blocks(view: ItemView, prefix: str, today: date) -> list[dict[str, Any]]:
    """An item with its controls (none once it is done or dropped)."""
    number = str(view.item.id)
    blocks = [
        SectionBlock(
            block_id=f"{BlockId.ITEM_PREFIX}{number}",
            text=MarkdownTextObject(text=item_line(view, prefix, today)),
        ).to_dict()
    ]
    if view.item.status in ITEM_CLOSED:
        return blocks
    controls: list[Any] = []
    if view.item.status == ItemStatus.NOT_STARTED:
        controls.append(ButtonElement(text="Start", action_id=ActionId.ITEM_START, value=number))
    controls += [
        ButtonElement(text="Done", action_id=ActionId.ITEM_DONE, value=number, style="primary"),
        UserSelectElement(
            action_id=ActionId.ITEM_REASSIGN, placeholder="Reassign", initial_user=view.item.owner
        ),
        DatePickerElement(
            action_id=ActionId.ITEM_DUE,
            placeholder="Due date",
            initial_date=view.item.due_on.isoformat() if view.item.due_on else None,
        ),
    ]
    blocks.append(
        ActionsBlock(
            block_id=f"{BlockId.ITEM_PREFIX}{number}_controls", elements=controls
        ).to_dict()
    )
    return blocks


def item_list(
    views: Sequence[ItemView], heading: str, prefix: str, today: date
) -> list[list[dict[str, Any]]]:
    """Messages listing items: the first with controls, the rest as lines (never cut short)."""
    blocks = text_sections(BlockId.ITEMS_HEAD, f"*{heading}* ({len(views)})")
    if not views:
        return [text_sections(BlockId.ITEMS_HEAD, f"*{heading}*: none. 🎉")]
    for view in views[:MAX_WITH_CONTROLS]:
        blocks += item_blocks(view, prefix, today)
    rest = views[MAX_WITH_CONTROLS:]
    if rest:
        lines = "\n".join(f"• {item_line(v, prefix, today)}" for v in rest)
        blocks += text_sections(BlockId.ITEMS_REST, lines)
    return [
        blocks[start : start + MESSAGE_BLOCKS] for start in range(0, len(blocks), MESSAGE_BLOCKS)
    ]


def new_item_modal(channel_id: str) -> dict[str, Any]:
    """The form behind the card's "Add action item" button."""
    priorities = [Option(value=p, label=p) for p in PRIORITIES]
    view = View(
        type="modal",
        callback_id=CallbackId.ADD_ITEM,
        title="Add an action item",
        submit="Add",
        close="Cancel",
        private_metadata=channel_id,
        blocks=[
            InputBlock(
                block_id=BlockId.NEW_ITEM_TITLE,
                label="What should be done?",
                element=PlainTextInputElement(action_id="value", max_length=MAX_ITEM_TITLE),
            ),
            InputBlock(
                block_id=BlockId.NEW_ITEM_OWNER,
                label="Owner",
                optional=True,
                element=UserSelectElement(action_id="value"),
            ),
            InputBlock(
                block_id=BlockId.NEW_ITEM_DUE,
                label="Due",
                optional=True,
                element=DatePickerElement(action_id="value"),
            ),
            InputBlock(
                block_id=BlockId.NEW_ITEM_PRIORITY,
                label="Priority",
                element=StaticSelectElement(
                    action_id="value", options=priorities, initial_option=priorities[1]
                ),
            ),
        ],
    )
    result: dict[str, Any] = view.to_dict()
    return result
