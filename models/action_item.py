"""Action items: the follow-through of an incident, with an owner, a due date and a priority."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

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
