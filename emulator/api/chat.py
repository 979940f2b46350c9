"""chat.* methods: post, update, delete, ephemeral messages and permalinks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from emulator.api.registry import ApiError, Call, method
from emulator.api.shapes import message_json
from emulator.blocks import MESSAGE_TEXT_LIMIT, check_blocks, with_ids
from emulator.state import BOT_ID, BOT_USER_ID, TEAM_DOMAIN, Channel, Ephemeral


@dataclass
class Content:
    """The parsed content arguments of a message."""

    text: str
    blocks: list[dict[str, Any]] | None
    attachments: list[dict[str, Any]] | None
    metadata: dict[str, Any] | None


def parse_content(call: Call, *, too_long: str | None = "msg_too_long") -> Content:
    """Parse and check text/blocks/attachments/metadata the way Slack does."""
    text = call.text("text", "") or ""
    markdown = call.text("markdown_text")
    blocks = call.decoded("blocks", "invalid_blocks_format")
    if markdown is not None:
        if text or blocks:
            raise ApiError("markdown_text_conflict")
        text = markdown
    if blocks is not None:
        problems = check_blocks(blocks)
        if problems:
            raise ApiError("invalid_blocks", response_metadata={"messages": problems})
        blocks = with_ids(blocks) or None
    attachments = call.decoded("attachments", "invalid_attachments")
    if attachments is not None and not isinstance(attachments, list):
        raise ApiError("invalid_attachments")
    metadata = call.decoded("metadata", "invalid_metadata_format")
    if metadata is not None and (not isinstance(metadata, dict) or "event_type" not in metadata):
        raise ApiError("invalid_metadata_format")
    if not text and not blocks and not attachments:
        raise ApiError("no_text")
    if len(text) > MESSAGE_TEXT_LIMIT:
        if too_long is None:  # chat.postMessage truncates rather than failing
            text = text[:MESSAGE_TEXT_LIMIT]
        else:
            raise ApiError(too_long)
    return Content(text, blocks, attachments or None, metadata)


def postable(
    call: Call, ref: str | None = None, *, by_name: bool = False, by_user: bool = False
) -> Channel:
    """Return a channel the bot may post in (chat:write.public lifts membership for public)."""
    ref = ref if ref is not None else call.text("channel") or ""
    chan = call.resolve(ref, by_name=by_name, by_user=by_user)
    if chan.is_archived:
        raise ApiError("is_archived")
    public_ok = not chan.is_private and "chat:write.public" in (call.emu.bot_scopes or set())
    if BOT_USER_ID not in chan.members and not public_ok:
        raise ApiError("not_in_channel")
    return chan


def bot_message_json(msg: Any) -> dict[str, Any]:
    """Return a message as Slack echoes it back to the app that posted it."""
    out = message_json(msg)
    out["bot_profile"] = {"id": BOT_ID, "app_id": "A0APP", "name": "incidentbot", "deleted": False}
    return out


@method("chat.postMessage")
async def chat_post_message(call: Call) -> dict[str, Any]:
    """Post a message, or a thread reply when thread_ts is given."""
    chan = postable(call, by_name=True, by_user=True)
    content = parse_content(call, too_long=None)
    thread_ts = call.text("thread_ts")
    if thread_ts and call.emu.find_message(chan.id, thread_ts) is None:
        call.emu.violation(f"chat.postMessage: thread_ts {thread_ts} is no message in {chan.id}")
    msg = call.emu.store_message(
        chan,
        BOT_USER_ID,
        content.text,
        content.blocks,
        thread_ts,
        link_names=call.flag("link_names"),
        attachments=content.attachments,
        metadata=content.metadata,
        reply_broadcast=call.flag("reply_broadcast"),
    )
    return {"channel": chan.id, "ts": msg.ts, "message": bot_message_json(msg)}


@method("chat.update")
async def chat_update(call: Call) -> dict[str, Any]:
    """Edit a message the bot posted."""
    chan = call.channel()
    msg = call.emu.find_message(chan.id, call.text("ts") or "")
    if msg is None:
        raise ApiError("message_not_found")
    if msg.user != BOT_USER_ID:
        raise ApiError("cant_update_message")
    has_blocks = "blocks" in call.args
    if "text" not in call.args and not has_blocks and "attachments" not in call.args:
        raise ApiError("no_text")
    content = parse_content(call)
    msg.text = content.text
    if has_blocks:
        msg.blocks = content.blocks
    if "attachments" in call.args:
        msg.attachments = content.attachments
    if content.metadata is not None:
        msg.metadata = content.metadata
    msg.edited = True
    call.emu.note_content(msg, from_app=True, link_names=call.flag("link_names"))
    return {"channel": chan.id, "ts": msg.ts, "text": msg.text, "message": bot_message_json(msg)}


@method("chat.delete")
async def chat_delete(call: Call) -> dict[str, Any]:
    """Delete a message the bot posted (and a parent's whole thread)."""
    chan = call.channel()
    msg = call.emu.find_message(chan.id, call.text("ts") or "")
    if msg is None:
        raise ApiError("message_not_found")
    if msg.user != BOT_USER_ID:
        raise ApiError("cant_delete_message")
    if msg.thread_ts and msg.thread_ts != msg.ts:
        parent = call.emu.find_message(chan.id, msg.thread_ts)
        if parent is not None:
            parent.replies.remove(msg)
    else:
        chan.messages.remove(msg)
    if msg.ts in chan.pins:
        chan.pins.remove(msg.ts)
    return {"channel": chan.id, "ts": msg.ts}


@method("chat.postEphemeral")
async def chat_post_ephemeral(call: Call) -> dict[str, Any]:
    """Show a message to one member of a channel."""
    chan = postable(call, by_name=True)
    user = call.text("user") or ""
    if user not in chan.members:
        raise ApiError("user_not_in_channel")
    content = parse_content(call)
    thread_ts = call.text("thread_ts")
    call.emu.ephemerals.append(
        Ephemeral(chan.id, user, content.text, content.blocks, "chat.postEphemeral", thread_ts)
    )
    return {"message_ts": call.emu.workspace.ids.ts()}


@method("chat.getPermalink")
async def chat_get_permalink(call: Call) -> dict[str, Any]:
    """Return a message's permalink."""
    chan = call.channel()
    msg = call.emu.find_message(chan.id, call.text("message_ts") or "")
    if msg is None:
        raise ApiError("message_not_found")
    link = f"https://{TEAM_DOMAIN}.slack.com/archives/{chan.id}/p{msg.ts.replace('.', '')}"
    if msg.thread_ts and msg.thread_ts != msg.ts:
        link += f"?thread_ts={msg.thread_ts}&cid={chan.id}"
    return {"channel": chan.id, "permalink": link}
