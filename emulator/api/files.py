"""External file uploads (files.getUploadURLExternal + upload + complete) and canvases."""

from __future__ import annotations

from typing import Any

from emulator.api.chat import postable
from emulator.api.registry import ApiError, Call, method
from emulator.state import BOT_USER_ID, TEAM_DOMAIN, Canvas, StoredFile

CANVAS_LIMIT = 1_048_576


def file_json(f: StoredFile) -> dict[str, Any]:
    """Return a file object."""
    return {
        "id": f.id,
        "name": f.name,
        "title": f.title or f.name,
        "size": len(f.content or b""),
        "user": BOT_USER_ID,
        "channels": list(f.channels),
        "permalink": f"https://{TEAM_DOMAIN}.slack.com/files/{BOT_USER_ID}/{f.id}/{f.name}",
    }


@method("files.getUploadURLExternal")
async def files_get_upload_url_external(call: Call) -> dict[str, Any]:
    """Reserve a file id and hand out the URL to POST its bytes to."""
    length = call.number("length", 0)
    if length <= 0:
        raise ApiError("invalid_arguments")
    f = StoredFile(call.emu.workspace.ids.new("F"), call.text("filename") or "file", length)
    call.emu.workspace.files[f.id] = f
    return {"upload_url": f"{call.emu.base_url}/upload/{f.id}", "file_id": f.id}


@method("files.completeUploadExternal")
async def files_complete_upload_external(call: Call) -> dict[str, Any]:
    """Finish uploads and share the files in a channel as one message."""
    entries = call.decoded("files")
    if not isinstance(entries, list) or not entries:
        raise ApiError("invalid_arguments")
    stored = []
    for entry in entries:
        f = call.emu.workspace.files.get(str((entry or {}).get("id")))
        if f is None or f.content is None:
            raise ApiError("file_not_found")
        f.title = entry.get("title") or f.name
        stored.append(f)
    channel_id = call.text("channel_id")
    targets = call.ids("channels") or ([channel_id] if channel_id else [])
    for target in targets:
        chan = postable(call, target, by_user=True)
        for f in stored:
            f.channels.append(chan.id)
        call.emu.store_message(
            chan,
            BOT_USER_ID,
            call.text("initial_comment", "") or "",
            None,
            call.text("thread_ts"),
            files=[file_json(f) for f in stored],
        )
    return {"files": [{"id": f.id, "title": f.title} for f in stored]}


def _markdown(call: Call) -> str:
    content = call.decoded("document_content", "canvas_creation_failed") or {}
    if not isinstance(content, dict) or content.get("type", "markdown") != "markdown":
        raise ApiError("canvas_creation_failed")
    markdown = str(content.get("markdown", ""))
    if len(markdown) > CANVAS_LIMIT:
        raise ApiError("canvas_creation_failed")
    return markdown


@method("canvases.create")
async def canvases_create(call: Call) -> dict[str, Any]:
    """Store a canvas's markdown (optionally tabbed in a channel)."""
    markdown = _markdown(call)
    channel_id = call.text("channel_id")
    if channel_id and channel_id not in call.emu.channels:
        raise ApiError("canvas_creation_failed", detail=f"channel {channel_id} not found")
    canvas = Canvas(call.emu.workspace.ids.new("F"), call.text("title", "") or "", markdown)
    canvas.channel_id = channel_id
    call.emu.workspace.canvases[canvas.id] = canvas
    return {"canvas_id": canvas.id}


@method("conversations.canvases.create")
async def conversations_canvases_create(call: Call) -> dict[str, Any]:
    """Create a channel's own canvas (one per channel)."""
    channel_id = call.text("channel_id") or ""
    if channel_id not in call.emu.channels:
        raise ApiError("channel_canvas_creation_failed")
    canvases = call.emu.workspace.canvases.values()
    if any(c.channel_canvas and c.channel_id == channel_id for c in canvases):
        raise ApiError("channel_canvas_already_exists")
    canvas = Canvas(call.emu.workspace.ids.new("F"), call.text("title", "") or "", _markdown(call))
    canvas.channel_id, canvas.channel_canvas = channel_id, True
    call.emu.workspace.canvases[canvas.id] = canvas
    return {"canvas_id": canvas.id}


@method("canvases.edit")
async def canvases_edit(call: Call) -> dict[str, Any]:
    """Apply changes to a canvas; `replace` without a section swaps the whole document."""
    canvas = call.emu.workspace.canvases.get(call.text("canvas_id") or "")
    if canvas is None:
        raise ApiError("canvas_not_found")
    changes = call.decoded("changes", "canvas_editing_failed")
    if not isinstance(changes, list) or not changes:
        raise ApiError("canvas_editing_failed")
    for change in changes:
        content = (change or {}).get("document_content") or {}
        markdown = str(content.get("markdown", ""))
        if len(markdown) > CANVAS_LIMIT:
            raise ApiError("canvas_too_large")
        operation = change.get("operation")
        if operation == "replace" and not change.get("section_id"):
            canvas.markdown = markdown
        elif operation == "insert_at_end":
            canvas.markdown += markdown
        elif operation == "insert_at_start":
            canvas.markdown = markdown + canvas.markdown
        else:
            raise ApiError("canvas_editing_failed", detail=f"operation {operation!r} not emulated")
    return {}


@method("canvases.access.set")
async def canvases_access_set(call: Call) -> dict[str, Any]:
    """Let channels (their members) or people read or write a canvas."""
    canvas = call.emu.workspace.canvases.get(call.text("canvas_id") or "")
    if canvas is None:
        raise ApiError("canvas_not_found")
    level = call.text("access_level")
    if level not in ("read", "write", "owner"):
        raise ApiError("invalid_parameters")
    for channel in call.ids("channel_ids"):
        if channel not in call.emu.channels:
            raise ApiError("channel_not_found")
        canvas.access[channel] = str(level)
    for user in call.ids("user_ids"):
        if user not in call.emu.users:
            raise ApiError("user_not_found")
        canvas.access[user] = str(level)
    return {}
