"""Events that write the timeline: messages seen, reactions, pins, edits and deletions."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.services.capture import (
    SlackMessage,
    capture,
    edit_captured,
    forget_deleted,
    remember_message,
    uncapture_if_unmarked,
)
from bot.services.deps import Deps

# Message subtypes that are people's (or integrations') messages worth keeping.
KEPT_SUBTYPES = {None, "file_share", "thread_broadcast", "bot_message", "me_message"}


async def handle_message(event: dict[str, Any], deps: Deps) -> None:
    """Keep new messages; follow edits and deletions onto the timeline."""
    subtype = event.get("subtype")
    channel = event["channel"]
    if subtype == "message_changed" and event["message"].get("subtype") == "tombstone":
        # A deleted message that had replies stays as a tombstone: it leaves the timeline.
        await forget_deleted(deps, channel=channel, ts=event["message"]["ts"])
    elif subtype == "message_changed":
        await edit_captured(deps, SlackMessage.from_event(channel, event["message"]))
    elif subtype == "message_deleted":
        await forget_deleted(deps, channel=channel, ts=event["deleted_ts"])
    elif subtype in KEPT_SUBTYPES:
        await remember_message(deps, SlackMessage.from_event(channel, event))


async def handle_reaction_added(event: dict[str, Any], deps: Deps) -> None:
    """A timeline emoji on a message in an incident channel puts it on the timeline."""
    item = event["item"]
    if item.get("type") != "message" or event["reaction"] not in deps.settings.timeline_emoji:
        return
    await capture(deps, channel=item["channel"], ts=item["ts"], by=event["user"])


async def handle_reaction_removed(event: dict[str, Any], deps: Deps) -> None:
    """The last timeline emoji taken off a message takes it off the timeline."""
    item = event["item"]
    if item.get("type") != "message" or event["reaction"] not in deps.settings.timeline_emoji:
        return
    await uncapture_if_unmarked(deps, channel=item["channel"], ts=item["ts"])


async def handle_pin_added(event: dict[str, Any], deps: Deps) -> None:
    """Pinning a message puts it on the timeline (the event carries the message)."""
    item = event.get("item", {})
    if item.get("type") != "message" or "message" not in item:
        return
    channel = item.get("channel") or event["channel_id"]
    message = SlackMessage.from_event(channel, item["message"])
    await capture(deps, channel=channel, ts=message.ts, by=event["user"], message=message)


def register(app: AsyncApp) -> None:
    """Listen for the events the timeline needs."""
    app.event("message")(handle_message)
    app.event("reaction_added")(handle_reaction_added)
    app.event("reaction_removed")(handle_reaction_removed)
    app.event("pin_added")(handle_pin_added)
