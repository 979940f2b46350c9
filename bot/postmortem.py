"""The postmortem: its sections, its due date, and the document drafted from the database."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.export import markdown_text, markdown_voice
from bot.rendering.timeline import describe
from bot.roles import Role
from bot.severity import Severity
from bot.times import duration, local_time
from models import ActionItem, Incident, Postmortem, TimelineEntry


class PostmortemStatus(StrEnum):
    """Where the postmortem stands."""

    DRAFT = "draft"
    IN_REVIEW = "in review"
    PUBLISHED = "published"


@dataclass(frozen=True)
class Section:
    """A narrative section people write; `prompt` is shown while it is empty."""

    key: str
    title: str
    prompt: str


SECTIONS: tuple[Section, ...] = (
    Section("summary", "SUMMARY", "What happened, in two or three sentences?"),
    Section(
        "impact",
        "IMPACT",
        "Users affected: ?\nFailed requests: ?\nSupport tickets: ?\nEstimated revenue impact: ?",
    ),
    Section("root_cause", "ROOT CAUSE", "What in the system let this happen?"),
    Section(
        "contributing_factors",
        "CONTRIBUTING FACTORS",
        "What made it more likely, harder to detect, or slower to fix?",
    ),
    Section("went_well", "WHAT WENT WELL", "What helped: alerts, runbooks, people, tools?"),
    Section("could_improve", "WHAT COULD BE IMPROVED", "What would have made this smaller?"),
    Section(
        "action_items",
        "ACTION ITEMS",
        "One per line, e.g. `Add an alert on p99 latency @bob due 2025-01-22 P1`",
    ),
)


def due_on(resolved: datetime, business_days: int, zone: ZoneInfo) -> date:
    """The day a postmortem is due: `business_days` Monday-to-Friday days after resolution."""
    day = resolved.astimezone(zone).date()
    left = business_days
    while left:
        day += timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day


def business_days_between(start: date, end: date) -> int:
    """Monday-to-Friday days after `start` up to and including `end` (negative if before)."""
    if end < start:
        return -business_days_between(end, start)
    return sum(1 for n in range(1, (end - start).days + 1) if (start + timedelta(n)).weekday() < 5)


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
    lines = [
        f"# Postmortem: incident #{incident.id} {incident.title}",
        "",
        f"**INCIDENT:** #{incident.id} {incident.title}",
        f"**DATE:** {local_time(incident.started_at, zone)}",
        f"**DURATION:** {duration(incident.started_at, end)} "
        f"(impact began {local_time(incident.started_at, zone)}, "
        f"resolved {local_time(end, zone)})",
        f"**SEVERITY:** {severity.label}",
        f"**AUTHOR:** {names.get(postmortem.owner, postmortem.owner)}",
        f"**STATUS:** {postmortem.status} · due {postmortem.due_on.isoformat()}",
    ]
    if commander:
        lines.append(f"**INCIDENT COMMANDER:** {names.get(commander, commander)}")
    for section in SECTIONS:
        lines += ["", f"## {section.title}", ""]
        text = postmortem.sections.get(section.key, "").strip()
        if section.key == "action_items" and items:
            lines += [_item(item, prefix, names) for item in items]
            continue
        lines += (
            [markdown_text(text, names)] if text else [f"_{p}_" for p in section.prompt.split("\n")]
        )
        if section.key == "impact":
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
