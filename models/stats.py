"""The rows the figures are computed from: a fixed number of queries whatever the history,
each on an indexed time column of the window. Functions never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.action_items import ActionItem
from models.incidents import Incident


@dataclass(frozen=True)
class ItemCounts:
    """Action items created in a window: how many, how many closed each way, and the days
    from creation to done of each one done."""

    created: int
    done: int
    wont_do: int
    days_to_done: list[float]


async def resolved_between(
    *, session: AsyncSession, since: datetime, until: datetime
) -> list[tuple[str, datetime, datetime, datetime, datetime | None, datetime]]:
    """Incidents resolved in [since, until): severity, declared, started, detected, mitigated
    and resolved times."""
    result = await session.execute(
        select(
            Incident.severity,
            Incident.declared_at,
            Incident.started_at,
            Incident.detected_at,
            Incident.mitigated_at,
            Incident.resolved_at,
        ).where(Incident.resolved_at >= since, Incident.resolved_at < until)
    )
    return [(s, d, st, de, m, r) for s, d, st, de, m, r in result.tuples() if r is not None]


async def declared_between(
    *, session: AsyncSession, since: datetime, until: datetime
) -> list[tuple[str, datetime, bool]]:
    """Incidents declared in [since, until): severity, declared time, whether a recurrence."""
    result = await session.execute(
        select(Incident.severity, Incident.declared_at, Incident.recurrence_of.is_not(None)).where(
            Incident.declared_at >= since, Incident.declared_at < until
        )
    )
    return [(severity, at, bool(recurs)) for severity, at, recurs in result.tuples()]


async def items_created_between(
    *, session: AsyncSession, since: datetime, until: datetime, done: str, wont_do: str
) -> ItemCounts:
    """Action items created in [since, until), by how they closed (`done`, `wont_do`: the
    stored status values)."""
    window = (ActionItem.created_at >= since, ActionItem.created_at < until)
    counts = await session.execute(
        select(ActionItem.status, func.count()).where(*window).group_by(ActionItem.status)
    )
    by_status = dict(counts.tuples().all())
    finished = await session.execute(
        select(ActionItem.created_at, ActionItem.completed_at).where(
            *window, ActionItem.status == done, ActionItem.completed_at.is_not(None)
        )
    )
    days = [
        max((completed - created).total_seconds() / 86400, 0.0)
        for created, completed in finished.tuples()
        if completed is not None
    ]
    return ItemCounts(
        created=sum(by_status.values()),
        done=by_status.get(done, 0),
        wont_do=by_status.get(wont_do, 0),
        days_to_done=days,
    )
