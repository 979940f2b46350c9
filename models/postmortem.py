"""The postmortem of an incident, and the ledger that makes every scheduled message go out once."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime


class Postmortem(Base):
    """A blameless postmortem: drafted from the timeline, edited, reviewed, published."""

    __tablename__ = "postmortems"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), unique=True
    )
    owner: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    due_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The narrative sections people write: summary, impact, root_cause, ... (see bot/postmortem).
    sections: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    # What the blameless check found at the last save: [{"sentence", "why", "suggestion"}].
    findings: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    canvas_id: Mapped[str | None] = mapped_column(String(32))
    file_id: Mapped[str | None] = mapped_column(String(32))
    link: Mapped[str | None] = mapped_column(Text)
    meeting_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Delivery(Base):
    """A message a job sends, claimed under a unique key before it is sent, marked once sent."""

    __tablename__ = "deliveries"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    job: Mapped[str] = mapped_column(String(64), index=True)
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str] = mapped_column(String(64))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    last_error: Mapped[str | None] = mapped_column(Text)


class JobRun(Base):
    """When a job last ran to completion, so a run missed while the bot was down happens once."""

    __tablename__ = "job_runs"

    job: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_run_at: Mapped[datetime] = mapped_column(UTCDateTime)
