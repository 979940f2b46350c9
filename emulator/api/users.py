"""users.* and usergroups.* methods."""

from __future__ import annotations

from typing import Any

from emulator.api.registry import ApiError, Call, method, page
from emulator.api.shapes import conversation_json, user_json
from emulator.state import BOT_USER_ID, TEAM_ID, Usergroup


@method("users.info")
async def users_info(call: Call) -> dict[str, Any]:
    """Describe one user."""
    user = call.emu.users.get(call.text("user") or "")
    if user is None:
        raise ApiError("user_not_found")
    return {"user": user_json(user)}


@method("users.profile.get")
async def users_profile_get(call: Call) -> dict[str, Any]:
    """Return a user's profile (the bot's own when no user is given)."""
    user = call.emu.users.get(call.text("user") or BOT_USER_ID)
    if user is None:
        raise ApiError("user_not_found")
    return {"profile": user_json(user)["profile"]}


@method("users.list")
async def users_list(call: Call) -> dict[str, Any]:
    """List workspace members with cursor pagination."""
    members, cursor = page(list(call.emu.users.values()), call, default_limit=200)
    return {
        "members": [user_json(u) for u in members],
        "cache_ts": 1700000000,
        "response_metadata": {"next_cursor": cursor},
    }


@method("users.lookupByEmail")
async def users_lookup_by_email(call: Call) -> dict[str, Any]:
    """Find a user by email address."""
    email = (call.text("email") or "").lower()
    for user in call.emu.users.values():
        if user.email and user.email.lower() == email and not user.deleted:
            return {"user": user_json(user)}
    raise ApiError("users_not_found")


def _usergroup_json(group: Usergroup, include_users: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": group.id,
        "team_id": TEAM_ID,
        "is_usergroup": True,
        "name": group.name,
        "description": "",
        "handle": group.handle,
        "is_external": False,
        "date_create": 1700000000,
        "date_update": 1700000000,
        "date_delete": 0,
        "auto_type": None,
        "created_by": "U0ALICE",
        "updated_by": "U0ALICE",
        "deleted_by": None,
        "prefs": {"channels": [], "groups": []},
        "user_count": len(group.users),
    }
    if include_users:
        out["users"] = list(group.users)
    return out


@method("usergroups.list")
async def usergroups_list(call: Call) -> dict[str, Any]:
    """List user groups."""
    include_users = call.flag("include_users")
    groups = call.emu.workspace.usergroups.values()
    return {"usergroups": [_usergroup_json(g, include_users) for g in groups]}


@method("usergroups.users.list")
async def usergroups_users_list(call: Call) -> dict[str, Any]:
    """List the members of a user group."""
    group = call.emu.workspace.usergroups.get(call.text("usergroup") or "")
    if group is None:
        raise ApiError("no_such_subteam")
    return {"users": list(group.users)}


@method("users.conversations")
async def users_conversations(call: Call) -> dict[str, Any]:
    """List the conversations a user (the bot by default) is a member of."""
    user = call.text("user") or BOT_USER_ID
    types = set(call.ids("types") or ["public_channel"])
    if types - {"public_channel", "private_channel", "mpim", "im"}:
        raise ApiError("invalid_types")
    chans = []
    for chan in call.emu.channels.values():
        kind = "im" if chan.is_im else "private_channel" if chan.is_private else "public_channel"
        if kind not in types or user not in chan.members:
            continue
        if chan.is_private and BOT_USER_ID not in chan.members:
            continue
        if call.flag("exclude_archived") and chan.is_archived:
            continue
        chans.append(chan)
    chunk, cursor = page(chans, call)
    return {
        "channels": [conversation_json(c) for c in chunk],
        "response_metadata": {"next_cursor": cursor},
    }
