"""Search the archive: incidents found by what was written about them, best first, private ones
only for members of their channel. Documents written about since they were built are built
again first, so a search always finds what was just written."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.search import (
    MARK_END,
    MARK_START,
    SNIPPET_WORDS,
    SearchQuery,
    read_search,
    snippet,
)
from bot.services.deps import Deps
from bot.services.membership import channel_members
from models import Incident, timeline
from models import action_items as item_rows
from models import incidents as incident_rows
from models import postmortems as postmortem_rows
from models import search as search_rows
from models.search import Filters, Hit

PER_PAGE = 10
# Built before each search; the `search-index` job builds the rest.
BUILT_BEFORE_SEARCH = 200
BUILT_PER_RUN = 1000


@dataclass(frozen=True)
class Found:
    """One page of what a search found, and how many the searcher may see in all."""

    query: SearchQuery
    total: int
    hits: list[Hit]

    @property
    def pages(self) -> int:
        """How many pages the hits fill."""
        return max(1, -(-self.total // PER_PAGE))


async def search(deps: Deps, text: str, *, user: str | None) -> Found:
    """Find incidents by the words of `text` and its filters, as `user` may see them (None:
    public incidents only); raises UserFacingError for a query that cannot be read."""
    query = read_search(text, catalog=deps.policy.catalog, zone=deps.zone)
    await build_dirty(deps, limit=BUILT_BEFORE_SEARCH)
    filters = Filters(
        severity=query.severity.value if query.severity else None,
        service=query.service,
        tag=query.tag,
        since=query.since,
        statuses=query.statuses,
    )
    private: list[tuple[int, str | None]] = []
    if user is not None:  # nobody named: no private incident is searched
        async with deps.sessions() as session:
            private = await search_rows.private_matches(
                session=session, terms=query.terms, filters=filters
            )
    allowed = await _members_of(deps, private, user)
    async with deps.sessions() as session:
        total, hits = await search_rows.ranked(
            session=session,
            terms=query.terms,
            filters=filters,
            allowed=allowed,
            limit=PER_PAGE,
            offset=(query.page - 1) * PER_PAGE,
        )
    cut = [
        replace(
            hit,
            snippet=snippet(
                hit.snippet, query.terms, words=SNIPPET_WORDS, start=MARK_START, end=MARK_END
            ),
        )
        for hit in hits
    ]
    return Found(query=query, total=total, hits=cut)


async def _members_of(
    deps: Deps, private: list[tuple[int, str | None]], user: str | None
) -> list[int]:
    """The private incidents among `private` whose channel `user` is in."""
    if user is None:
        return []
    channels = [(number, channel) for number, channel in private if channel]
    members = await asyncio.gather(*(channel_members(deps, channel) for _, channel in channels))
    return [number for (number, _), people in zip(channels, members, strict=True) if user in people]


async def build_dirty(deps: Deps, *, limit: int = BUILT_PER_RUN) -> int:
    """Build the documents written about since they were built; returns how many were."""
    async with deps.sessions() as session:
        numbers = await search_rows.dirty_ones(session=session, limit=limit)
    built = 0
    for number in numbers:
        async with deps.sessions.begin() as session:
            document = await search_rows.claim(session=session, incident_id=number)
            incident = await incident_rows.get(session=session, number=number)
            if document is None or incident is None:
                continue  # clean already, or being built by another process
            title, body = await _written_about(deps, session, incident)
            search_rows.store(document, title=title, body=body, at=deps.clock.now())
            built += 1
    return built


async def _written_about(deps: Deps, session: AsyncSession, incident: Incident) -> tuple[str, str]:
    """The incident's title, and everything written about it, as one text."""
    postmortem = await postmortem_rows.for_incident(session=session, incident_id=incident.id)
    entries = await timeline.for_incident(session=session, incident_id=incident.id)
    items = await item_rows.for_incident(session=session, incident_id=incident.id)
    catalog = deps.policy.catalog
    parts = [
        incident.description or "",
        " ".join(incident.tag_names),
        " ".join(
            service.name if (service := catalog.get(slug)) else slug
            for slug in incident.service_slugs
        ),
        *(postmortem.sections.values() if postmortem else ()),
        *(entry.text for entry in entries if entry.text),
        *(item.title for item in items),
    ]
    return incident.title, "\n".join(part for part in parts if part.strip())
