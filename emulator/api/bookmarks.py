"""bookmarks.* methods: links pinned to a channel's header."""

from __future__ import annotations

import time
from typing import Any

from emulator.api.registry import ApiError, Call, method
from emulator.state import BOT_USER_ID, TEAM_ID, Channel

BOOKMARK_LIMIT = 100


def _channel(call: Call) -> Channel:
    return call.resolve(call.text("channel_id") or "")


def _find(call: Call, chan: Channel) -> dict[str, Any]:
    bookmark_id = call.text("bookmark_id")
    found = next((b for b in chan.bookmarks if b["id"] == bookmark_id), None)
    if found is None:
        raise ApiError("not_found")
    return found


def _check_link(link: str | None) -> str:
    if not link or not link.startswith(("http://", "https://")):
        raise ApiError("invalid_link")
    return link


@method("bookmarks.add")
async def bookmarks_add(call: Call) -> dict[str, Any]:
    """Add a link bookmark to a channel."""
    chan = _channel(call)
    if call.text("type") != "link":
        raise ApiError("invalid_bookmark_type")
    if len(chan.bookmarks) >= BOOKMARK_LIMIT:
        raise ApiError("too_many_bookmarks")
    bookmark = {
        "id": call.emu.workspace.ids.new("Bk"),
        "channel_id": chan.id,
        "title": call.text("title", "") or "",
        "link": _check_link(call.text("link")),
        "emoji": call.text("emoji"),
        "icon_url": None,
        "type": "link",
        "entity_id": None,
        "date_created": int(time.time()),
        "date_updated": 0,
        "rank": chr(ord("a") + len(chan.bookmarks) % 26),
        "last_updated_by_user_id": BOT_USER_ID,
        "last_updated_by_team_id": TEAM_ID,
        "shortcut_id": None,
        "app_id": "A0APP",
    }
    chan.bookmarks.append(bookmark)
    return {"bookmark": bookmark}


@method("bookmarks.edit")
async def bookmarks_edit(call: Call) -> dict[str, Any]:
    """Change a bookmark's title, link or emoji."""
    bookmark = _find(call, _channel(call))
    if call.text("link") is not None:
        bookmark["link"] = _check_link(call.text("link"))
    for key in ("title", "emoji"):
        if call.text(key) is not None:
            bookmark[key] = call.text(key)
    bookmark["date_updated"] = int(time.time())
    return {"bookmark": bookmark}


@method("bookmarks.remove")
async def bookmarks_remove(call: Call) -> dict[str, Any]:
    """Remove a bookmark."""
    chan = _channel(call)
    chan.bookmarks.remove(_find(call, chan))
    return {}


@method("bookmarks.list")
async def bookmarks_list(call: Call) -> dict[str, Any]:
    """List a channel's bookmarks."""
    return {"bookmarks": list(_channel(call).bookmarks)}
