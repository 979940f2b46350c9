"""Action items' buttons (redrawn in place) and the form that adds one."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond

from bot.domain.requests import CreateActionItem
from bot.rendering.action_items import item_blocks, item_line, new_item_modal
from bot.services.action_items import (
    add_action_item,
    change_action_item,
    new_item_problems,
    today,
)
from bot.services.deps import Deps
from bot.services.home import refresh_home
from bot.slack.ids import ActionId, BlockId, CallbackId


async def handle_item_control(
    ack: AsyncAck, action: dict[str, Any], body: dict[str, Any], respond: AsyncRespond, deps: Deps
) -> None:
    """Start, Done, Reassign or a new due date on an item: change it, redraw it in place."""
    await ack()
    action_id = action["action_id"]
    number = int(action.get("value") or action["block_id"].split("_")[1])
    verb, arg = {
        ActionId.ITEM_START: ("start", None),
        ActionId.ITEM_DONE: ("done", None),
        ActionId.ITEM_REASSIGN: ("owner", action.get("selected_user")),
        ActionId.ITEM_DUE: ("due", action.get("selected_date")),
    }[action_id]
    view = await change_action_item(deps, number=number, verb=verb, arg=arg, by=body["user"]["id"])
    if (body.get("view") or {}).get("type") == "home":
        await refresh_home(deps, body["user"]["id"])
        return
    prefix = deps.settings.item_prefix
    blocks = _redrawn(body, number, item_blocks(view, prefix, today(deps)))
    await respond(text=item_line(view, prefix, today(deps)), blocks=blocks, replace_original=True)


def _redrawn(body: dict[str, Any], number: int, item: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The clicked message with this item's blocks replaced, the others untouched."""
    original = (body.get("message") or {}).get("blocks") or []
    # Items drawn here (action_<n>, action_<n>_controls) or in the overdue DM (item_<n>).
    listed, dm_line = f"{BlockId.ITEM_PREFIX}{number}", f"{BlockId.DM_ITEM_PREFIX}{number}"
    mine = {listed, f"{listed}_controls", dm_line}
    out: list[dict[str, Any]] = []
    placed = False
    for block in original:
        if block.get("block_id") in mine:
            if not placed:
                out += item
                placed = True
            continue
        out.append(block)
    return out if placed else item


async def handle_add_button(ack: AsyncAck, body: dict[str, Any], deps: Deps) -> None:
    """Open the new-item form from the card."""
    await ack()
    await deps.slack.open_view(body["trigger_id"], new_item_modal(body["channel"]["id"]))


async def handle_new_item_form(
    ack: AsyncAck, view: dict[str, Any], body: dict[str, Any], deps: Deps
) -> None:
    """Check the form (answering in it), then add the item and show it in the channel."""
    values = view["state"]["values"]
    title = (values[BlockId.NEW_ITEM_TITLE]["value"].get("value") or "").strip()
    owner = values[BlockId.NEW_ITEM_OWNER]["value"].get("selected_user")
    due = values[BlockId.NEW_ITEM_DUE]["value"].get("selected_date")
    priority = values[BlockId.NEW_ITEM_PRIORITY]["value"]["selected_option"]["value"]
    problems = await new_item_problems(deps, title=title, owner=owner, due=due)
    if problems:
        fields = {
            "title": BlockId.NEW_ITEM_TITLE,
            "owner": BlockId.NEW_ITEM_OWNER,
            "due": BlockId.NEW_ITEM_DUE,
        }
        errors = {str(fields[field]): text for field, text in problems.items()}
        await ack(response_action="errors", errors=errors)
        return
    await ack()
    request = CreateActionItem(title=title, owner=owner, due=due, priority=priority)
    await add_action_item(
        deps, channel_id=view["private_metadata"], request=request, by=body["user"]["id"]
    )


def register(app: AsyncApp) -> None:
    """Listen for items' controls, and the form that adds one."""
    app.action(ActionId.ADD_ITEM)(handle_add_button)
    app.view(CallbackId.ADD_ITEM)(handle_new_item_form)
    for action_id in (
        ActionId.ITEM_START,
        ActionId.ITEM_DONE,
        ActionId.ITEM_REASSIGN,
        ActionId.ITEM_DUE,
    ):
        app.action(action_id)(handle_item_control)
