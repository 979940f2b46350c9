"""reactions.* and pins.* methods."""

from __future__ import annotations

import re
import time
from typing import Any

from emulator.api.registry import ApiError, Call, method
from emulator.api.shapes import message_json
from emulator.state import BOT_USER_ID, Channel, Message

_EMOJI = re.compile(r"^[a-z0-9_+'\-]+(::skin-tone-[2-6])?$")
PIN_LIMIT = 100


def _item(call: Call, *, member: bool = False) -> tuple[Channel, Message]:
    """Return the channel and message named by channel + timestamp."""
    ts = call.text("timestamp")
    if not ts:
        raise ApiError("no_item_specified")
    chan = call.channel(member=member)
    msg = call.emu.find_message(chan.id, ts)
    if msg is None:
        raise ApiError("message_not_found")
    return chan, msg


def _emoji(call: Call) -> str:
    name = (call.text("name") or "").strip(":")
    if not _EMOJI.match(name):
        raise ApiError("invalid_name")
    return name


@method("reactions.add")
async def reactions_add(call: Call) -> dict[str, Any]:
    """Add the bot's reaction to a message."""
    chan, msg = _item(call)
    if chan.is_archived:
        raise ApiError("is_archived")
    name = _emoji(call)
    users = msg.reactions.setdefault(name, [])
    if BOT_USER_ID in users:
        raise ApiError("already_reacted")
    users.append(BOT_USER_ID)
    return {}


@method("reactions.remove")
async def reactions_remove(call: Call) -> dict[str, Any]:
    """Remove the bot's reaction from a message."""
    _, msg = _item(call)
    name = _emoji(call)
    users = msg.reactions.get(name, [])
    if BOT_USER_ID not in users:
        raise ApiError("no_reaction")
    users.remove(BOT_USER_ID)
    if not users:
        del msg.reactions[name]
    return {}


@method("reactions.get")
async def reactions_get(call: Call) -> dict[str, Any]:
    """Return a message (top-level or thread reply) with its reactions."""
    chan, msg = _item(call)
    return {"type": "message", "channel": chan.id, "message": message_json(msg)}


@method("pins.add")
async def pins_add(call: Call) -> dict[str, Any]:
    """Pin a message to its channel."""
    chan, msg = _item(call, member=True)
    if msg.ts in chan.pins:
        raise ApiError("already_pinned")
    if len(chan.pins) >= PIN_LIMIT:
        raise ApiError("too_many_pins")
    chan.pins.append(msg.ts)
    call.emu.pin_times[(chan.id, msg.ts)] = int(time.time())
    call.emu.pinned_by[(chan.id, msg.ts)] = BOT_USER_ID
    return {}


@method("pins.remove")
async def pins_remove(call: Call) -> dict[str, Any]:
    """Unpin a message."""
    chan, msg = _item(call)
    if msg.ts not in chan.pins:
        raise ApiError("not_pinned")
    chan.pins.remove(msg.ts)
    return {}


@method("pins.list")
async def pins_list(call: Call) -> dict[str, Any]:
    """List a channel's pinned messages."""
    chan = call.channel()
    items = []
    for ts in chan.pins:
        msg = call.emu.find_message(chan.id, ts)
        if msg is not None:
            items.append(
                {
                    "type": "message",
                    "channel": chan.id,
                    "created": call.emu.pin_times.get((chan.id, ts), 0),
                    "created_by": call.emu.pinned_by.get((chan.id, ts), BOT_USER_ID),
                    "message": message_json(msg),
                }
            )
    return {"items": items}
