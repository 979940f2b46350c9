"""Page people per the severity policy: Slack user groups and PagerDuty."""

from __future__ import annotations

from bot.domain.mrkdwn import escape_mrkdwn
from bot.domain.severity import Severity
from bot.errors import SlackRefusal
from bot.integrations.pagerduty import PagerDutyError
from bot.rendering.paging import page_failed, paged_pagerduty, paged_usergroup
from bot.services.deps import Deps
from bot.services.incidents import channel_of
from models import Incident, timeline

PAGE_SENT = "page_sent"


def dedup_key(incident: Incident) -> str:
    """PagerDuty's key for this incident, so re-pages and resolves hit the same alert."""
    return f"incident-{incident.id}-{incident.channel_id}"


async def page(deps: Deps, incident: Incident, *, by: str, resuming: bool = False) -> None:
    """Page whoever the incident's severity calls for; failures are said in the channel.

    `resuming` a page cut short skips the targets the timeline says were paged already.
    """
    channel = channel_of(incident)
    severity = Severity(incident.severity)
    level = deps.policy.level(severity)
    paged = await _paged_already(deps, incident) if resuming else set()
    for group in level.page_usergroups:
        try:
            group_id, members = await deps.slack.usergroup_members(group)
            if group_id in paged:
                continue
            if members:
                await deps.slack.invite(channel, members)
        except SlackRefusal as refusal:
            await deps.slack.post(channel, text=page_failed(group, refusal.explanation))
            continue
        await deps.slack.post(channel, text=paged_usergroup(group_id, incident, level))
        await _record(deps, incident, by, {"target": "usergroup", "usergroup": group_id})
    if level.pagerduty_routing_key and level.pagerduty_routing_key not in paged:
        try:
            await deps.pagerduty.trigger(
                routing_key=level.pagerduty_routing_key,
                dedup_key=dedup_key(incident),
                summary=f"[{severity.label}] #{incident.id} {incident.title}",
                source="Slack incident bot",
                severity=level.pagerduty_severity,
                custom_details={"channel": incident.channel_name, "status": incident.status},
            )
        except PagerDutyError as error:
            await deps.slack.post(channel, text=page_failed("PagerDuty", escape_mrkdwn(str(error))))
            return
        await deps.slack.post(channel, text=paged_pagerduty(incident, level))
        await _record(
            deps, incident, by, {"target": "pagerduty", "routing_key": level.pagerduty_routing_key}
        )


async def resolve_pages(deps: Deps, incident: Incident) -> None:
    """Resolve every PagerDuty alert this incident triggered."""
    channel = channel_of(incident)
    async with deps.sessions() as session:
        entries = await timeline.for_incident(session=session, incident_id=incident.id)
    keys = {
        e.data["routing_key"] for e in entries if e.kind == PAGE_SENT and "routing_key" in e.data
    }
    for key in sorted(keys):
        try:
            await deps.pagerduty.resolve(routing_key=key, dedup_key=dedup_key(incident))
        except PagerDutyError as error:
            await deps.slack.post(
                channel,
                text=f"⚠️ PagerDuty alert not resolved: {escape_mrkdwn(str(error))}",
            )


async def _paged_already(deps: Deps, incident: Incident) -> set[str]:
    """The user groups and PagerDuty routing keys this incident's timeline says were paged."""
    async with deps.sessions() as session:
        entries = await timeline.for_incident(session=session, incident_id=incident.id)
    return {
        str(e.data.get("usergroup") or e.data.get("routing_key"))
        for e in entries
        if e.kind == PAGE_SENT
    }


async def _record(deps: Deps, incident: Incident, by: str, data: dict[str, str]) -> None:
    async with deps.sessions.begin() as session:
        await timeline.add(
            session=session,
            incident_id=incident.id,
            kind=PAGE_SENT,
            occurred_at=deps.clock.now(),
            actor=by,
            data=data,
        )
