"""Action items: made and changed by command, changed by their buttons (in place)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond

from bot.deps import Deps
from bot.ids import ActionId, BlockId, CallbackId
from bot.rendering.actions import item_blocks, item_line, item_list, new_action_modal
from bot.requests import ChangeAction, CreateAction, ListActions
from bot.services.actions import (
    change_action,
    create_action,
    items_for,
    new_item_problems,
    today,
)
from bot.services.home import refresh_home

HEADINGS = {
    "incident": "This incident's action items",
    "mine": "Your open action items",
    "overdue": "Overdue action items",
    "open": "Open action items",
}


async def run_action_request(
    deps: Deps, request: CreateAction | ChangeAction, *, channel_id: str, user: str
) -> str:
    """Make or change an item; the channel sees new items, the person gets the answer."""
    prefix = deps.settings.action_prefix
    if isinstance(request, CreateAction):
        view = await create_action(
            deps,
            channel_id=channel_id,
            request=request,
            by=user,
        )
        blocks = item_blocks(view, prefix, today(deps))
        await deps.slack.post(
            channel_id, text=f"New action item {prefix}-{view.item.id}", blocks=blocks
        )
        return f"Added {prefix}-{view.item.id}."
    view = await change_action(
        deps, number=request.number, verb=request.verb, arg=request.arg, by=user
    )
    return f"Updated: {item_line(view, prefix, today(deps))}"


async def list_actions(
    deps: Deps, request: ListActions, *, channel_id: str, user: str
) -> list[list[dict[str, Any]]]:
    """The pages of a list of items."""
    views = await items_for(deps, scope=request.scope, user=user, channel_id=channel_id)
    return item_list(views, HEADINGS[request.scope], deps.settings.action_prefix, today(deps))


async def handle_item_control(
    ack: AsyncAck, action: dict[str, Any], body: dict[str, Any], respond: AsyncRespond, deps: Deps
) -> None:
    """Start, Done, Reassign or a new due date on an item: change it, redraw it in place."""
    await ack()
    action_id = action["action_id"]
    number = int(action.get("value") or action["block_id"].split("_")[1])
    verb, arg = {
        ActionId.ACTION_START: ("start", None),
        ActionId.ACTION_DONE: ("done", None),
        ActionId.ACTION_REASSIGN: ("owner", action.get("selected_user")),
        ActionId.ACTION_DUE: ("due", action.get("selected_date")),
    }[action_id]
    view = await change_action(deps, number=number, verb=verb, arg=arg, by=body["user"]["id"])
    if (body.get("view") or {}).get("type") == "home":
        await refresh_home(deps, body["user"]["id"])
        return
    prefix = deps.settings.action_prefix
    blocks = _redrawn(body, number, item_blocks(view, prefix, today(deps)))
    await respond(text=item_line(view, prefix, today(deps)), blocks=blocks, replace_original=True)


def _redrawn(body: dict[str, Any], number: int, item: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The clicked message with this item's blocks replaced, the others untouched."""
    original = (body.get("message") or {}).get("blocks") or []
    # Items drawn here (action_<n>, action_<n>_controls) or in the overdue DM (item_<n>).
    mine = {f"action_{number}", f"action_{number}_controls", f"item_{number}"}
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
    await deps.slack.open_view(body["trigger_id"], new_action_modal(body["channel"]["id"]))


async def handle_new_action(
    ack: AsyncAck, view: dict[str, Any], body: dict[str, Any], deps: Deps
) -> None:
    """Check the form (answering in it), then add the item and show it in the channel."""
    values = view["state"]["values"]
    title = (values[BlockId.NEW_ACTION_TITLE]["value"].get("value") or "").strip()
    owner = values[BlockId.NEW_ACTION_OWNER]["value"].get("selected_user")
    due = values[BlockId.NEW_ACTION_DUE]["value"].get("selected_date")
    priority = values[BlockId.NEW_ACTION_PRIORITY]["value"]["selected_option"]["value"]
    problems = await new_item_problems(deps, title=title, owner=owner, due=due)
    if problems:
        fields = {
            "title": BlockId.NEW_ACTION_TITLE,
            "owner": BlockId.NEW_ACTION_OWNER,
            "due": BlockId.NEW_ACTION_DUE,
        }
        errors = {str(fields[field]): text for field, text in problems.items()}
        await ack(response_action="errors", errors=errors)
        return
    await ack()
    request = CreateAction(title=title, owner=owner, due=due, priority=priority)
    await run_action_request(
        deps, request, channel_id=view["private_metadata"], user=body["user"]["id"]
    )


def register(app: AsyncApp) -> None:
    """Listen for items' controls, and the form that adds one."""
    app.action(ActionId.ADD_ACTION)(handle_add_button)
    app.view(CallbackId.ADD_ACTION)(handle_new_action)
    for action_id in (
        ActionId.ACTION_START,
        ActionId.ACTION_DONE,
        ActionId.ACTION_REASSIGN,
        ActionId.ACTION_DUE,
    ):
        app.action(action_id)(handle_item_control)
