"""The incident timeline as Slack messages: one line per entry, grouped under local dates.

What each entry kind says is written once (`describe`) and spoken in a `Voice`: Slack mrkdwn
here, Markdown in `bot.rendering.markdown`. People's text keeps well-formed user mentions,
channel links and http(s)/mailto links and Slack's own entities (`&lt;`); every other `&`, `<`
and `>` is escaped, so `<!channel>`, `<!here>` and `<!subteam^…>` can never ping from a timeline.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import count
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import HeaderBlock, MarkdownTextObject, SectionBlock

from bot.domain.mrkdwn import escape_mrkdwn
from bot.domain.roles import ROLE_NAMES
from bot.domain.severity import Severity
from bot.domain.status import Status
from bot.domain.times import clock_time, local_time
from bot.rendering.text import (
    HEADER_LIMIT,
    MESSAGE_BLOCKS,
    SECTION_LIMIT,
    split_text,
    text_prefix,
    text_size,
)
from models import Incident, TimelineEntry

HEADER_ID = "timeline_header"
EMPTY_ID = "timeline_empty"
DATE_ID_PREFIX = "timeline_date_"  # + the local date, 2025-01-15
SECTION_ID_PREFIX = "timeline_"  # + a running number, 1, 2, …

KIND_EMOJI = {
    "declared": "🚨",
    "status_changed": "🔄",
    "resolved": "✅",
    "reopened": "↩️",
    "severity_changed": "📶",
    "started_set": "⏱️",
    "detected_set": "🔎",
    "role_assigned": "👤",
    "role_handover": "🔁",
    "update_posted": "📣",
    "page_sent": "📟",
    "note": "🗒️",
    "message": "📌",
    "postmortem_started": "📝",
    "postmortem_owner": "📝",
    "postmortem_edited": "📝",
    "postmortem_in_review": "📝",
    "postmortem_published": "📝",
    "postmortem_meeting": "📅",
    "service_added": "🧭",
    "service_removed": "🧭",
    "runbook_posted": "📋",
    "runbook_step": "☑️",
}
_UNKNOWN_EMOJI = "▪️"
_POSTMORTEM_STEPS = {
    "postmortem_started": "Postmortem started",
    "postmortem_owner": "Postmortem handed over",
    "postmortem_edited": "Postmortem edited",
    "postmortem_in_review": "Postmortem ready for review",
    "postmortem_published": "Postmortem published",
    "postmortem_meeting": "Postmortem review meeting set",
}
_KEEP = re.compile(
    r"<@[UW][A-Z0-9]+(?:\|[^<>|]*)?>"
    r"|<#[CG][A-Z0-9]+(?:\|[^<>|]*)?>"
    r"|<(?:https?://|mailto:)[^\s<>|]+(?:\|[^<>|]*)?>"
    r"|&(?:amp|lt|gt);"
)
_SEVERITIES = {severity.value: severity.label for severity in Severity}
_STATUSES = {status.value: status.label for status in Status}
_ROLES = {role.value: name for role, name in ROLE_NAMES.items()}
_USER_ID = re.compile(r"^[UW][A-Z0-9]+$")
_SAFE_URL = re.compile(r"^https?://[^\s<>|]+$")


@dataclass(frozen=True)
class Voice:
    """How one medium writes a person, people's text, a code span and a link."""

    person: Callable[[str], str]
    text: Callable[[str], str]
    code: Callable[[str], str]
    link: Callable[[str, str], str]


def safe_mrkdwn(text: str) -> str:
    """Keep mentions, channel and web links and entities Slack sent; escape every other &<>."""
    out: list[str] = []
    start = 0
    for match in _KEEP.finditer(text):
        out.append(escape_mrkdwn(text[start : match.start()]))
        out.append(match.group())
        start = match.end()
    out.append(escape_mrkdwn(text[start:]))
    return "".join(out)


def _mention(user: str) -> str:
    return f"<@{user}>" if _USER_ID.match(user) else escape_mrkdwn(user)


def _slack_code(text: str) -> str:
    quoted = escape_mrkdwn(text.replace("`", "'"))
    return f"`{quoted}`"


def _slack_link(url: str, label: str) -> str:
    return f"<{url}|{label}>" if _SAFE_URL.match(url) else ""


