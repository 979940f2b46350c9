"""auth.test, api.test, team.info, bots.info, apps.connections.open."""

from __future__ import annotations

from typing import Any

from emulator.api.registry import ApiError, Call, method
from emulator.state import APP_ID, BOT_ID, BOT_NAME, BOT_USER_ID, TEAM_DOMAIN, TEAM_ID, TEAM_NAME


@method("auth.test")
async def auth_test(call: Call) -> dict[str, Any]:
    """Describe the bot token's identity."""
    return {
        "url": f"https://{TEAM_DOMAIN}.slack.com/",
        "team": TEAM_NAME,
        "user": BOT_NAME,
        "team_id": TEAM_ID,
        "user_id": BOT_USER_ID,
        "bot_id": BOT_ID,
        "is_enterprise_install": False,
    }


@method("api.test")
async def api_test(call: Call) -> dict[str, Any]:
    """Echo the arguments back, failing on request with `error`."""
    error = call.text("error")
    if error:
        raise ApiError(error)
    return {"args": {k: v for k, v in call.args.items() if k != "token"}}


@method("team.info")
async def team_info(call: Call) -> dict[str, Any]:
    """Describe the workspace."""
    if call.text("team") not in (None, TEAM_ID):
        raise ApiError("team_not_found")
    return {
        "team": {
            "id": TEAM_ID,
            "name": TEAM_NAME,
            "domain": TEAM_DOMAIN,
            "email_domain": "example.com",
            "icon": {"image_default": True},
        }
    }


@method("bots.info")
async def bots_info(call: Call) -> dict[str, Any]:
    """Describe the app's bot."""
    if call.text("bot") not in (None, BOT_ID):
        raise ApiError("bot_not_found")
    return {
        "bot": {
            "id": BOT_ID,
            "deleted": False,
            "name": BOT_NAME,
            "updated": 1700000000,
            "app_id": APP_ID,
            "user_id": BOT_USER_ID,
            "icons": {"image_48": "https://avatars.example.com/bot_48.png"},
        }
    }


@method("apps.connections.open")
async def apps_connections_open(call: Call) -> dict[str, Any]:
    """Issue a Socket Mode WebSocket URL."""
    return {"url": call.emu.socket.issue_url()}
