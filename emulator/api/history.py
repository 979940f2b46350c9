"""conversations.* methods that read messages, open DMs and manage membership."""

from __future__ import annotations

from typing import Any

from emulator.api.registry import ApiError, Call, method, page
from emulator.api.shapes import conversation_json, message_json
from emulator.state import BOT_USER_ID, Message


def ts_key(ts: str) -> tuple[int, int]:
    """Return a sortable key of a Slack timestamp; ValueError when malformed."""
    seconds, _, fraction = ts.partition(".")
    if not seconds.isdigit() or (fraction and not fraction.isdigit()):
        raise ValueError(ts)
    return int(seconds), int(fraction.ljust(6, "0")[:6] or 0)


def _window(call: Call, messages: list[Message]) -> list[Message]:
    """Keep the messages between oldest and latest (bounds excluded unless inclusive)."""
    bounds: dict[str, tuple[int, int] | None] = {}
    for name in ("oldest", "latest"):
        raw = call.text(name)
        try:
            bounds[name] = ts_key(raw) if raw else None
        except ValueError:
            raise ApiError(f"invalid_ts_{name}") from None
    inclusive = call.flag("inclusive")
    oldest, latest = bounds["oldest"], bounds["latest"]
    kept = []
    for msg in messages:
        key = ts_key(msg.ts)
        if oldest is not None and (key < oldest or (key == oldest and not inclusive)):
            continue
        if latest is not None and (key > latest or (key == latest and not inclusive)):
            continue
        kept.append(msg)
    return kept


@method("conversations.history")
async def conversations_history(call: Call) -> dict[str, Any]:
    """Return top-level messages, newest first, with cursor pagination."""
    chan = call.channel(member=True)
    msgs = _window(call, list(reversed(chan.messages)))
    chunk, cursor = page(msgs, call)
    return {
        "messages": [message_json(m) for m in chunk],
        "has_more": bool(cursor),
        "pin_count": len(chan.pins),
        "response_metadata": {"next_cursor": cursor},
    }


@method("conversations.replies")
async def conversations_replies(call: Call) -> dict[str, Any]:
    """Return a thread: its parent first, then replies oldest first."""
    chan = call.channel(member=True)
    msg = call.emu.find_message(chan.id, call.text("ts") or "")
    if msg is None:
        raise ApiError("thread_not_found")
    root = call.emu.find_message(chan.id, msg.thread_ts) if msg.thread_ts else msg
    assert root is not None
    msgs = _window(call, [root, *root.replies])
    chunk, cursor = page(msgs, call, default_limit=1000)
    return {
        "messages": [message_json(m) for m in chunk],
        "has_more": bool(cursor),
        "response_metadata": {"next_cursor": cursor},
    }


@method("conversations.open")
async def conversations_open(call: Call) -> dict[str, Any]:
    """Open (or find) the DM between the bot and one user."""
    if call.text("channel"):
        chan = call.channel()
        return {"channel": conversation_json(chan) if call.flag("return_im") else {"id": chan.id}}
    users = [u for u in call.ids("users") if u != BOT_USER_ID]
    if not users:
        raise ApiError("users_list_not_supplied")
    if len(users) > 1:
        call.emu.violation("conversations.open: multi-person DMs are not implemented")
        raise ApiError("invalid_user_combination")
    user = call.emu.users.get(users[0])
    if user is None:
        raise ApiError("user_not_found")
    if user.deleted:
        raise ApiError("user_disabled")
    existed = any(
        c.is_im and c.members == {BOT_USER_ID, user.id} for c in call.emu.channels.values()
    )
    chan = call.emu.workspace.dm_with(user.id)
    body: dict[str, Any] = {
        "channel": conversation_json(chan) if call.flag("return_im") else {"id": chan.id}
    }
    if existed:
        body.update(no_op=True, already_open=True)
    return body


@method("conversations.kick")
async def conversations_kick(call: Call) -> dict[str, Any]:
    """Remove a member from a channel."""
    chan = call.channel(member=True)
    uid = call.text("user") or ""
    if uid == BOT_USER_ID:
        raise ApiError("cant_kick_self")
    if chan.name == "general":
        raise ApiError("cant_kick_from_general")
    if uid not in call.emu.users:
        raise ApiError("user_not_found")
    if uid not in chan.members:
        raise ApiError("not_in_channel")
    chan.members.discard(uid)
    return {}


@method("conversations.leave")
async def conversations_leave(call: Call) -> dict[str, Any]:
    """Make the bot leave a channel."""
    chan = call.channel()
    if chan.is_im:
        raise ApiError("method_not_supported_for_channel_type")
    if chan.is_archived:
        raise ApiError("is_archived")
    if chan.name == "general":
        raise ApiError("cant_leave_general")
    if BOT_USER_ID not in chan.members:
        return {"not_in_channel": True}
    chan.members.discard(BOT_USER_ID)
    return {}
