"""Read queries behind the weekly action-item review and the overdue nudges.

Counting and ordering happen in SQL, and every query is bounded by what it shows: open items
(the (status, due_on) index), items closed in a window (the completed_at index), never the
whole history of closed items. Functions never commit: the caller owns the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from statistics import median
from typing import cast

from sqlalchemy import ColumnElement, Result, Select, and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.action_items import ITEM_CLOSED, ITEM_OPEN, PRIORITIES, ItemStatus
from bot.domain.postmortems import PostmortemStatus
from models.action_items import ActionItem
from models.incidents import Incident, RoleAssignment
from models.postmortems import Postmortem

# The columns of an ItemRow, in its order.
_Row = tuple[int, str, str | None, str, date | None, datetime | None, int, str, bool, str | None]


@dataclass(frozen=True)
class ItemRow:
    """An action item with what a review line shows of its incident."""

    number: int
    title: str
    owner: str | None
    priority: str
    due_on: date | None
    completed_at: datetime | None
    incident_id: int
    incident_title: str
    is_private: bool
    commander: str | None


@dataclass(frozen=True)
class PriorityCount:
    """Open and overdue items of one priority."""

    open: int = 0
    overdue: int = 0


@dataclass(frozen=True)
class Completion:
    """How the items created in a trailing window fared."""

    created: int
    done: int
    median_to_complete: timedelta | None

    @property
    def rate(self) -> float | None:
        """The share done, or None when nothing was created."""
        return self.done / self.created if self.created else None


async def counts_by_priority(*, session: AsyncSession, today: date) -> dict[str, PriorityCount]:
    """Open and overdue (due before `today`) items per priority; every priority present."""
    overdue = func.sum(case((ActionItem.due_on < today, 1), else_=0))
    result = await session.execute(
        select(ActionItem.priority, func.count(), overdue)
        .where(ActionItem.status.in_(ITEM_OPEN))
        .group_by(ActionItem.priority)
    )
    counts = {priority: PriorityCount() for priority in PRIORITIES}
    for priority, opened, late in result.tuples():
        counts[priority] = PriorityCount(open=int(opened), overdue=int(late or 0))
    return counts


async def overdue(
    *, session: AsyncSession, today: date, commander_role: str, limit: int | None = None
) -> list[ItemRow]:
    """Open items due before `today`, most overdue first, with their incident and its IC."""
    query = (
        _rows(commander_role)
        .where(ActionItem.status.in_(ITEM_OPEN), ActionItem.due_on < today)
        .order_by(ActionItem.due_on, ActionItem.id)
        .limit(limit)
    )
    return _items(await session.execute(query))


async def completed_between(
    *, session: AsyncSession, after: datetime, until: datetime, commander_role: str
) -> list[ItemRow]:
    """Items done in (after, until], in the order they were finished."""
    query = (
        _rows(commander_role)
        .where(
            ActionItem.status == ItemStatus.DONE,
            ActionItem.completed_at > after,
            ActionItem.completed_at <= until,
        )
        .order_by(ActionItem.completed_at, ActionItem.id)
    )
    return _items(await session.execute(query))


def _not_a_drill() -> ColumnElement[bool]:
    """The item belongs to an incident, not a drill: drills count in no figure."""
    drills = select(Incident.id).where(Incident.is_drill.is_(True))
    return ActionItem.incident_id.not_in(drills)


async def completion_since(*, session: AsyncSession, since: datetime) -> Completion:
    """Of the items created since `since` (drills' left out), how many are done and the
    median time it took."""
    # An item created in the window is open, or was closed in it (closing comes after creating).
    # Both are index ranges (status; status + completed_at), so older history is never read.
    still_open = await session.execute(
        select(func.count()).where(
            ActionItem.status.in_(ITEM_OPEN), ActionItem.created_at >= since, _not_a_drill()
        )
    )
    closed = await session.execute(
        select(ActionItem.status, ActionItem.created_at, ActionItem.completed_at).where(
            ActionItem.status.in_(ITEM_CLOSED),
            ActionItem.completed_at >= since,
            ActionItem.created_at >= since,
            _not_a_drill(),
        )
    )
    rows = closed.tuples().all()
    seconds = [
        (completed - created_at).total_seconds()
        for status, created_at, completed in rows
        if status == ItemStatus.DONE and completed is not None
    ]
    return Completion(
        created=int(still_open.scalar_one()) + len(rows),
        done=len(seconds),
        median_to_complete=timedelta(seconds=median(seconds)) if seconds else None,
    )


async def opened_and_completed(
    *, session: AsyncSession, since: datetime, until: datetime
) -> tuple[int, int]:
    """Action items (drills' left out) created, and completed, in [since, until)."""
    opened = await session.execute(
        select(func.count()).where(
            ActionItem.created_at >= since, ActionItem.created_at < until, _not_a_drill()
        )
    )
    completed = await session.execute(
        select(func.count()).where(
            ActionItem.status == ItemStatus.DONE,
            ActionItem.completed_at >= since,
            ActionItem.completed_at < until,
            _not_a_drill(),
        )
    )
    return int(opened.scalar_one()), int(completed.scalar_one())


async def unpublished_postmortems(*, session: AsyncSession) -> int:
    """How many postmortems (not drills' game-day reviews) are not published yet."""
    result = await session.execute(
        select(func.count())
        .select_from(Postmortem)
        .join(Incident, Incident.id == Postmortem.incident_id)
        .where(Postmortem.status != PostmortemStatus.PUBLISHED, Incident.is_drill.is_(False))
    )
    return int(result.scalar_one())


def _rows(commander_role: str) -> Select[_Row]:
    # The current IC holds the role with no end; at most one such row per incident.
    commander = and_(
        RoleAssignment.incident_id == Incident.id,
        RoleAssignment.role == commander_role,
        RoleAssignment.ended_at.is_(None),
    )
    query = (
        select(
            ActionItem.id,
            ActionItem.title,
            ActionItem.owner,
            ActionItem.priority,
            ActionItem.due_on,
            ActionItem.completed_at,
            Incident.id,
            Incident.title,
            Incident.is_private,
            RoleAssignment.user_id,
        )
        .join(Incident, Incident.id == ActionItem.incident_id)
        .outerjoin(RoleAssignment, commander)
    )
    # The outer join makes the IC column nullable, which the typed select cannot say.
    return cast(Select[_Row], query)


def _items(result: Result[_Row]) -> list[ItemRow]:
    return [ItemRow(*row) for row in result.tuples()]


@dataclass(frozen=True)
class Review:
    """What the weekly review says, computed from the database; no Slack in it."""

    week: str
    today: date
    counts: dict[str, PriorityCount]
    overdue: list[ItemRow]
    completed: list[ItemRow]
    completion: Completion
    window_days: int
    unpublished_postmortems: int
    escalate_after_days: int
    # Near-misses recorded since the last review: (number, title, what prevented the outage).
    near_misses: list[tuple[int, str, str]] = field(default_factory=list)
    # The median time to resolve of each of the last weeks (minutes), oldest first.
    resolve_trend: list[float | None] = field(default_factory=list)

    @property
    def open_count(self) -> int:
        """Open items of every priority."""
        return sum(count.open for count in self.counts.values())

    @property
    def overdue_count(self) -> int:
        """Overdue items of every priority."""
        return sum(count.overdue for count in self.counts.values())

    def days_overdue(self, row: ItemRow) -> int:
        """Whole days since the item was due (0 for an item not due yet)."""
        return max(0, (self.today - row.due_on).days) if row.due_on else 0

    def escalated(self, row: ItemRow) -> bool:
        """Overdue long enough for its incident's IC to hear of it."""
        return self.days_overdue(row) > self.escalate_after_days
