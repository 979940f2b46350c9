"""Action items: the follow-through of an incident, with an owner, a due date and a priority;
and reading and writing them. Functions never commit: the caller owns the transaction."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from bot.domain.action_items import ITEM_OPEN, ItemStatus
from models.base import Base, UTCDateTime


class ActionItem(Base):
    """One thing to do so the incident does not recur; shown as `<prefix>-<id>` (INC-12)."""

    __tablename__ = "action_items"
    __table_args__ = (
        # Open work by due date (overdue lists, the weekly review) and by owner (mine).
        Index("ix_action_items_open_due", "status", "due_on"),
        Index("ix_action_items_owner_status", "owner", "status"),
        # Closed work by when it closed (the weekly review's windows), never the whole history.
        Index("ix_action_items_status_completed", "status", "completed_at"),
        Index("ix_action_items_incident", "incident_id"),
        # Items by when they were created (the completion rate's windows), covering what the
        # figures read so that a year of items is read from the index alone.
        Index("ix_action_items_created_at", "created_at", "status", "completed_at", "incident_id"),
        # SQLite would otherwise reuse the number of a deleted row; IDs are never reused.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    postmortem_id: Mapped[int | None] = mapped_column(
        ForeignKey("postmortems.id", ondelete="SET NULL")
    )
    title: Mapped[str] = mapped_column(Text)
    owner: Mapped[str | None] = mapped_column(String(32))
    due_on: Mapped[date | None] = mapped_column(Date)
    priority: Mapped[str] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(16))
    wont_do_reason: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


async def add(
    *,
    session: AsyncSession,
    incident_id: int,
    title: str,
    owner: str | None,
    due_on: date | None,
    priority: str,
    created_by: str,
    created_at: datetime,
    postmortem_id: int | None = None,
) -> ActionItem:
    """Record a new item, not started; its number is assigned on flush."""
    item = ActionItem(
        incident_id=incident_id,
        postmortem_id=postmortem_id,
        title=title,
        owner=owner,
        due_on=due_on,
        priority=priority,
        status=ItemStatus.NOT_STARTED,
        created_by=created_by,
        created_at=created_at,
    )
    session.add(item)
    await session.flush()
    return item


async def get(*, session: AsyncSession, number: int, lock: bool = False) -> ActionItem | None:
    """The item with this number (its row locked for this transaction if asked)."""
    query = select(ActionItem).where(ActionItem.id == number)
    result = await session.execute(query.with_for_update() if lock else query)
    return result.scalar_one_or_none()


async def for_incident(*, session: AsyncSession, incident_id: int) -> list[ActionItem]:
    """An incident's items, in the order they were made."""
    result = await session.execute(
        select(ActionItem).where(ActionItem.incident_id == incident_id).order_by(ActionItem.id)
    )
    return list(result.scalars())


async def open_for_owner(*, session: AsyncSession, owner: str) -> list[ActionItem]:
    """A person's open items, soonest due first."""
    result = await session.execute(
        select(ActionItem)
        .where(ActionItem.owner == owner, ActionItem.status.in_(ITEM_OPEN))
        .order_by(ActionItem.due_on.is_(None), ActionItem.due_on, ActionItem.id)
    )
    return list(result.scalars())


async def open_items(*, session: AsyncSession, due_before: date | None = None) -> list[ActionItem]:
    """Open items (only those due before a day, if given), soonest due first."""
    query = select(ActionItem).where(ActionItem.status.in_(ITEM_OPEN))
    if due_before is not None:
        query = query.where(ActionItem.due_on < due_before)
    result = await session.execute(
        query.order_by(ActionItem.due_on.is_(None), ActionItem.due_on, ActionItem.id)
    )
    return list(result.scalars())
