"""An incident and its timeline as a Markdown document or as JSON, for postmortems and archives.

Markdown is a file, not a Slack message: people's text is turned from Slack mrkdwn into
Markdown (mentions become names, links become Markdown links, entities become characters).
Secrets are never exported: a PagerDuty routing key shows as "[redacted]".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.roles import ROLE_NAMES, Role
from bot.domain.status import Status
from bot.domain.times import duration, local_time
from bot.rendering.timeline import Voice, describe
from models import ImpactedService, Incident, RoleAssignment, TimelineEntry

REDACTED = "[redacted]"
SECRET_KEYS = frozenset({"routing_key"})
_TOKEN = re.compile(r"<([^<>]*)>")
_USER_ID = re.compile(r"^[UW][A-Z0-9]+$")


def markdown_text(text: str, names: Mapping[str, str]) -> str:
    """Turn Slack mrkdwn into Markdown: `<@U1>` → `@Alice`, `<url|label>` → `[label](url)`."""

    def token(match: re.Match[str]) -> str:
        inner, _, label = match.group(1).partition("|")
        if inner.startswith("@"):
            return "@" + names.get(inner[1:], label or inner[1:])
        if inner.startswith("#"):
            return "#" + (label or inner[1:])
        if inner.startswith("!"):
            special = inner[1:].split("^")[0]
            return label or f"@{special}"
        return f"[{label}]({inner})" if label else inner

    plain = _TOKEN.sub(token, text)
    return plain.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def user_ids(incident: Incident, entries: Sequence[TimelineEntry]) -> set[str]:
    """Every user the document names: declarer, role holders, authors, people mentioned."""
    users = {incident.declared_by, *(role.user_id for role in incident.roles)}
    for entry in entries:
        data = entry.data if isinstance(entry.data, dict) else {}
        users.update(str(data[key]) for key in ("user", "previous") if data.get(key))
        users.update(
            match.group(1).partition("|")[0][1:]
            for match in _TOKEN.finditer(entry.text or "")
            if match.group(1).startswith("@")
        )
        if entry.actor:
            users.add(entry.actor)
    return {user for user in users if _USER_ID.match(user)}


def markdown_voice(names: Mapping[str, str]) -> Voice:
    """How Markdown documents write people, their text, code and links."""
    return Voice(
        person=lambda user: names.get(user, user),
        text=lambda text: markdown_text(text, names),
        code=lambda text: f"`{text}`",
        link=lambda url, label: f"[{label}]({url})",
    )


def timeline_markdown(
    incident: Incident,
    entries: Sequence[TimelineEntry],
    zone: ZoneInfo,
    names: Mapping[str, str],
) -> str:
    """The incident's facts and its whole timeline as a Markdown document."""

    def name(user: str) -> str:
        return names.get(user, user)

    voice = markdown_voice(names)
    lines = [f"# Incident #{incident.id}: {incident.title}", ""]
    if incident.description:
        lines += [markdown_text(incident.description, names), ""]
    lines += _facts(incident, zone, name)
    lines += ["", "## Timeline", "", f"Times in {zone.key}.", ""]
    ordered = sorted(entries, key=lambda entry: (entry.occurred_at, entry.id or 0))
    for entry in ordered:
        when = entry.occurred_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
        by = f" ({name(entry.actor)})" if entry.actor else ""
        what = describe(entry, zone, voice).replace("\n", "\n  ")  # stay inside the list item
        lines.append(f"- **{when}** — {what}{by}")
    if not ordered:
        lines.append("Nothing on the timeline.")
    return "\n".join(lines) + "\n"


def _facts(incident: Incident, zone: ZoneInfo, name: Callable[[str], str]) -> list[str]:
    severity, status = incident.severity, incident.status
    facts = [
        ("Severity", severity.upper()),
        ("Status", Status(status).label if status in Status._value2member_map_ else status),
        ("Private", "yes" if incident.is_private else "no"),
        ("Channel", f"#{incident.channel_name}" if incident.channel_name else "none"),
        ("Services", ", ".join(incident.service_slugs) or "none marked"),
        ("Tags", ", ".join(incident.tag_names) or "none"),
        ("Declared", f"{local_time(incident.declared_at, zone)} by {name(incident.declared_by)}"),
    ]
    for label, moment in (
        ("Impact began", incident.started_at),
        ("Detected", incident.detected_at),
        ("Identified", incident.identified_at),
        ("Mitigated", incident.mitigated_at),
        ("Resolved", incident.resolved_at),
    ):
        if moment is not None:
            facts.append((label, local_time(moment, zone)))
    if incident.resolved_at is not None:
        facts.append(("Duration", duration(incident.declared_at, incident.resolved_at)))
    for role in Role:
        holders = [r for r in incident.roles if r.role == role.value]
        if holders:
            facts.append((ROLE_NAMES[role], "; ".join(_tenure(r, zone, name) for r in holders)))
    return [f"- **{label}:** {value}" for label, value in facts]


def _tenure(assignment: RoleAssignment, zone: ZoneInfo, name: Callable[[str], str]) -> str:
    since = local_time(assignment.assigned_at, zone)
    if assignment.ended_at is None:
        return f"{name(assignment.user_id)} (since {since})"
    return f"{name(assignment.user_id)} ({since} – {local_time(assignment.ended_at, zone)})"


def incident_json(incident: Incident, entries: Sequence[TimelineEntry]) -> dict[str, Any]:
    """Every field of the incident, its roles and its entries: ISO times, raw data, no secrets."""
    ordered = sorted(entries, key=lambda entry: (entry.occurred_at, entry.id or 0))
    return {
        "incident": _row(incident),
        "roles": [_row(role) for role in incident.roles],
        "services": [_row(service) for service in incident.services],
        "tags": list(incident.tag_names),
        "timeline": [_row(entry) for entry in ordered],
    }


def _row(row: Incident | RoleAssignment | ImpactedService | TimelineEntry) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for attribute in row.__mapper__.column_attrs:
        value = getattr(row, attribute.key)
        values[attribute.key] = _plain(value)
    return values


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {
            key: REDACTED if key in SECRET_KEYS and item else _plain(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value
