"""Postmortems: started on resolution, drafted from the timeline, checked, published."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.domain.blameless import check_sections
from bot.domain.postmortems import (
    GAME_DAY_REVIEW_DUE,
    PostmortemStatus,
    document_name,
    due_on,
    sections_for,
)
from bot.domain.roles import Role
from bot.domain.severity import Severity
from bot.domain.status import Status
from bot.domain.times import local_time, parse_local_time
from bot.errors import SlackRefusal, UserFacingError
from bot.rendering.postmortem_document import document
from bot.rendering.postmortems import (
    drafted_notice,
    editor_modal,
    findings_message,
    published_announcement,
    published_notice,
)
from bot.services.deps import Deps
from bot.services.incidents import Change, channel_of, incident_change, incident_in, post_notice
from bot.slack.ids import document_ids
from models import Incident, Postmortem, timeline
from models import action_items as item_rows
from models import postmortems as postmortem_rows


class NeedsConfirmation(Exception):
    """Publishing was asked while the blameless check still has findings."""

    def __init__(self, findings: list[dict[str, Any]]) -> None:
        super().__init__("blameless findings remain")
        self.findings = findings


async def start_if_required(deps: Deps, change: Change) -> bool:
    """On resolution: start the postmortem the severity requires, or a drill's game-day
    review (owner: the IC)."""
    incident = change.incident
    days = deps.policy.level(Severity(incident.severity)).postmortem_due_business_days
    if incident.is_drill:
        days = days or GAME_DAY_REVIEW_DUE
    if not days:
        return False
    existing = await postmortem_rows.for_incident(session=change.session, incident_id=incident.id)
    if existing is None:
        owner = incident.current_roles.get(Role.COMMANDER.value, incident.declared_by)
        await postmortem_rows.add(
            session=change.session,
            incident_id=incident.id,
            owner=owner,
            due_on=due_on(change.at, days, deps.zone),
            created_at=change.at,
        )
    incident.status = Status.POSTMORTEM.value
    change.record("postmortem_started")
    change.then(lambda i: share(deps, i, announce=True))
    return True


async def share(
    deps: Deps, incident: Incident, *, announce: bool = False, fresh_file: bool = False
) -> Postmortem:
    """Draft the document from the database and put it where people read it: its canvas, kept
    current; or, where canvases are refused, a file uploaded again only when `fresh_file`."""
    channel = channel_of(incident)
    async with deps.sessions() as session:
        postmortem = await postmortem_rows.for_incident(session=session, incident_id=incident.id)
        entries = await timeline.for_incident(session=session, incident_id=incident.id)
        items = await item_rows.for_incident(session=session, incident_id=incident.id)
    if postmortem is None:
        raise UserFacingError(
            f"Incident #{incident.id} has no postmortem yet: one starts when an incident whose "
            "severity requires it is resolved."
        )
    people = {postmortem.owner, *incident.current_roles.values()}
    people |= {e.actor for e in entries if e.actor} | {i.owner for i in items if i.owner}
    names = await deps.slack.user_names(people)
    markdown = document(
        incident, postmortem, entries, deps.zone, names, items, deps.settings.item_prefix
    )
    placed = await _put(deps, incident, postmortem, markdown, fresh_file)
    if placed is not None:
        async with deps.sessions.begin() as session:
            session.add(postmortem)
            postmortem.canvas_id, postmortem.file_id, postmortem.link = placed
    if announce:
        await deps.slack.post(channel, text=drafted_notice(incident, postmortem))
    return postmortem


async def _put(
    deps: Deps, incident: Incident, postmortem: Postmortem, markdown: str, fresh_file: bool
) -> tuple[str | None, str | None, str] | None:
    """Rewrite the canvas, or make one (a file where canvases are refused); returns the
    (canvas ID, file ID, link) to store, or None when what is stored still holds."""
    channel = channel_of(incident)
    kind = "Game-day review: drill" if incident.is_drill else "Postmortem: incident"
    title = f"{kind} #{incident.id} {incident.title}"
    canvas_id, file_id, link = postmortem.canvas_id, postmortem.file_id, postmortem.link
    kept = None
    if link and not (canvas_id or file_id):
        # Shared by a replica from before the IDs were kept: read them from its link.
        canvas_id, file_id = document_ids(link)
        kept = (canvas_id, file_id, link)
    if canvas_id:
        await deps.slack.replace_canvas(canvas_id, markdown)
        return kept
    if file_id and not fresh_file:
        return kept  # a file: not a new upload at every save
    try:
        canvas = await deps.slack.create_canvas(title[:255], markdown, readers=channel)
        return canvas.id, None, canvas.link
    except SlackRefusal:
        # Canvases are not available everywhere (free workspaces, admin settings): a file is.
        file = await deps.slack.upload(
            channel,
            filename=f"incident-{incident.id}-{document_name(is_drill=incident.is_drill)}.md",
            content=markdown,
            title=title,
        )
        return None, file.id, file.link


async def set_owner(deps: Deps, *, channel_id: str, owner: str, by: str) -> None:
    """Hand the postmortem to someone else."""
    async with incident_change(deps, channel_id, by=by) as change:
        postmortem = await _locked(change)
        if postmortem.owner == owner:
            raise UserFacingError(f"<@{owner}> already owns this postmortem.")
        previous, postmortem.owner = postmortem.owner, owner
        change.record("postmortem_owner", user=owner, previous=previous)
        change.then(
            lambda i: post_notice(
                deps, i, f"📝 <@{owner}> now owns the postmortem (was <@{previous}>)."
            )
        )
        change.then(lambda i: share(deps, i))


async def save_sections(
    deps: Deps, *, channel_id: str, sections: dict[str, str], by: str
) -> list[dict[str, Any]]:
    """Store what the editor wrote, check it for blame, re-draft; returns the findings."""
    names = await _people(deps, channel_id)
    async with incident_change(deps, channel_id, by=by) as change:
        known = {s.key for s in sections_for(is_drill=change.incident.is_drill)}
        postmortem = await _locked(change)
        if postmortem.status == PostmortemStatus.PUBLISHED:
            raise UserFacingError("This postmortem is published; it can't be edited any more.")
        postmortem.sections = {k: v.strip() for k, v in sections.items() if k in known and v}
        postmortem.findings = _findings(postmortem.sections, names)
        change.record("postmortem_edited", findings=len(postmortem.findings))
        change.then(lambda i: share(deps, i))
    return postmortem.findings


async def mark_in_review(deps: Deps, *, channel_id: str, by: str) -> None:
    """The draft is ready for the review meeting."""
    async with incident_change(deps, channel_id, by=by) as change:
        postmortem = await _locked(change)
        _ready(change)
        if postmortem.status != PostmortemStatus.DRAFT:
            raise UserFacingError(f"The postmortem is {postmortem.status}, not a draft.")
        postmortem.status = PostmortemStatus.IN_REVIEW.value
        change.record("postmortem_in_review")
        change.then(
            lambda i: post_notice(deps, i, f"📝 The postmortem is ready for review (<@{by}>).")
        )
        change.then(lambda i: share(deps, i))


async def publish_postmortem(
    deps: Deps, *, channel_id: str, by: str, confirmed: bool = False
) -> bool:
    """Publish; with blameless findings left, show them to the person and ask to confirm first."""
    try:
        await _publish(deps, channel_id=channel_id, by=by, confirmed=confirmed)
    except NeedsConfirmation as pending:
        blocks = findings_message(pending.findings, publishing=True)
        await deps.slack.post_ephemeral(
            channel_id, by, text="The blameless check has findings", blocks=blocks
        )
        return False
    return True


async def _publish(deps: Deps, *, channel_id: str, by: str, confirmed: bool) -> None:
    names = await _people(deps, channel_id)
    async with incident_change(deps, channel_id, by=by) as change:
        postmortem = await _locked(change)
        if postmortem.status == PostmortemStatus.PUBLISHED:
            raise UserFacingError("This postmortem is already published.")
        _ready(change)
        findings = _findings(postmortem.sections, names)
        if findings and not confirmed:
            raise NeedsConfirmation(findings)
        postmortem.findings = findings
        postmortem.status = PostmortemStatus.PUBLISHED.value
        postmortem.published_at = change.at
        change.incident.status = Status.CLOSED.value
        change.record("postmortem_published", findings=len(postmortem.findings))
        change.then(lambda i: share(deps, i, fresh_file=True))
        change.then(lambda i: post_notice(deps, i, published_notice(i, postmortem, by)))
        change.then(lambda i: _announce_published(deps, i, postmortem))


async def set_meeting(deps: Deps, *, channel_id: str, when: str, by: str) -> datetime:
    """Record when the review meeting is; role holders are reminded an hour before."""
    async with incident_change(deps, channel_id, by=by) as change:
        postmortem = await _locked(change)
        moment = parse_local_time(when, now=change.at, zone=deps.zone, future=True)
        postmortem.meeting_at = moment
        change.record("postmortem_meeting", at=moment.isoformat())
        text = f"📅 Postmortem review meeting: {local_time(moment, deps.zone)} (set by <@{by}>)."
        change.then(lambda i: post_notice(deps, i, text))
    return moment


async def open_editor(deps: Deps, *, channel_id: str, trigger_id: str | None) -> None:
    """Open the form with one field per section for the person who asked."""
    incident, postmortem = await postmortem_in(deps, channel_id)
    if trigger_id is None:
        raise UserFacingError(
            "The editor opens from `/incident postmortem edit` or the card's Edit postmortem "
            "button; try one of those."
        )
    await deps.slack.open_view(trigger_id, editor_modal(incident, postmortem, channel_id))


async def postmortem_in(deps: Deps, channel_id: str) -> tuple[Incident, Postmortem]:
    """The channel's incident and its postmortem, or a clear answer why there is none."""
    incident = await incident_in(deps, channel_id)
    async with deps.sessions() as session:
        postmortem = await postmortem_rows.for_incident(session=session, incident_id=incident.id)
    if postmortem is None:
        raise UserFacingError(_none_yet(incident))
    return incident, postmortem


