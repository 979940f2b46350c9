"""The postmortem document, drafted as Markdown from what the database holds."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from zoneinfo import ZoneInfo

from bot.domain.postmortems import sections_for
from bot.domain.roles import Role
from bot.domain.severity import Severity
from bot.domain.times import duration, local_time
from bot.rendering.markdown import markdown_text, markdown_voice
from bot.rendering.timeline import describe
from models import ActionItem, Incident, Postmortem, TimelineEntry


def document(
    incident: Incident,
    postmortem: Postmortem,
    entries: Sequence[TimelineEntry],
    zone: ZoneInfo,
    names: Mapping[str, str],
    items: Sequence[ActionItem] = (),
    prefix: str = "INC",
) -> str:
    """The postmortem as Markdown, drafted from what the database holds."""
    severity = Severity(incident.severity)
    end = incident.resolved_at or incident.declared_at
    commander = incident.current_roles.get(Role.COMMANDER.value)
    heading = "Game-day review: drill" if incident.is_drill else "Postmortem: incident"
    lines = [
        f"# {heading} #{incident.id} {incident.title}",
        "",
        f"**{'DRILL' if incident.is_drill else 'INCIDENT'}:** #{incident.id} {incident.title}",
        f"**DATE:** {local_time(incident.started_at, zone)}",
        f"**DURATION:** {duration(incident.started_at, end)} "
        f"(impact began {local_time(incident.started_at, zone)}, "
        f"resolved {local_time(end, zone)})",
        f"**SEVERITY:** {severity.label}",
        f"**SERVICES:** {', '.join(incident.service_slugs) or 'none marked'}",
        f"**AUTHOR:** {names.get(postmortem.owner, postmortem.owner)}",
        f"**STATUS:** {postmortem.status} · due {postmortem.due_on.isoformat()}",
    ]
    if commander:
        lines.append(f"**INCIDENT COMMANDER:** {names.get(commander, commander)}")
    if incident.scenario:
        lines.append(f"**SCENARIO:** {incident.scenario}")
    for section in sections_for(is_drill=incident.is_drill):
        lines += ["", f"## {section.title}", ""]
        text = postmortem.sections.get(section.key, "").strip()
        if section.key == "action_items" and items:
            lines += [_item(item, prefix, names) for item in items]
            continue
        lines += (
            [markdown_text(text, names)] if text else [f"_{p}_" for p in section.prompt.split("\n")]
        )
        if section.key == ("summary" if incident.is_drill else "impact"):
            lines += ["", "## TIMELINE", "", *_timeline(entries, zone, names)]
    return "\n".join(lines) + "\n"


def _item(item: ActionItem, prefix: str, names: Mapping[str, str]) -> str:
    """`- INC-12 Add an alert — owner Bob Roe, due 2025-01-22, P1, not started`."""
    owner = names.get(item.owner, item.owner) if item.owner else "no owner"
    due = f"due {item.due_on.isoformat()}" if item.due_on else "no due date"
    return f"- **{prefix}-{item.id}** {item.title} — {owner}, {due}, {item.priority}, {item.status}"


def _timeline(
    entries: Sequence[TimelineEntry], zone: ZoneInfo, names: Mapping[str, str]
) -> list[str]:
    """`HH:MM – text`, with the date whenever it changes (incidents cross midnight)."""
    lines: list[str] = []
    day: date | None = None
    for entry in sorted(entries, key=lambda e: (e.occurred_at, e.id or 0)):
        local = entry.occurred_at.astimezone(zone)
        if local.date() != day:
            day = local.date()
            lines.append(f"**{day.isoformat()}**")
        what = describe(entry, zone, markdown_voice(names)).replace("\n", "\n  ")
        lines.append(f"- {local:%H:%M} – {what}")
    return lines or ["_Nothing was recorded on the timeline._"]
