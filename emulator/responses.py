"""What a response_url post (or a slash command's ack body) does to the workspace."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from emulator.blocks import MESSAGE_TEXT_LIMIT, check_blocks, with_ids
from emulator.state import BOT_USER_ID, Ephemeral

if TYPE_CHECKING:
    from emulator.base import EmulatorBase
    from emulator.state import ResponseTarget

RESPONSE_URL_USES = 5


def apply_response(
    emu: EmulatorBase, target: ResponseTarget, payload: Any, *, source: str
) -> str | None:
    """Apply a response payload; return the error Slack would answer with, or None."""
    if not isinstance(payload, dict):
        emu.violation(f"{source}: payload is not a JSON object")
        return "invalid_payload"
    if source == "response_url":
        emu.response_url_posts.append(payload)
        target.uses += 1
        if target.uses > RESPONSE_URL_USES:
            emu.violation(f"response_url used more than {RESPONSE_URL_USES} times")
            return "used_url"
    chan = emu.channels.get(target.channel)
    original = emu.find_message(target.channel, target.message_ts) if target.message_ts else None
    if payload.get("delete_original"):
        if chan is not None and original is not None:
            holder = emu.find_message(chan.id, original.thread_ts) if original.thread_ts else None
            (holder.replies if holder and holder is not original else chan.messages).remove(
                original
            )
        return None
    text = str(payload.get("text") or "")
    blocks = payload.get("blocks")
    if blocks is not None:
        problems = check_blocks(blocks)
        if problems:
            emu.violation(f"{source}: invalid blocks: {problems}")
            return "invalid_blocks"
    blocks = with_ids(blocks)
    if not text and not blocks:
        emu.violation(f"{source}: no text and no blocks")
        return "no_text"
    if len(text) > MESSAGE_TEXT_LIMIT:
        emu.violation(f"{source}: text longer than {MESSAGE_TEXT_LIMIT}: {text[:120]!r}")
        return "msg_too_long"
    if payload.get("replace_original") and original is not None:
        original.text, original.blocks = text, blocks or None
        emu.note_content(original, from_app=True)
    elif payload.get("response_type") == "in_channel" and chan is not None:
        emu.store_message(chan, BOT_USER_ID, text, blocks or None, payload.get("thread_ts"))
    else:
        emu.ephemerals.append(
            Ephemeral(
                target.channel, target.user, text, blocks or None, source, payload.get("thread_ts")
            )
        )
    return None
