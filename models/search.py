"""The search archive: one document per incident, indexed by the database's own engine.

The document (its title, and a body of everything written about the incident) lives in
`search_documents`; triggers made by the migration keep the engine's index in step with it:
on SQLite an FTS5 external-content table `search_fts` (porter stemming), on PostgreSQL the
`document` tsvector column (title weighted A, body B) under a GIN index. Writing anything about
an incident marks its document dirty (`touch`, from the timeline, which every change writes
to); `bot.services.search` rebuilds dirty documents before it searches and in a job.

Functions never commit: the caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    ForeignKey,
    Index,
    Integer,
    Text,
    column,
    func,
    literal_column,
    or_,
    select,
    table,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime
from models.impacted import ImpactedService
from models.incidents import Incident
from models.tags import IncidentTag

# The FTS5 table and its shadow tables are made by the migration, not by the metadata.
FTS_TABLE = "search_fts"
# The FTS5 table as queries name it (its columns; `rowid` is the incident's number).
_FTS = table(FTS_TABLE, column("rowid", Integer), column("title"), column("body"))


class SearchDocument(Base):
    """What the search finds an incident by: its title, and everything written about it."""

    __tablename__ = "search_documents"
    __table_args__ = (
        Index("ix_search_documents_document", "document", postgresql_using="gin"),
        Index("ix_search_documents_dirty", "dirty"),
    )

    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True
    )
    title: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    # Something was written about the incident since the document was built.
    dirty: Mapped[bool] = mapped_column(Boolean, default=True)
    indexed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # PostgreSQL's index of title and body, set by a trigger; unused on SQLite.
    document: Mapped[str | None] = mapped_column(Text().with_variant(TSVECTOR(), "postgresql"))


def made_by_migrations(name: str | None, type_: str, parent_names: Any) -> bool:
    """Alembic's `include_name`: leave out what only the migrations make (the FTS5 tables)."""
    return not (type_ == "table" and (name or "").startswith(FTS_TABLE))


async def add(*, session: AsyncSession, incident_id: int, title: str) -> None:
    """The document of a new incident, to be built."""
    session.add(SearchDocument(incident_id=incident_id, title=title, body="", dirty=True))


async def touch(*, session: AsyncSession, incident_id: int) -> None:
    """Something was written about the incident: its document is to be built again."""
    # Only a clean document is written to, so a burst of writes marks it once.
    await session.execute(
        update(SearchDocument)
        .where(SearchDocument.incident_id == incident_id, SearchDocument.dirty.is_(False))
        .values(dirty=True)
    )


async def dirty_ones(*, session: AsyncSession, limit: int) -> list[int]:
    """Incidents whose document is to be built, oldest first."""
    result = await session.execute(
        select(SearchDocument.incident_id)
        .where(SearchDocument.dirty.is_(True))
        .order_by(SearchDocument.incident_id)
        .limit(limit)
    )
    return list(result.scalars())


async def claim(*, session: AsyncSession, incident_id: int) -> SearchDocument | None:
    """Lock a dirty document to build it; None when it is clean, or another process is
    building it (PostgreSQL's SKIP LOCKED; SQLite has one writer at a time)."""
    result = await session.execute(
        select(SearchDocument)
        .where(SearchDocument.incident_id == incident_id, SearchDocument.dirty.is_(True))
        .with_for_update(skip_locked=True)
    )
    return result.scalar_one_or_none()


def store(document: SearchDocument, *, title: str, body: str, at: datetime) -> None:
    """The built document (the triggers index it when the change is committed)."""
    document.title, document.body = title, body
    document.dirty, document.indexed_at = False, at


@dataclass(frozen=True)
class Filters:
    """What the hits are narrowed to; None (or empty) narrows nothing."""

    severity: str | None = None
    service: str | None = None
    tag: str | None = None
    since: datetime | None = None
    statuses: tuple[str, ...] = ()


@dataclass(frozen=True)
class Hit:
    """An incident found: its row, how well it matched (higher is better), and its document's
    text (or, once cut by the service, the snippet of it)."""

    incident: Incident
    score: float
    snippet: str


async def private_matches(
    *, session: AsyncSession, terms: Sequence[str], filters: Filters
) -> list[tuple[int, str | None]]:
    """The private incidents that match: (number, channel ID), for a membership check."""
    match, matched = _matching(session, terms)
    query = select(Incident.id, Incident.channel_id).select_from(match)
    query = _narrowed(query.join(Incident, Incident.id == matched), filters)
    result = await session.execute(query.where(Incident.is_private.is_(True)))
    return [(number, channel) for number, channel in result.tuples()]


