"""Events API listeners; every event the manifest subscribes to has one here."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncSay

from bot.rendering.help import help_text


async def handle_app_mention(event: dict[str, Any], say: AsyncSay) -> None:
    """Someone @-mentioned the bot: answer in the thread with what it can do."""
    await say(text=help_text(), thread_ts=event.get("thread_ts") or event["ts"])


def register(app: AsyncApp) -> None:
    """Listen for events."""
    app.event("app_mention")(handle_app_mention)
