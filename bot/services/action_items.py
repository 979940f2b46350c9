"""Action items: made in an incident (or from its postmortem), changed by the people in it."""

from __future__ import annotations

from datetime import date, datetime

from bot.domain.action_items import ITEM_CLOSED, ItemStatus
from bot.domain.dates import parse_due
from bot.domain.postmortems import PostmortemStatus
from bot.domain.requests import CreateActionItem
from bot.errors import UserFacingError
from bot.rendering.action_items import ItemView, item_blocks
from bot.services.deps import Deps
from bot.services.incidents import incident_in
from bot.services.membership import channel_members
from bot.services.postmortems import share
from bot.services.roles import check_person
from models import ActionItem, Incident, timeline
from models import action_items as item_rows
from models import incidents as incident_rows
from models import postmortems as postmortem_rows

OWN = "own an action item"


def today(deps: Deps) -> date:
    """Today in the incident time zone."""
    return deps.clock.now().astimezone(deps.zone).date()


async def create_action_item(
    deps: Deps,
    *,
    channel_id: str,
    request: CreateActionItem,
    by: str,
    postmortem_id: int | None = None,
    redraft: bool = True,
) -> ItemView:
    """Add an item to the channel's incident, checking the owner and the date first."""
    title, owner, due, priority = request.title, request.owner, request.due, request.priority
    incident = await incident_in(deps, channel_id)
    if owner is not None:
        await check_person(deps, owner, to=OWN)
        await _bring_owner_in(deps, incident, owner)
    due_on = parse_due(due, today=today(deps)) if due else None
    async with deps.sessions.begin() as session:
        item = await item_rows.add(
            session=session,
            incident_id=incident.id,
            title=title,
            owner=owner,
            due_on=due_on,
            priority=priority,
            created_by=by,
            created_at=deps.clock.now(),
            postmortem_id=postmortem_id,
        )
        await timeline.add(
            session=session,
            incident_id=incident.id,
            kind="action_created",
            occurred_at=item.created_at,
            actor=by,
            text=title,
            data={"item": item.id, "owner": owner},
        )
    if redraft:
        await _redraft_postmortem(deps, incident)
    return ItemView(item, incident)


async def add_action_item(
    deps: Deps, *, channel_id: str, request: CreateActionItem, by: str
) -> ItemView:
    """Add an item to the channel's incident and show it there, with its controls."""
    view = await create_action_item(deps, channel_id=channel_id, request=request, by=by)
    prefix = deps.settings.item_prefix
    blocks = item_blocks(view, prefix, today(deps))
    text = f"New action item {prefix}-{view.item.id}"
    await deps.slack.post(channel_id, text=text, blocks=blocks)
    return view


async def change_action_item(
    deps: Deps, *, number: int, verb: str, arg: str | None, by: str
) -> ItemView:
    """Start, finish, drop, hand over, reschedule or reprioritise an item."""
    prefix = deps.settings.item_prefix
    async with deps.sessions() as session:
        found = await item_rows.get(session=session, number=number)
        incident = (
            await incident_rows.get(session=session, number=found.incident_id) if found else None
        )
    if found is None or incident is None:
        raise UserFacingError(
            f"There is no action item {prefix}-{number}. `/incident actions` lists them."
        )
    await _check_insider(deps, found, incident, by)
    if verb == "owner" and arg:
        await check_person(deps, arg, to=OWN)
        await _bring_owner_in(deps, incident, arg)
    due_on = parse_due(arg, today=today(deps)) if verb == "due" and arg else None
    now = deps.clock.now()
    async with deps.sessions.begin() as session:
        item = await item_rows.get(session=session, number=number, lock=True)
        assert item is not None
        _apply(item, verb, arg, due_on, now, prefix)
        await timeline.add(
            session=session,
            incident_id=incident.id,
            kind="action_changed",
            occurred_at=now,
            actor=by,
            text=item.title,
            data={"item": number, "change": verb, "value": arg, "status": item.status},
        )
    await _redraft_postmortem(deps, incident)
    return ItemView(item, incident)


