"""The rows the figures are computed from: a fixed number of queries whatever the history,
each on an indexed time column of the window. Functions never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Float, cast, func, literal_column, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.action_items import ActionItem
from models.incidents import Incident


@dataclass(frozen=True)
class ItemCounts:
    """Action items created in a window: how many, how many closed each way, and the days
    from creation to done of each one done (to a tenth of a day)."""

    created: int
    done: int
    wont_do: int
    days_to_done: list[float]


def minutes_between(session: AsyncSession, start: Any, end: Any) -> ColumnElement[Any]:
    """Minutes from one time column to another, computed by the database (reading the
    times back to subtract them costs more than the query)."""
    # Constants written into the SQL, so that a GROUP BY of the expression matches its SELECT.
    if session.get_bind().dialect.name == "sqlite":
        return (func.julianday(end) - func.julianday(start)) * literal_column("1440.0")
    return cast(func.extract("epoch", end - start), Float) / literal_column("60.0")


async def resolved_between(
    *, session: AsyncSession, since: datetime, until: datetime
) -> list[tuple[str, float, float, float, bool]]:
    """Incidents resolved in [since, until): severity, minutes from impact start to detection,
    to mitigation (resolution when never mitigated) and to resolution, and whether the start or
    detection was never set (equal to the declaration)."""
    start = Incident.started_at
    result = await session.execute(
        select(
            Incident.severity,
            minutes_between(session, start, Incident.detected_at),
            minutes_between(
                session, start, func.coalesce(Incident.mitigated_at, Incident.resolved_at)
            ),
            minutes_between(session, start, Incident.resolved_at),
            or_(start == Incident.declared_at, Incident.detected_at == Incident.declared_at),
        ).where(
            Incident.resolved_at >= since,
            Incident.resolved_at < until,
            Incident.is_drill.is_(False),
        )
    )
    return [
        (severity, float(detect), float(mitigate), float(resolve), bool(defaulted))
        for severity, detect, mitigate, resolve, defaulted in result.tuples()
    ]


async def declared_between(
    *, session: AsyncSession, since: datetime, until: datetime
) -> list[tuple[str, datetime, bool, bool]]:
    """Incidents and drills declared in [since, until): severity, declared time, whether a
    recurrence, whether a drill."""
    result = await session.execute(
        select(
            Incident.severity,
            Incident.declared_at,
            Incident.recurrence_of.is_not(None),
            Incident.is_drill,
        ).where(Incident.declared_at >= since, Incident.declared_at < until)
    )
    return [
        (severity, at, bool(recurs), bool(drill)) for severity, at, recurs, drill in result.tuples()
    ]


async def items_created_between(
    *, session: AsyncSession, since: datetime, until: datetime, done: str, wont_do: str
) -> ItemCounts:
    """Action items of incidents (not drills) created in [since, until), by how they closed
    (`done`, `wont_do`: the stored status values), and the days each done one took, to a
    tenth of a day."""
    # Grouped by status and by days to done to a tenth of a day (what the figure shows), so
    # a year of items comes back as a few hundred rows; by the created_at index alone (a
    # status condition would lead the planner through every done item of the history).
    tenths = func.round(
        minutes_between(session, ActionItem.created_at, ActionItem.completed_at)
        / literal_column("144.0")
    ).label("tenths")
    result = await session.execute(
        select(ActionItem.status, tenths, func.count())
        .where(
            ActionItem.created_at >= since,
            ActionItem.created_at < until,
            ActionItem.incident_id.not_in(select(Incident.id).where(Incident.is_drill.is_(True))),
        )
        .group_by(ActionItem.status, tenths)
    )
    by_status: dict[str, int] = {}
    days: list[float] = []
    for status, value, count in result.tuples():
        by_status[status] = by_status.get(status, 0) + count
        if status == done and value is not None:
            days += [max(float(value) / 10, 0.0)] * count
    return ItemCounts(
        created=sum(by_status.values()),
        done=by_status.get(done, 0),
        wont_do=by_status.get(wont_do, 0),
        days_to_done=days,
    )
