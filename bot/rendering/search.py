"""What a search of the archive found: Block Kit for Slack, JSON for the command line."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.drills import BANNER
from bot.domain.mrkdwn import escape_mrkdwn
from bot.domain.search import MARK_END, MARK_START
from bot.domain.severity import Severity
from bot.domain.status import Status
from bot.rendering.text import text_sections
from models.search import Hit

MAX_SNIPPET = 400


def snippet_mrkdwn(snippet: str) -> str:
    """The snippet escaped, its matched words in bold (the marks are put back after escaping,
    so no text of the incident can close or open one)."""
    text = " ".join(snippet.split())[:MAX_SNIPPET]
    escaped = escape_mrkdwn(text.replace("*", "∗"))
    return escaped.replace(MARK_START, "*").replace(MARK_END, "*")


def hit_line(hit: Hit, zone: ZoneInfo) -> str:
    """`*#12* payments down · SEV1 · Closed · 2025-01-15 · #channel` and the snippet."""
    incident = hit.incident
    day = incident.declared_at.astimezone(zone).date().isoformat()
    head = [
        f"*#{incident.id}* {escape_mrkdwn(incident.title)}",
        Severity(incident.severity).label,
        Status(incident.status).label,
        day,
    ]
    if incident.is_drill:
        head.insert(1, BANNER)
    if incident.is_private:
        head.append("🔒 private")
    if incident.channel_id:
        head.append(f"<#{incident.channel_id}>")
    line = " · ".join(head)
    snippet = snippet_mrkdwn(hit.snippet)
    return f"{line}\n> {snippet}" if snippet else line


def search_blocks(
    query: str, total: int, page: int, pages: int, hits: list[Hit], zone: ZoneInfo
) -> list[dict[str, Any]]:
    """The private answer to `/incident search`: one page of hits, best first."""
    shown = escape_mrkdwn(query)
    if not hits:
        text = (
            f"No incident matches “{shown}”."
            if total == 0
            else f"No page {page}: “{shown}” has {pages} page{'s' if pages > 1 else ''}."
        )
        return text_sections("search_head", text)
    head = f"*{total} incident{'s' if total != 1 else ''} match “{shown}”*"
    if pages > 1:
        head += f" · page {page} of {pages} (add `page:{min(page + 1, pages)}` for more)"
    lines = [head, *(hit_line(hit, zone) for hit in hits)]
    return text_sections("search_hits", "\n\n".join(lines))


def search_json(query: str, total: int, hits: list[Hit], zone: ZoneInfo) -> dict[str, Any]:
    """`python -m bot search --format json`: a stable contract (see the README)."""
    return {
        "query": query,
        "total": total,
        "hits": [
            {
                "incident": hit.incident.id,
                "title": hit.incident.title,
                "severity": hit.incident.severity,
                "status": hit.incident.status,
                "declared_at": hit.incident.declared_at.astimezone(zone).isoformat(),
                "channel_id": hit.incident.channel_id,
                "is_drill": hit.incident.is_drill,
                "snippet": " ".join(hit.snippet.split())
                .replace(MARK_START, "")
                .replace(MARK_END, ""),
                "score": round(hit.score, 6),
            }
            for hit in hits
        ],
    }
