"""What the scheduled jobs say: postmortem reminders, escalations, meeting and update nudges."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.domain.mrkdwn import escape_mrkdwn
from bot.domain.times import duration, local_time
from models import Incident, Postmortem


def _open(postmortem: Postmortem) -> str:
    return f" <{postmortem.link}|Open it>." if postmortem.link else ""


def postmortem_reminder(
    incident: Incident, postmortem: Postmortem, today: date, commander: str | None
) -> str:
    """The reminder in the incident channel, mentioning the owner (and the IC when escalated)."""
    if today < postmortem.due_on:
        day = "tomorrow" if (postmortem.due_on - today).days == 1 else f"{postmortem.due_on:%A}"
        when = f"is due {day} ({postmortem.due_on.isoformat()})"
    elif today == postmortem.due_on:
        when = "is due today"
    else:
        days = (today - postmortem.due_on).days
        when = (
            f"is {days} day{'s' if days != 1 else ''} overdue (due {postmortem.due_on.isoformat()})"
        )
    also = f" <@{commander}>, as Incident Commander, please help it land." if commander else ""
    return (
        f"⏰ <@{postmortem.owner}>: the postmortem of incident #{incident.id} {when}."
        f"{_open(postmortem)} `/incident postmortem publish` when it's done.{also}"
    )


def escalation(incident: Incident, postmortem: Postmortem, days: int, commander: str | None) -> str:
    """Posted in the announcement channel once a postmortem is a week overdue."""
    people = f"<@{postmortem.owner}>" + (f" and <@{commander}>" if commander else "")
    return (
        f"📝 The postmortem of incident #{incident.id} {escape_mrkdwn(incident.title)} is "
        f"{days} days overdue. {people}: what does it need to get published?"
    )


def meeting_reminder(incident: Incident, postmortem: Postmortem, zone: ZoneInfo) -> str:
    """The DM an hour before the review meeting."""
    assert postmortem.meeting_at is not None
    return (
        f"📅 The postmortem review of incident #{incident.id} {escape_mrkdwn(incident.title)} "
        f"starts at {local_time(postmortem.meeting_at, zone)}.{_open(postmortem)}"
    )


def update_nudge(
    incident: Incident, person: str, since: datetime, now: datetime, every: int
) -> str:
    """Nudge Comms (or the IC) when the status update is late."""
    return (
        f"⏰ <@{person}>: no status update on incident #{incident.id} for {duration(since, now)}; "
        f"its severity asks for one every {every} minutes. `/incident update <what's new>`."
    )


def roles_nudge(incident: Incident, commander: str, missing: list[str]) -> str:
    """Nudge the IC when key roles are still open after 10 minutes."""
    return (
        f"👥 <@{commander}>: incident #{incident.id} still has no {' or '.join(missing)}. "
        "`/incident role tech @someone` or the card's *Assign roles* button."
    )
