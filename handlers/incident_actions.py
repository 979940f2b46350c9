"""In-channel commands and the card's buttons share one path: request → service → notice."""

from __future__ import annotations

from bot.deps import Deps
from bot.rendering.roles import roles_list
from bot.requests import (
    AddNote,
    AssignRole,
    ChangeAction,
    ChangeSeverity,
    ChangeStatus,
    CreateAction,
    InChannelCommand,
    PostmortemRequest,
    PostUpdate,
    Reopen,
    SetTime,
    ShowRoles,
    ShowTimeline,
)
from bot.services import lifecycle
from bot.services.incidents import incident_in
from bot.services.notes import add_note
from bot.services.roles import assign_roles
from bot.services.timeline_view import show_timeline
from bot.services.updates import post_update
from bot.times import clock_time
from handlers.action_items import run_action_request
from handlers.postmortem_actions import run_postmortem


async def run_in_channel(
    deps: Deps,
    request: InChannelCommand,
    *,
    channel_id: str,
    user: str,
    trigger_id: str | None = None,
) -> str | None:
    """Act on the channel's incident; returns a private answer for the person, if any."""
    match request:
        case ShowRoles():
            return roles_list(await incident_in(deps, channel_id))
        case AssignRole(role=role, user=holder):
            await assign_roles(deps, channel_id=channel_id, wanted={role: holder}, by=user)
        case ChangeSeverity(severity=severity):
            await lifecycle.change_severity(deps, channel_id=channel_id, severity=severity, by=user)
        case ChangeStatus(status=status, note=note):
            await lifecycle.change_status(
                deps, channel_id=channel_id, status=status, note=note, by=user
            )
        case Reopen():
            await lifecycle.reopen(deps, channel_id=channel_id, by=user)
        case SetTime(field=field, when=when):
            await lifecycle.set_time(deps, channel_id=channel_id, field=field, when=when, by=user)
        case PostUpdate(text=text):
            await post_update(deps, channel_id=channel_id, text=text, by=user)
        case AddNote(text=text, at=at):
            entry = await add_note(deps, channel_id=channel_id, text=text, at=at, by=user)
            return f"Noted on the timeline at {clock_time(entry.occurred_at, deps.zone)}."
        case ShowTimeline(export=export):
            await show_timeline(deps, channel_id=channel_id, user=user, export=export)
        case CreateAction() | ChangeAction():
            return await run_action_request(deps, request, channel_id=channel_id, user=user)
        case PostmortemRequest():
            return await run_postmortem(
                deps, request, channel_id=channel_id, user=user, trigger_id=trigger_id
            )
    return None
