"""conversations.* methods that create and manage channels."""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING, Any

from emulator.api.registry import ApiError, Call, method, page
from emulator.api.shapes import conversation_json
from emulator.state import BOT_USER_ID, Channel

if TYPE_CHECKING:
    from emulator.base import EmulatorBase

_NAME_OK = re.compile(r"^[a-z0-9_\-]+$")
_ALL_PUNCTUATION = re.compile(r"^[_\-]+$")
TOPIC_LIMIT = 250


def check_name(call: Call, name: str, *, renaming: Channel | None = None) -> None:
    """Apply Slack's channel-name rules, including names held by archived channels."""
    if not name:
        raise ApiError("invalid_name_required")
    if len(name) > 80:
        raise ApiError("invalid_name_maxlength")
    if _ALL_PUNCTUATION.match(name):
        raise ApiError("invalid_name_punctuation")
    if not _NAME_OK.match(name):
        raise ApiError("invalid_name_specials")
    taken = call.emu.channel_by_name(name)
    if taken is not None and taken is not renaming:
        raise ApiError("name_taken")


def system_message(emu: EmulatorBase, chan: Channel, user: str, subtype: str, text: str) -> None:
    """Post the message Slack itself adds to a channel (joins, topic changes...)."""
    if emu.system_messages:
        emu.store_message(chan, user, text, subtype=subtype, from_app=False)


def add_member(
    emu: EmulatorBase, chan: Channel, user: str, inviter: str | None = None
) -> dict[str, Any]:
    """Add a member with Slack's channel_join message; return the member_joined_channel event."""
    chan.members.add(user)
    suffix = f" by invitation from <@{inviter}>" if inviter else ""
    system_message(emu, chan, user, "channel_join", f"<@{user}> has joined the channel{suffix}")
    event: dict[str, Any] = {
        "type": "member_joined_channel",
        "user": user,
        "channel": chan.id,
        "channel_type": "G" if chan.is_private else "C",
        "team": "T0TEAM",
    }
    if inviter:
        event["inviter"] = inviter
    return event


def _writable(call: Call, *, member: bool = True) -> Channel:
    chan = call.channel(member=member)
    if chan.is_im:
        raise ApiError("method_not_supported_for_channel_type")
    if chan.is_archived:
        raise ApiError("is_archived")
    return chan


@method("conversations.create")
async def conversations_create(call: Call) -> dict[str, Any]:
    """Create a public or private channel with the bot as its only member."""
    name = call.text("name") or ""
    check_name(call, name)
    chan = Channel(
        call.emu.workspace.ids.new("C"),
        name,
        is_private=call.flag("is_private"),
        creator=BOT_USER_ID,
        created=int(time.time()),
    )
    call.emu.channels[chan.id] = chan
    chan.members.add(BOT_USER_ID)
    system_message(
        call.emu, chan, BOT_USER_ID, "channel_join", f"<@{BOT_USER_ID}> has joined the channel"
    )
    return {"channel": conversation_json(chan)}


@method("conversations.invite")
async def conversations_invite(call: Call) -> dict[str, Any]:
    """Invite users; without force, one bad user id fails the whole call."""
    chan = _writable(call)
    errors: list[dict[str, Any]] = []
    valid: list[str] = []
    for uid in dict.fromkeys(call.ids("users")):
        user = call.emu.users.get(uid)
        if uid == BOT_USER_ID:
            error = "cant_invite_self"
        elif user is None:
            error = "user_not_found"
        elif user.deleted:
            error = "cant_invite"
        elif uid in chan.members:
            error = "already_in_channel"
        else:
            valid.append(uid)
            continue
        errors.append({"user": uid, "ok": False, "error": error})
    if errors and (not call.flag("force") or not valid):
        raise ApiError(errors[0]["error"], errors=errors)
    for uid in valid:
        call.emu.emit(add_member(call.emu, chan, uid, inviter=BOT_USER_ID), chan)
    out: dict[str, Any] = {"channel": conversation_json(chan)}
    if errors:
        out["errors"] = errors
    return out


