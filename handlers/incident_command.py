"""`/incident …`: parse, then hand to the one service the subcommand names."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond

from bot.commands.dispatch import list_action_items, run_in_channel
from bot.commands.help import help_text
from bot.commands.parse import parse_incident_command
from bot.domain.limits import RESPONSE_URL_USES
from bot.domain.requests import (
    Declare,
    DeclareDrill,
    ListActionItems,
    ListDrills,
    ListIncidents,
    ListNearMisses,
    OpenDeclareForm,
    OpenNearMissForm,
    SearchArchive,
    ShowHelp,
    ShowPatterns,
    ShowServices,
    ShowStats,
)
from bot.rendering.declare import declare_modal, declared_message
from bot.rendering.listing import incident_list
from bot.rendering.near_misses import near_miss_modal
from bot.rendering.search import search_blocks
from bot.services.declare import Declaration, declare_incident
from bot.services.deps import Deps
from bot.services.drills import declare_drill, library
from bot.services.impact import show_catalog
from bot.services.listing import visible_open_incidents
from bot.services.near_misses import list_near_misses
from bot.services.patterns import show_patterns
from bot.services.search import search
from bot.services.stats import stats_summary

# One answer through the response_url is kept for "…and more".
RESPONSES = RESPONSE_URL_USES - 1
HOME_HINT = "your own items; narrow the list with `mine` or `overdue`"


async def handle_incident_command(
    ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond, deps: Deps
) -> None:
    """Ack at once (Slack allows 3 s), then do the work."""
    await ack()
    request = parse_incident_command(command.get("text", ""), item_prefix=deps.settings.item_prefix)
    user, channel = command["user_id"], command["channel_id"]
    match request:
        case ShowHelp():
            await respond(help_text())
        case ShowServices():
            await respond(show_catalog(deps))
        case OpenNearMissForm(title=title):
            view = near_miss_modal(
                title=title, catalog=deps.policy.catalog, response_url=command.get("response_url")
            )
            await deps.slack.open_view(command["trigger_id"], view)
        case ListNearMisses():
            await respond(await list_near_misses(deps))
        case ShowStats(window=window):
            await respond(text="How we're doing", blocks=await stats_summary(deps, window))
        case ListActionItems():
            pages = await list_action_items(deps, request, channel_id=channel, user=user)
            for blocks in pages[:RESPONSES]:
                await respond(text="Action items", blocks=blocks)
            if len(pages) > RESPONSES:
                await respond(f"…and more than fit here; App Home lists {HOME_HINT}.")
        case SearchArchive(text=text):
            results = await search(deps, text, user=user)
            query = results.query
            blocks = search_blocks(
                query.text, results.total, query.page, results.pages, results.hits, deps.zone
            )
            await respond(text=f"{results.total} incidents found", blocks=blocks)
        case ShowPatterns(window=window):
            await respond(await show_patterns(deps, window))
        case ListDrills():
            await respond(library(deps))
        case DeclareDrill(severity=severity, name=name):
            drill = await declare_drill(deps, severity=severity, name=name, declarer=user)
            await respond(declared_message(drill))
        case ListIncidents():
            found = await visible_open_incidents(deps, user)
            await respond(incident_list(found, deps.clock.now(), deps.policy))
        case OpenDeclareForm(title=title, severity=severity):
            view = declare_modal(
                title=title,
                severity=severity,
                response_url=command.get("response_url"),
                channel_id=channel,
                policy=deps.policy,
            )
            await deps.slack.open_view(command["trigger_id"], view)
        case Declare(severity=severity, title=title):
            declaration = Declaration(severity=severity, title=title, declarer=user)
            incident = await declare_incident(deps, declaration)
            await respond(declared_message(incident))
        case _:
            answer = await run_in_channel(
                deps,
                request,
                channel_id=channel,
                user=user,
                trigger_id=command.get("trigger_id"),
                response_url=command.get("response_url"),
            )
            if answer:
                await respond(answer)


def register(app: AsyncApp) -> None:
    """Listen for the slash command."""
    app.command("/incident")(handle_incident_command)
