"""Postmortem reminders and review-meeting reminders: plain jobs taking the time as an argument."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import partial

from bot.domain.postmortems import business_days_between
from bot.domain.roles import Role
from bot.domain.status import Status
from bot.rendering.reminders import escalation, meeting_reminder, postmortem_reminder
from bot.services.deps import Deps
from models import Incident, Postmortem
from models import incidents as incident_rows
from models import postmortems as postmortem_rows
from scheduler.delivery import deliver_once

ESCALATE_AFTER = timedelta(days=7)
MEETING_NOTICE = timedelta(hours=1)


def reminder_due(today: date, due: date) -> bool:
    """The day before it is due, the due day, then every 2 business days overdue (weekdays)."""
    if today.weekday() >= 5:
        return False
    if today <= due:
        return business_days_between(today, due) <= 1
    return business_days_between(due, today) % 2 == 0


async def remind_postmortems(deps: Deps, now: datetime) -> int:
    """Remind each unpublished postmortem's owner on the right days, once a day at most."""
    today = now.astimezone(deps.zone).date()
    sent = 0
    for postmortem, incident in await _unpublished(deps):
        if incident.status != Status.POSTMORTEM or incident.channel_id is None:
            continue  # reopened: the postmortem waits until it is resolved again
        if not reminder_due(today, postmortem.due_on):
            continue
        overdue = today - postmortem.due_on
        escalate = overdue >= ESCALATE_AFTER
        commander = incident.current_roles.get(Role.COMMANDER.value)
        text = postmortem_reminder(incident, postmortem, today, commander if escalate else None)
        channel = incident.channel_id
        sent += await deliver_once(
            deps,
            key=f"postmortem-reminder:{incident.id}:{today.isoformat()}",
            job="postmortem-reminders",
            send=partial(deps.slack.post, channel, text=text),
        )
        announce = deps.settings.announce_channel
        # A drill's overdue review is chased in its channel, never in the announcement channel.
        if escalate and announce and not incident.is_private and not incident.is_drill:
            note = escalation(incident, postmortem, overdue.days, commander)
            sent += await deliver_once(
                deps,
                key=f"postmortem-escalation:{incident.id}:{today.isoformat()}",
                job="postmortem-reminders",
                send=partial(deps.slack.post_joining, announce, text=note),
            )
    return sent


async def remind_meetings(deps: Deps, now: datetime) -> int:
    """DM the role holders of every review meeting starting within the hour, once each."""
    async with deps.sessions() as session:
        soon = await postmortem_rows.with_meeting_between(
            session=session, start=now, end=now + MEETING_NOTICE
        )
        incidents = {
            p.incident_id: await incident_rows.get(session=session, number=p.incident_id)
            for p in soon
        }
    sent = 0
    for postmortem in soon:
        incident = incidents[postmortem.incident_id]
        if incident is None or postmortem.meeting_at is None:
            continue
        text = meeting_reminder(incident, postmortem, deps.zone)
        for person in sorted({*incident.current_roles.values(), postmortem.owner}):
            sent += await deliver_once(
                deps,
                key=f"meeting-reminder:{postmortem.id}:{postmortem.meeting_at.isoformat()}:{person}",
                job="postmortem-meetings",
                send=partial(deps.slack.post, person, text=text),
            )
    return sent


async def _unpublished(deps: Deps) -> list[tuple[Postmortem, Incident]]:
    async with deps.sessions() as session:
        found = await postmortem_rows.unpublished(session=session)
        pairs = [(p, await incident_rows.get(session=session, number=p.incident_id)) for p in found]
    return [(p, i) for p, i in pairs if i is not None]
