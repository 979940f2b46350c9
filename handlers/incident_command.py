"""`/incident …`: declare, open the declare form, or show help."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond

from bot.commands import Declare, OpenDeclareForm, ShowHelp, parse_incident_command
from bot.deps import Deps
from bot.rendering.declare import declare_modal, declared_message
from bot.rendering.help import help_text
from bot.services.declare import Declaration, declare_incident


async def handle_incident_command(
    ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond, deps: Deps
) -> None:
    """Ack at once (Slack allows 3 s), then do the work."""
    await ack()
    request = parse_incident_command(command.get("text", ""))
    match request:
        case ShowHelp():
            await respond(help_text())
        case OpenDeclareForm(title=title, severity=severity):
            view = declare_modal(
                title=title,
                severity=severity,
                response_url=command.get("response_url"),
                channel_id=command.get("channel_id"),
            )
            await deps.slack.open_view(command["trigger_id"], view)
        case Declare(severity=severity, title=title):
            declaration = Declaration(severity=severity, title=title, declarer=command["user_id"])
            incident = await declare_incident(deps, declaration)
            await respond(declared_message(incident))


def register(app: AsyncApp) -> None:
    """Listen for the slash command."""
    app.command("/incident")(handle_incident_command)
