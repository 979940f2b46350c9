"""The monthly incident review's agenda (Markdown, for a canvas or a file) and the message that
links it. Private incidents are counted, never named: the whole review channel reads it."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.catalog import Catalog
from bot.domain.patterns import Patterns
from bot.domain.severity import Severity
from bot.rendering.patterns import behind
from bot.rendering.review import TITLE_CHARS
from models import Incident


@dataclass(frozen=True)
class MonthlyReview:
    """What the agenda says, computed from the database; no Slack in it."""

    month: str  # "January 2025"
    published: list[tuple[Incident, str, str | None]]  # incident, key learning, link
    incidents: list[Incident]
    trend: list[tuple[str, float | None]]  # month, median minutes to resolve
    open_items: dict[str, list[str]]  # owner (a user ID, or "") -> `INC-12 title` lines
    patterns: Patterns


def agenda(review: MonthlyReview, catalog: Catalog, names: dict[str, str]) -> str:
    """The agenda of the cross-team review meeting, as Markdown."""
    lines = [f"# Incident review: {review.month}", "", "## Postmortems published", ""]
    public = [(i, learning, link) for i, learning, link in review.published if not i.is_private]
    private = len(review.published) - len(public)
    for incident, learning, link in public:
        title = f"[#{incident.id} {_plain(incident.title)}]({link})" if link else f"#{incident.id}"
        lines.append(f"- {title} — {_plain(learning) or 'no summary written'}")
    if private:
        lines.append(f"- and {private} private")
    if not review.published:
        lines.append("_None was published._")
    recurring = review.patterns.recurrences
    lines += ["", "## Recurring incidents", ""]
    lines += [
        f"- #{s.number} recurs #{s.recurrence_of}" for s in recurring if not s.is_private
    ] or ["_None linked._"]
    lines += ["", "## Incidents per severity and per service", ""]
    counts = {s: sum(1 for i in review.incidents if i.severity == s.value) for s in Severity}
    lines.append(" · ".join(f"{s.label}: {n}" for s, n in counts.items()))
    per_service: dict[str, int] = {}
    for incident in review.incidents:
        for slug in incident.service_slugs:
            per_service[slug] = per_service.get(slug, 0) + 1
    for slug, count in sorted(per_service.items(), key=lambda pair: (-pair[1], pair[0])):
        service = catalog.get(slug)
        lines.append(f"- {_plain(service.name if service else slug)}: {count}")
    lines += ["", "## Time to resolve, median by month", "", "| month | median |", "|---|---|"]
    lines += [f"| {month} | {_minutes(value)} |" for month, value in review.trend]
    lines += ["", "## Action items still open from these postmortems", ""]
    for owner, items in sorted(review.open_items.items()):
        who = names.get(owner, owner) if owner else "no owner"
        lines.append(f"- **{_plain(who)}**: " + "; ".join(_plain(i) for i in items))
    if not review.open_items:
        lines.append("_All done._")
    lines += ["", "## Patterns", ""]
    for title, patterns in (
        ("Services", review.patterns.services),
        ("Tags", review.patterns.tags),
        ("Contributing factors", review.patterns.words),
    ):
        shown = [f"{p.what} ({behind(p.incidents)})" for p in patterns]
        lines.append(f"- {title}: {', '.join(shown) if shown else 'nothing came back twice'}")
    return "\n".join(lines) + "\n"


def agenda_message(review: MonthlyReview, link: str) -> str:
    """Posted in the review channel with the agenda's link."""
    return (
        f"🗓️ *Monthly incident review — {review.month}*: {len(review.incidents)} incidents, "
        f"{len(review.published)} postmortems published. <{link}|The agenda> is ready: read "
        "each other's postmortems before the meeting."
    )


def _plain(text: str) -> str:
    """One line of Markdown that cannot ping or run: mentions and links kept as text."""
    flat = " ".join(text.split())[: TITLE_CHARS * 3]
    return flat.replace("<", "‹").replace(">", "›").replace("@", "@\u200b")


def _minutes(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value / 60:.1f} h" if value >= 120 else f"{value:.0f} min"
