"""Reading and writing action items. Functions never commit: the caller owns the transaction."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.action_item import ActionItem

OPEN = ("not started", "in progress")


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
        status="not started",
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
        .where(ActionItem.owner == owner, ActionItem.status.in_(OPEN))
        .order_by(ActionItem.due_on.is_(None), ActionItem.due_on, ActionItem.id)
    )
    return list(result.scalars())


async def open_items(*, session: AsyncSession, due_before: date | None = None) -> list[ActionItem]:
    """Open items (only those due before a day, if given), soonest due first."""
    query = select(ActionItem).where(ActionItem.status.in_(OPEN))
    if due_before is not None:
        query = query.where(ActionItem.due_on < due_before)
    result = await session.execute(
        query.order_by(ActionItem.due_on.is_(None), ActionItem.due_on, ActionItem.id)
    )
    return list(result.scalars())