SLACK = Voice(person=_mention, text=safe_mrkdwn, code=_slack_code, link=_slack_link)


def describe(entry: TimelineEntry, zone: ZoneInfo, voice: Voice) -> str:
    """Say what an entry records (without its time or author); any kind, any data."""
    data: Mapping[str, Any] = entry.data if isinstance(entry.data, dict) else {}
    kind = entry.kind
    note = entry.text or ""
    if kind == "declared":
        title = _word(data, "title")
        what = f"Declared {_label(data.get('severity'), _SEVERITIES, voice)} incident"
        what += f": {voice.text(title)}" if title else ""
    elif kind in ("status_changed", "resolved", "reopened"):
        prefix = "Reopened" if kind == "reopened" else "Status"
        old, new = (_label(data.get(key), _STATUSES, voice) for key in ("from", "to"))
        what = f"{prefix}: {old} → {new}"
    elif kind == "severity_changed":
        what = _severity_change(data.get("from"), data.get("to"), voice)
    elif kind in ("started_set", "detected_set"):
        label = "Impact start" if kind == "started_set" else "Detection time"
        what = f"{label} set to {_moment(data.get('at'), zone, voice)}"
    elif kind in ("role_assigned", "role_handover"):
        user, previous = _word(data, "user"), _word(data, "previous")
        role = _label(data.get("role"), _ROLES, voice)
        what = f"{voice.person(user) if user else 'Nobody'} is now {role}"
        what += f" (was {voice.person(previous)})" if previous else ""
    elif kind == "update_posted":
        what, note = f"Update: {voice.text(note)}", ""
    elif kind == "note":
        what, note = f"Note: {voice.text(note)}", ""
    elif kind == "page_sent":
        what = _page(data, voice)
    elif kind == "message":
        what, note = _message(entry, voice), ""
    elif kind in ("service_added", "service_removed"):
        name = voice.text(_word(data, "name") or _word(data, "service") or "?")
        what = f"Service {'impacted' if kind == 'service_added' else 'no longer impacted'}: {name}"
    elif kind == "runbook_posted":
        what = f"Runbook posted: {voice.text(_word(data, 'runbook') or '?')}"
        what += f" ({_word(data, 'steps')} steps)" if data.get("steps") else ""
    elif kind == "runbook_step":
        state = "skipped" if data.get("state") == "skipped" else "done"
        what = (
            f"Runbook {voice.text(_word(data, 'runbook') or '?')}, step {_word(data, 'step')} "
            f"{state}: {voice.text(_word(data, 'text'))}"
        )
    elif kind in _POSTMORTEM_STEPS:
        what = _POSTMORTEM_STEPS[kind]
        user = _word(data, "user")
        what += f": {voice.person(user)}" if kind == "postmortem_owner" and user else ""
        at = data.get("at")
        what += f" for {_moment(at, zone, voice)}" if kind == "postmortem_meeting" and at else ""
    else:
        what = voice.code(kind)
    return f"{what} — {voice.text(note)}" if note else what


