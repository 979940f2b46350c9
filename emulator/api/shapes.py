"""JSON shapes of Slack objects (conversation, user, message) built from emulator state."""

from __future__ import annotations

from typing import Any

from emulator.state import BOT_USER_ID, TEAM_ID, Channel, Message, User


def conversation_json(chan: Channel) -> dict[str, Any]:
    """Return a conversation object as conversations.info returns it."""
    if chan.is_im:
        other = next(iter(chan.members - {BOT_USER_ID}), BOT_USER_ID)
        return {
            "id": chan.id,
            "created": chan.created,
            "is_im": True,
            "is_org_shared": False,
            "user": other,
            "is_user_deleted": False,
            "priority": 0,
        }
    return {
        "id": chan.id,
        "name": chan.name,
        "is_channel": not chan.is_private,
        "is_group": chan.is_private,
        "is_im": False,
        "is_mpim": False,
        "is_private": chan.is_private,
        "created": chan.created,
        "creator": chan.creator,
        "is_archived": chan.is_archived,
        "is_general": chan.name == "general",
        "unlinked": 0,
        "name_normalized": chan.name,
        "is_shared": False,
        "is_ext_shared": False,
        "is_org_shared": False,
        "pending_shared": [],
        "is_pending_ext_shared": False,
        "is_member": BOT_USER_ID in chan.members,
        "topic": {"value": chan.topic, "creator": "", "last_set": 0},
        "purpose": {"value": chan.purpose, "creator": "", "last_set": 0},
        "previous_names": list(chan.previous_names),
        "num_members": len(chan.members),
        "context_team_id": TEAM_ID,
    }


def user_json(user: User) -> dict[str, Any]:
    """Return a user object as users.info returns it."""
    profile: dict[str, Any] = {
        "real_name": user.real_name,
        "real_name_normalized": user.real_name,
        "display_name": user.name,
        "display_name_normalized": user.name,
        "status_text": "",
        "status_emoji": "",
        "image_48": f"https://avatars.example.com/{user.id}_48.png",
        "team": TEAM_ID,
    }
    if user.email and not user.is_bot:
        profile["email"] = user.email
    if user.bot_id:
        profile["bot_id"] = user.bot_id
    return {
        "id": user.id,
        "team_id": TEAM_ID,
        "name": user.name,
        "deleted": user.deleted,
        "real_name": user.real_name,
        "tz": user.tz,
        "tz_label": "Central European Time",
        "tz_offset": 3600,
        "profile": profile,
        "is_admin": user.is_admin,
        "is_owner": False,
        "is_primary_owner": False,
        "is_restricted": False,
        "is_ultra_restricted": False,
        "is_bot": user.is_bot,
        "is_app_user": False,
        "updated": 1700000000,
    }


def message_json(msg: Message, *, with_replies_meta: bool = True) -> dict[str, Any]:
    """Return a message object as conversations.history returns it."""
    out: dict[str, Any] = {"type": "message", "ts": msg.ts, "user": msg.user, "text": msg.text}
    if msg.subtype:
        out["subtype"] = msg.subtype
    if msg.bot_id:
        out["bot_id"] = msg.bot_id
        out["app_id"] = "A0APP"
    if msg.blocks is not None:
        out["blocks"] = msg.blocks
    if msg.attachments:
        out["attachments"] = msg.attachments
    if msg.files:
        out["files"] = msg.files
    if msg.metadata:
        out["metadata"] = msg.metadata
    if msg.edited:
        out["edited"] = {"user": msg.user, "ts": msg.ts}
    if msg.thread_ts:
        out["thread_ts"] = msg.thread_ts
        out["parent_user_id"] = msg.user
    if with_replies_meta and msg.replies:
        out["thread_ts"] = msg.ts
        out["reply_count"] = len(msg.replies)
        out["reply_users"] = sorted({r.user for r in msg.replies})
        out["latest_reply"] = msg.replies[-1].ts
    if msg.reactions:
        out["reactions"] = [
            {"name": name, "users": list(users), "count": len(users)}
            for name, users in msg.reactions.items()
        ]
    out["team"] = TEAM_ID
    return out