def _findings(sections: dict[str, str], names: list[str]) -> list[dict[str, Any]]:
    return [
        {"section": key, "sentence": f.sentence, "why": f.why, "suggestion": f.suggestion}
        for key, f in check_sections(sections, names=names)
    ]


async def _people(deps: Deps, channel_id: str) -> list[str]:
    """Display names of the people in the incident, so the check knows them when named."""
    incident = await incident_in(deps, channel_id)
    async with deps.sessions() as session:
        entries = await timeline.for_incident(session=session, incident_id=incident.id)
    people = {incident.declared_by, *(r.user_id for r in incident.roles)}
    people |= {e.actor for e in entries if e.actor}
    return sorted(set((await deps.slack.user_names(people)).values()))


def _ready(change: Change) -> None:
    """Review and publication wait while the incident is open again."""
    incident = change.incident
    if incident.status != Status.POSTMORTEM:
        raise UserFacingError(
            f"Incident #{incident.id} is {incident.status}: its postmortem waits until it is "
            "resolved again."
        )


async def _locked(change: Change) -> Postmortem:
    postmortem = await postmortem_rows.for_incident(
        session=change.session, incident_id=change.incident.id, lock=True
    )
    if postmortem is None:
        raise UserFacingError(_none_yet(change.incident))
    return postmortem


def _none_yet(incident: Incident) -> str:
    return (
        f"Incident #{incident.id} has no postmortem yet: one starts when it is resolved, "
        "for severities that require one."
    )


async def _announce_published(deps: Deps, incident: Incident, postmortem: Postmortem) -> None:
    if incident.is_private or incident.is_drill or not deps.settings.announce_channel:
        return  # a drill's review stays in its channel: nothing real to announce
    async with deps.sessions() as session:
        fresh = await postmortem_rows.for_incident(session=session, incident_id=incident.id)
    text = published_announcement(incident, fresh or postmortem)
    await deps.slack.post_joining(deps.settings.announce_channel, text=text)