def _word(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    return "" if value is None else str(value)


def _label(value: object, labels: Mapping[str, str], voice: Voice) -> str:
    if value is None or value == "":
        return "?"
    return labels.get(str(value)) or voice.text(str(value))


def _severity_change(old: object, new: object, voice: Voice) -> str:
    verb = "changed"
    if str(old) in _SEVERITIES and str(new) in _SEVERITIES:
        verb = "raised" if Severity(str(new)).rank < Severity(str(old)).rank else "lowered"
    return f"Severity {verb} {_label(old, _SEVERITIES, voice)} → {_label(new, _SEVERITIES, voice)}"


def _moment(value: object, zone: ZoneInfo, voice: Voice) -> str:
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return voice.text(str(value))
    return local_time(moment, zone) if moment.tzinfo else voice.text(str(value))


def _page(data: Mapping[str, Any], voice: Voice) -> str:
    # Never show the routing key: it is the PagerDuty integration's secret.
    target = _word(data, "target")
    service = _word(data, "service")
    why = f" for service {voice.code(service)}" if service else ""
    if target == "usergroup":
        return f"Paged user group {voice.code(_word(data, 'usergroup') or '?')}{why}"
    if target == "pagerduty":
        return f"Alerted PagerDuty{why}"
    return f"Paged {voice.code(target or '?')}"


def _message(entry: TimelineEntry, voice: Voice) -> str:
    parts = [voice.text(entry.text)] if entry.text else []
    if entry.edited:
        parts.append("(edited)")
    if entry.files:
        parts.append("📎 " + ", ".join(voice.text(str(name)) for name in entry.files))
    if entry.permalink and (link := voice.link(entry.permalink, "view message")):
        parts.append(link)
    return " ".join(parts) or "(no text)"


def timeline_messages(
    incident: Incident, entries: Sequence[TimelineEntry], zone: ZoneInfo
) -> list[list[dict[str, Any]]]:
    """The whole timeline as messages of at most 50 blocks, the first under a header."""
    header = HeaderBlock(block_id=HEADER_ID, text=_header(incident)).to_dict()
    ordered = sorted(entries, key=lambda entry: (entry.occurred_at, entry.id or 0))
    if not ordered:
        empty = "Nothing on the timeline yet. Mark a message with 📌 to add it."
        return [[header, _section(EMPTY_ID, empty)]]
    messages: list[list[dict[str, Any]]] = [[header]]
    for day, block in _blocks(ordered, zone):
        is_date = block["block_id"].startswith(DATE_ID_PREFIX)
        # A date line never ends a message: it goes with the entries it heads.
        if len(messages[-1]) >= MESSAGE_BLOCKS - (1 if is_date else 0):
            messages.append([] if is_date else [_date_block(day, continued=True)])
        messages[-1].append(block)
    return messages


def timeline_text(page: int, pages: int, incident: Incident) -> str:
    """Notification fallback for page `page` (from 1) of `pages` timeline messages."""
    text = f"Timeline of incident #{incident.id}: {escape_mrkdwn(incident.title)}"
    return f"{text} ({page}/{pages})" if pages > 1 else text


def _header(incident: Incident) -> str:
    head = f"Timeline of incident #{incident.id}: "
    title = incident.title or ""
    if text_size(head + title) > HEADER_LIMIT:
        title = text_prefix(title, HEADER_LIMIT - text_size(head) - 1).rstrip() + "…"
    return head + title


def _blocks(
    ordered: Sequence[TimelineEntry], zone: ZoneInfo
) -> Iterator[tuple[date, dict[str, Any]]]:
    numbers = count(1)
    day: date | None = None
    lines: list[str] = []
    used = 0  # size of "\n".join(lines)
    for entry in ordered:
        local_day = entry.occurred_at.astimezone(zone).date()
        if local_day != day:
            if lines and day is not None:
                yield day, _section(f"{SECTION_ID_PREFIX}{next(numbers)}", "\n".join(lines))
            lines, day = [], local_day
            yield day, _date_block(day)
        for piece in split_text(_line(entry, zone), SECTION_LIMIT):
            if lines and used + 1 + text_size(piece) > SECTION_LIMIT:
                yield day, _section(f"{SECTION_ID_PREFIX}{next(numbers)}", "\n".join(lines))
                lines = []
            used = (used + 1 if lines else 0) + text_size(piece)
            lines.append(piece)
    if lines and day is not None:
        yield day, _section(f"{SECTION_ID_PREFIX}{next(numbers)}", "\n".join(lines))


def _line(entry: TimelineEntry, zone: ZoneInfo) -> str:
    emoji = KIND_EMOJI.get(entry.kind, _UNKNOWN_EMOJI)
    author = f"{_mention(entry.actor)} · " if entry.actor else ""
    return f"`{clock_time(entry.occurred_at, zone)}` {emoji} {author}{describe(entry, zone, SLACK)}"


def _date_block(day: date, *, continued: bool = False) -> dict[str, Any]:
    text = f"*{day:%A} {day.day} {day:%B %Y}*" + (" (continued)" if continued else "")
    return _section(f"{DATE_ID_PREFIX}{day.isoformat()}", text)


def _section(block_id: str, text: str) -> dict[str, Any]:
    block = SectionBlock(block_id=block_id, text=MarkdownTextObject(text=text))
    result: dict[str, Any] = block.to_dict()
    return result
