"""Page people per the severity policy and the impacted services: Slack user groups and
PagerDuty. A service is paged once per incident and target, across retries and replicas (each
page is claimed in the delivery ledger first)."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.catalog import Service
from bot.domain.mrkdwn import escape_mrkdwn
from bot.domain.severity import Severity
from bot.errors import SlackRefusal
from bot.integrations.pagerduty import PagerDutyError
from bot.rendering.paging import (
    page_failed,
    paged_pagerduty,
    paged_service_group,
    paged_service_pagerduty,
    paged_usergroup,
)
from bot.services.deps import Deps
from bot.services.incidents import channel_of
from bot.services.once import send_once
from models import Incident, timeline

PAGE_SENT = "page_sent"
PAGE_JOB = "page"
# Longer than any page takes (PagerDuty's and Slack's retries included): a claim this old
# belongs to a process that died while paging, and the page is sent again.
PAGE_STALE_AFTER = timedelta(minutes=2)


def dedup_key(incident: Incident, service: str | None = None) -> str:
    """PagerDuty's key for this incident (and service), so re-pages and resolves hit the
    same alert."""
    key = f"incident-{incident.id}-{incident.channel_id}"
    return f"{key}-{service}" if service else key


async def page(deps: Deps, incident: Incident, *, by: str, resuming: bool = False) -> None:
    """Page whoever the incident's severity calls for, and the on-call of every impacted
    service when the severity pages services; failures are said in the channel. A drill's
    groups were paged when it started, whatever its severity: nobody more is."""
    if incident.is_drill:
        return
    await page_severity(deps, incident, by=by, resuming=resuming)
    for slug in incident.service_slugs:
        service = deps.policy.catalog.get(slug)
        if service is not None:
            await page_service(deps, incident, service, by=by)


async def page_service(deps: Deps, incident: Incident, service: Service, *, by: str) -> None:
    """Page a service's on-call group and its PagerDuty service, each once for the incident,
    if the incident's severity pages services."""
    if incident.is_drill or not deps.policy.level(Severity(incident.severity)).page_services:
        return
    if service.oncall:
        await send_once(
            deps,
            key=f"page:{incident.id}:{service.slug}:oncall",
            job=PAGE_JOB,
            send=lambda: _page_service_group(deps, incident, service, by),
            stale_after=PAGE_STALE_AFTER,
        )
    if service.pagerduty_routing_key:
        await send_once(
            deps,
            key=f"page:{incident.id}:{service.slug}:pagerduty",
            job=PAGE_JOB,
            send=lambda: _alert_service(deps, incident, service, by),
            stale_after=PAGE_STALE_AFTER,
        )


async def _page_service_group(deps: Deps, incident: Incident, service: Service, by: str) -> None:
    assert service.oncall is not None
    channel = channel_of(incident)
    level = deps.policy.level(Severity(incident.severity))
    try:
        group_id, members = await deps.slack.usergroup_members(service.oncall)
        if members:
            await deps.slack.invite(channel, members)
    except SlackRefusal as refusal:
        who = f"{service.name}'s on-call ({service.oncall})"
        await deps.slack.post(channel, text=page_failed(escape_mrkdwn(who), refusal.explanation))
        return
    await deps.slack.post(channel, text=paged_service_group(group_id, service, incident, level))
    data = {"target": "usergroup", "usergroup": group_id, "service": service.slug}
    await _record(deps, incident, by, data)


async def _alert_service(deps: Deps, incident: Incident, service: Service, by: str) -> None:
    assert service.pagerduty_routing_key is not None
    channel = channel_of(incident)
    severity = Severity(incident.severity)
    level = deps.policy.level(severity)
    key = dedup_key(incident, service.slug)
    try:
        await deps.pagerduty.trigger(
            routing_key=service.pagerduty_routing_key,
            dedup_key=key,
            summary=f"[{severity.label}] #{incident.id} {incident.title} ({service.name})",
            source="Slack incident bot",
            severity=level.pagerduty_severity,
            custom_details={
                "channel": incident.channel_name,
                "status": incident.status,
                "service": service.slug,
            },
        )
    except PagerDutyError as error:
        who = f"{service.name} in PagerDuty"
        await deps.slack.post(
            channel, text=page_failed(escape_mrkdwn(who), escape_mrkdwn(str(error)))
        )
        return
    await deps.slack.post(channel, text=paged_service_pagerduty(incident, service, level))
    data = {
        "target": "pagerduty",
        "routing_key": service.pagerduty_routing_key,
        "dedup_key": key,
        "service": service.slug,
    }
    await _record(deps, incident, by, data)


async def page_severity(deps: Deps, incident: Incident, *, by: str, resuming: bool = False) -> None:
    """Page whoever the incident's severity calls for (a drill: the policy's drill groups, and
    never PagerDuty); failures are said in the channel.

    `resuming` a page cut short skips the targets the timeline says were paged already.
    """
    channel = channel_of(incident)
    severity = Severity(incident.severity)
    level = deps.policy.level(severity)
    paged = await _paged_already(deps, incident) if resuming else set()
    groups = deps.policy.drills.page_usergroups if incident.is_drill else level.page_usergroups
    for group in groups:
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
    if incident.is_drill:
        return
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
    alerts = {
        (e.data["routing_key"], e.data.get("dedup_key") or dedup_key(incident))
        for e in entries
        if e.kind == PAGE_SENT and "routing_key" in e.data
    }
    for routing_key, key in sorted(alerts):
        try:
            await deps.pagerduty.resolve(routing_key=routing_key, dedup_key=key)
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
        if e.kind == PAGE_SENT and "service" not in e.data
    }


async def _record(deps: Deps, incident: Incident, by: str, data: dict[str, str]) -> None:
    """Put who was paged, and for what, on the timeline."""
    async with deps.sessions.begin() as session:
        await timeline.add(
            session=session,
            incident_id=incident.id,
            kind=PAGE_SENT,
            occurred_at=deps.clock.now(),
            actor=by,
            data=data,
        )