@method("conversations.join")
async def conversations_join(call: Call) -> dict[str, Any]:
    """Join a public channel (warning already_in_channel when already a member)."""
    chan = _writable(call, member=False)
    if chan.is_private:
        raise ApiError("method_not_supported_for_channel_type")
    if BOT_USER_ID in chan.members:
        return {
            "channel": conversation_json(chan),
            "warning": "already_in_channel",
            "response_metadata": {"warnings": ["already_in_channel"]},
        }
    call.emu.emit(add_member(call.emu, chan, BOT_USER_ID), chan)
    return {"channel": conversation_json(chan)}


@method("conversations.setTopic")
async def conversations_set_topic(call: Call) -> dict[str, Any]:
    """Set a channel's topic (at most 250 characters)."""
    chan = _writable(call)
    topic = call.text("topic", "") or ""
    if len(topic) > TOPIC_LIMIT:
        raise ApiError("too_long")
    chan.topic = topic
    system_message(call.emu, chan, BOT_USER_ID, "channel_topic", f"set the channel topic: {topic}")
    return {"channel": conversation_json(chan)}


@method("conversations.setPurpose")
async def conversations_set_purpose(call: Call) -> dict[str, Any]:
    """Set a channel's purpose (at most 250 characters)."""
    chan = _writable(call)
    purpose = call.text("purpose", "") or ""
    if len(purpose) > TOPIC_LIMIT:
        raise ApiError("too_long")
    chan.purpose = purpose
    text = f"set the channel description: {purpose}"
    system_message(call.emu, chan, BOT_USER_ID, "channel_purpose", text)
    return {"channel": conversation_json(chan)}


@method("conversations.info")
async def conversations_info(call: Call) -> dict[str, Any]:
    """Describe a conversation the bot can see."""
    return {"channel": conversation_json(call.channel())}


@method("conversations.list")
async def conversations_list(call: Call) -> dict[str, Any]:
    """List conversations of the requested types, with cursor pagination."""
    types = set(call.ids("types") or ["public_channel"])
    if types - {"public_channel", "private_channel", "mpim", "im"}:
        raise ApiError("invalid_types")
    if call.number("limit", 100) > 1000:
        raise ApiError("invalid_limit")
    chans = []
    for chan in call.emu.channels.values():
        kind = "im" if chan.is_im else "private_channel" if chan.is_private else "public_channel"
        if kind not in types or (call.flag("exclude_archived") and chan.is_archived):
            continue
        if chan.is_private and BOT_USER_ID not in chan.members:
            continue
        chans.append(chan)
    chunk, cursor = page(chans, call)
    return {
        "channels": [conversation_json(c) for c in chunk],
        "response_metadata": {"next_cursor": cursor},
    }


@method("conversations.members")
async def conversations_members(call: Call) -> dict[str, Any]:
    """List a conversation's members with cursor pagination."""
    chan = call.channel()
    members, cursor = page(sorted(chan.members), call)
    return {"members": members, "response_metadata": {"next_cursor": cursor}}


@method("conversations.archive")
async def conversations_archive(call: Call) -> dict[str, Any]:
    """Archive a channel; its name stays taken."""
    chan = call.channel(member=True)
    if chan.is_im:
        raise ApiError("method_not_supported_for_channel_type")
    if chan.is_archived:
        raise ApiError("already_archived")
    if chan.name == "general":
        raise ApiError("cant_archive_general")
    system_message(call.emu, chan, BOT_USER_ID, "channel_archive", "archived the channel")
    chan.is_archived = True
    return {}


@method("conversations.unarchive")
async def conversations_unarchive(call: Call) -> dict[str, Any]:
    """Unarchive a channel."""
    chan = call.channel()
    if not chan.is_archived:
        raise ApiError("not_archived")
    chan.is_archived = False
    return {}


@method("conversations.rename")
async def conversations_rename(call: Call) -> dict[str, Any]:
    """Rename a channel under the same rules as creation."""
    chan = _writable(call)
    name = call.text("name") or ""
    check_name(call, name, renaming=chan)
    if name != chan.name:
        chan.previous_names.append(chan.name)
        chan.name = name
        text = f"renamed the channel from “{chan.previous_names[-1]}” to “{name}”"
        system_message(call.emu, chan, BOT_USER_ID, "channel_name", text)
    return {"channel": conversation_json(chan)}