def _apply(
    item: ActionItem, verb: str, arg: str | None, due_on: date | None, now: datetime, prefix: str
) -> None:
    name = f"{prefix}-{item.id}"
    closed = item.status in ITEM_CLOSED
    if verb in ("start", "done", "wontdo") and closed:
        raise UserFacingError(f"{name} is already {item.status}.")
    if verb == "start":
        if item.status == ItemStatus.IN_PROGRESS:
            raise UserFacingError(f"{name} is already in progress.")
        item.status, item.started_at = ItemStatus.IN_PROGRESS, now
    elif verb == "done":
        item.status, item.completed_at = ItemStatus.DONE, now
    elif verb == "wontdo":
        item.status, item.wont_do_reason, item.completed_at = ItemStatus.WONT_DO, arg, now
    elif verb == "owner":
        item.owner = arg
    elif verb == "due":
        item.due_on = due_on
    elif verb == "priority":
        item.priority = str(arg)


async def _redraft_postmortem(deps: Deps, incident: Incident) -> None:
    """The postmortem always lists the incident's current items: redraw it when they change."""
    async with deps.sessions() as session:
        postmortem = await postmortem_rows.for_incident(session=session, incident_id=incident.id)
    if postmortem is not None and postmortem.status != PostmortemStatus.PUBLISHED:
        await share(deps, incident)


async def _bring_owner_in(deps: Deps, incident: Incident, owner: str) -> None:
    """An item's owner sees its incident: in a private one, they are invited to its channel."""
    if incident.is_private and incident.channel_id is not None:
        await deps.slack.invite(incident.channel_id, [owner])


async def _check_insider(deps: Deps, item: ActionItem, incident: Incident, by: str) -> None:
    """Only the owner and the people in the incident's channel change an item."""
    if by in (item.owner, item.created_by) or incident.channel_id is None:
        return
    if by not in await channel_members(deps, incident.channel_id):
        prefix = deps.settings.item_prefix
        raise UserFacingError(
            f"{prefix}-{item.id} belongs to incident #{incident.id}; only its owner and the "
            "people in that incident's channel can change it."
        )


async def items_for(deps: Deps, *, scope: str, user: str, channel_id: str) -> list[ItemView]:
    """The items a list asks for; private incidents' items only for their members or owners."""
    async with deps.sessions() as session:
        if scope == "incident":
            incident = await incident_rows.get_by_channel(session=session, channel_id=channel_id)
            if incident is None:
                raise UserFacingError(
                    "`/incident actions` lists this incident's items inside its channel; "
                    "elsewhere use `/incident actions mine`, `overdue` or `open`."
                )
            found = await item_rows.for_incident(session=session, incident_id=incident.id)
        elif scope == "mine":
            found = await item_rows.open_for_owner(session=session, owner=user)
        else:
            before = today(deps) if scope == "overdue" else None
            found = await item_rows.open_items(session=session, due_before=before)
        incidents = {
            n: await incident_rows.get(session=session, number=n)
            for n in {i.incident_id for i in found}
        }
    views = [ItemView(i, inc) for i in found if (inc := incidents[i.incident_id]) is not None]
    private = {v.incident.channel_id for v in views if v.incident.is_private}
    members = {c: await channel_members(deps, c) for c in private if c}
    return [
        v
        for v in views
        if not v.incident.is_private
        or v.item.owner == user
        or user in members.get(v.incident.channel_id or "", set())
    ]


async def new_item_problems(
    deps: Deps, *, title: str, owner: str | None, due: str | None
) -> dict[str, str]:
    """What is wrong with a new item typed in a form, by field (title, owner, due)."""
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = "Say what should be done."
    if owner:
        try:
            await check_person(deps, owner, to=OWN)
        except UserFacingError as error:
            errors["owner"] = error.message
    if due:
        try:
            parse_due(due, today=today(deps))
        except UserFacingError as error:
            errors["due"] = error.message
    return errors
