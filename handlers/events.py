"""Events API listeners; every event the manifest subscribes to has one here."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncSay

from bot.commands.help import help_text
from bot.services.deps import Deps
from bot.services.home import refresh_home


async def handle_app_mention(event: dict[str, Any], say: AsyncSay) -> None:
    """Someone @-mentioned the bot: answer in the thread with what it can do."""
    await say(text=help_text(), thread_ts=event.get("thread_ts") or event["ts"])


async def handle_app_home_opened(event: dict[str, Any], deps: Deps) -> None:
    """Show the person their incidents and every open incident they may see."""
    if event.get("tab", "home") != "home":
        return
    await refresh_home(deps, event["user"])


def register(app: AsyncApp) -> None:
    """Listen for events."""
    app.event("app_mention")(handle_app_mention)
    app.event("app_home_opened")(handle_app_home_opened)
