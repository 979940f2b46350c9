"""`/incident patterns [90d]`: what comes back across the window's incidents."""

from __future__ import annotations

from bot.domain.figures import window_named
from bot.domain.patterns import Patterns, Seen, find_patterns
from bot.rendering.patterns import patterns_text
from bot.services.deps import Deps
from models import incidents as incident_rows
from models import postmortems as postmortem_rows

DEFAULT = "90d"
MAX_READ = 5000
FACTOR_SECTIONS = ("contributing_factors", "root_cause")


async def patterns_of(deps: Deps, window_text: str) -> Patterns:
    """The patterns of the incidents declared in the window (drills left out)."""
    window = window_named(window_text or DEFAULT, now=deps.clock.now(), zone=deps.zone)
    async with deps.sessions() as session:
        found = await incident_rows.declared_in(
            session=session, since=window.since, until=window.until, limit=MAX_READ
        )
        postmortems = await postmortem_rows.for_incidents(
            session=session, incident_ids=[i.id for i in found]
        )
    seen = []
    for incident in found:
        postmortem = postmortems.get(incident.id)
        sections = postmortem.sections if postmortem else {}
        seen.append(
            Seen(
                number=incident.id,
                is_private=incident.is_private,
                services=incident.service_slugs,
                tags=incident.tag_names,
                factors=" ".join(sections.get(key, "") for key in FACTOR_SECTIONS),
                recurrence_of=incident.recurrence_of,
            )
        )
    return find_patterns(seen)


async def show_patterns(deps: Deps, window_text: str) -> str:
    """What `/incident patterns` answers."""
    window = window_named(window_text or DEFAULT, now=deps.clock.now(), zone=deps.zone)
    return patterns_text(await patterns_of(deps, window_text), window.label, deps.policy.catalog)
