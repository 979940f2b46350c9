"""In-channel commands and the card's buttons share one path: request → service → answer.

Services decide, write, then send what the channel sees; what is returned here is only the
private answer for the person who asked.
"""

from __future__ import annotations

from typing import Any

from bot.domain.requests import (
    AddNote,
    AssignRole,
    ChangeActionItem,
    ChangeService,
    ChangeSeverity,
    ChangeStatus,
    ChangeTags,
    CreateActionItem,
    InChannelCommand,
    LinkRecurrence,
    ListActionItems,
    PostmortemRequest,
    PostUpdate,
    Reopen,
    SetTime,
    ShowRoles,
    ShowRunbooks,
    ShowTimeline,
)
from bot.domain.times import clock_time, local_time
from bot.rendering.action_items import item_line, item_list
from bot.rendering.roles import roles_list
from bot.services import impact, lifecycle, postmortems
from bot.services.action_items import add_action_item, change_action_item, items_for, today
from bot.services.deps import Deps
from bot.services.incidents import incident_in
from bot.services.notes import add_note
from bot.services.recurrence import link_recurrence
from bot.services.roles import assign_roles
from bot.services.runbooks import show_runbooks
from bot.services.tags import change_tags
from bot.services.timeline import show_timeline
from bot.services.updates import post_update

ITEM_LIST_HEADINGS = {
    "incident": "This incident's action items",
    "mine": "Your open action items",
    "overdue": "Overdue action items",
    "open": "Open action items",
}


async def run_in_channel(
    deps: Deps,
    request: InChannelCommand,
    *,
    channel_id: str,
    user: str,
    trigger_id: str | None = None,
    response_url: str | None = None,
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
            return await show_timeline(
                deps, channel_id=channel_id, user=user, export=export, response_url=response_url
            )
        case CreateActionItem():
            view = await add_action_item(deps, channel_id=channel_id, request=request, by=user)
            return f"Added {deps.settings.item_prefix}-{view.item.id}."
        case ChangeActionItem(number=number, verb=verb, arg=arg):
            view = await change_action_item(deps, number=number, verb=verb, arg=arg, by=user)
            return f"Updated: {item_line(view, deps.settings.item_prefix, today(deps))}"
        case ChangeService(verb="add", name=name):
            await impact.add_service(deps, channel_id=channel_id, name=name, by=user)
        case ChangeService(verb="remove", name=name):
            await impact.remove_service(deps, channel_id=channel_id, name=name, by=user)
        case ChangeTags(verb=verb, tags=tags):
            await change_tags(deps, channel_id=channel_id, verb=verb, tags=tags, by=user)
        case LinkRecurrence(reference=reference):
            await link_recurrence(deps, channel_id=channel_id, reference=reference, by=user)
        case ShowRunbooks():
            return await show_runbooks(deps, channel_id=channel_id)
        case PostmortemRequest():
            return await _postmortem(
                deps, request, channel_id=channel_id, user=user, trigger_id=trigger_id
            )
    return None


async def list_action_items(
    deps: Deps, request: ListActionItems, *, channel_id: str, user: str
) -> list[list[dict[str, Any]]]:
    """The pages of a list of items, as the person may see them."""
    views = await items_for(deps, scope=request.scope, user=user, channel_id=channel_id)
    heading = ITEM_LIST_HEADINGS[request.scope]
    return item_list(views, heading, deps.settings.item_prefix, today(deps))


async def _postmortem(
    deps: Deps,
    request: PostmortemRequest,
    *,
    channel_id: str,
    user: str,
    trigger_id: str | None,
) -> str | None:
    """Do the postmortem subcommand; returns a private answer, if any."""
    match request:
        case PostmortemRequest(subcommand="show"):
            incident, _ = await postmortems.postmortem_in(deps, channel_id)
            shared = await postmortems.share(deps, incident, fresh_file=True)
            return f"📝 The postmortem, drafted from the timeline: {shared.link}"
        case PostmortemRequest(subcommand="owner", user=str(owner)):
            await postmortems.set_owner(deps, channel_id=channel_id, owner=owner, by=user)
        case PostmortemRequest(subcommand="edit"):
            await postmortems.open_editor(deps, channel_id=channel_id, trigger_id=trigger_id)
        case PostmortemRequest(subcommand="review"):
            await postmortems.mark_in_review(deps, channel_id=channel_id, by=user)
        case PostmortemRequest(subcommand="publish"):
            await postmortems.publish_postmortem(deps, channel_id=channel_id, by=user)
        case PostmortemRequest(subcommand="meeting", when=str(when)):
            moment = await postmortems.set_meeting(deps, channel_id=channel_id, when=when, by=user)
            return f"Meeting recorded: {local_time(moment, deps.zone)}."
    return None