async def ranked(
    *,
    session: AsyncSession,
    terms: Sequence[str],
    filters: Filters,
    allowed: Sequence[int],
    limit: int,
    offset: int = 0,
) -> tuple[int, list[Hit]]:
    """How many incidents match (of those the searcher may see), and one page of them, best
    first, each with a snippet of where the words are."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    # bm25 is lower for a better match (a word in the title weighs ten in the body); ts_rank
    # is higher, so it is negated: either way the best come first in ascending order.
    score: ColumnElement[float] = (
        literal_column(f"bm25({FTS_TABLE}, 10.0, 1.0)")
        if sqlite
        else -func.ts_rank(SearchDocument.document, _tsquery(terms))
    )
    query = select(Incident.id, score.label("score"))
    if sqlite:
        query = query.select_from(_FTS).join(Incident, Incident.id == _FTS.c.rowid)
        query = query.where(_fts_match(terms))
    else:
        # The planner prices reading a row's tsvector as nothing, but each is a TOASTed value
        # read in full, so a scan of every document costs ten times the GIN index: told so
        # for this transaction only.
        await session.execute(text("SET LOCAL enable_seqscan = off"))
        # Matched by the index alone; the tsvectors are read to rank only what the filters keep.
        found = (
            select(SearchDocument.incident_id.label("incident_id"))
            .where(SearchDocument.document.op("@@")(_tsquery(terms)))
            .cte("matched")
            .prefix_with("MATERIALIZED")
        )
        query = (
            select(Incident.id, score.label("score"))
            .select_from(found)
            .join(Incident, Incident.id == found.c.incident_id)
            .join(SearchDocument, SearchDocument.incident_id == found.c.incident_id)
        )
    # The total is counted over the matches as they are ranked (SQLite's bm25 cannot be in the
    # window query itself, so the ranking is a subquery on both).
    matches = _narrowed(query, filters).where(_visible(allowed)).subquery()
    counted = select(matches.c.id, matches.c.score, func.count().over().label("total"))
    counted = counted.order_by(matches.c.score, matches.c.id.desc())
    page = (await session.execute(counted.limit(limit).offset(offset))).all()
    if not page:
        return (await _count(session, terms, filters, allowed) if offset else 0), []
    numbers = [row.id for row in page]
    texts = await _texts(session, numbers)
    rows = await session.execute(select(Incident).where(Incident.id.in_(numbers)))
    incidents = {incident.id: incident for incident in rows.scalars()}
    hits = [Hit(incidents[row.id], -float(row.score), texts.get(row.id, "")) for row in page]
    return int(page[0].total), hits


async def _count(
    session: AsyncSession, terms: Sequence[str], filters: Filters, allowed: Sequence[int]
) -> int:
    """How many match (asked for a page past the last, which has no row to count on)."""
    match, matched = _matching(session, terms)
    query = select(func.count()).select_from(match).join(Incident, Incident.id == matched)
    query = _narrowed(query, filters).where(_visible(allowed))
    return int((await session.execute(query)).scalar_one())


async def _texts(session: AsyncSession, numbers: Sequence[int]) -> dict[int, str]:
    """The documents of a page's incidents, for their snippets."""
    result = await session.execute(
        select(SearchDocument.incident_id, SearchDocument.body).where(
            SearchDocument.incident_id.in_(list(numbers))
        )
    )
    return {number: body for number, body in result.tuples()}


def _matching(session: AsyncSession, terms: Sequence[str]) -> tuple[Any, ColumnElement[int]]:
    """The rows matching every term, and the column naming their incident."""
    if session.get_bind().dialect.name == "sqlite":
        fts = _fts_query(terms)
        return fts, fts.c.rowid
    found = (
        select(SearchDocument.incident_id)
        .where(SearchDocument.document.op("@@")(_tsquery(terms)))
        .subquery()
    )
    return found, found.c.incident_id


def _fts_query(terms: Sequence[str]) -> Any:
    """SQLite: the FTS5 rows matching every term."""
    return select(_FTS.c.rowid).where(_fts_match(terms)).subquery()


def _fts_match(terms: Sequence[str]) -> ColumnElement[bool]:
    """`search_fts MATCH '"w1" "w2"'`: every term, each quoted so that none is an operator."""
    expression = " ".join('"' + term.replace('"', '""') + '"' for term in terms)
    return text(f"{FTS_TABLE} MATCH :match").bindparams(match=expression)  # type: ignore[return-value]


def _tsquery(terms: Sequence[str]) -> ColumnElement[Any]:
    """PostgreSQL: every term, stemmed as the index was ("english")."""
    return func.websearch_to_tsquery(literal_column("'english'"), " ".join(terms))


def _narrowed(query: Any, filters: Filters) -> Any:
    if filters.severity:
        query = query.where(Incident.severity == filters.severity)
    if filters.statuses:
        query = query.where(Incident.status.in_(filters.statuses))
    if filters.since:
        query = query.where(Incident.declared_at >= filters.since)
    if filters.service:
        query = query.where(
            select(ImpactedService.id)
            .where(
                ImpactedService.incident_id == Incident.id,
                ImpactedService.service == filters.service,
            )
            .exists()
        )
    if filters.tag:
        query = query.where(
            select(IncidentTag.id)
            .where(IncidentTag.incident_id == Incident.id, IncidentTag.tag == filters.tag)
            .exists()
        )
    return query


def _visible(allowed: Sequence[int]) -> ColumnElement[bool]:
    return or_(Incident.is_private.is_(False), Incident.id.in_(list(allowed)))
