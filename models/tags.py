"""The tags people put on an incident (`database`, `third-party`), and writing them.

Functions never commit: the caller owns the transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime

if TYPE_CHECKING:
    from models.incidents import Incident


class IncidentTag(Base):
    """A tag on an incident, who put it there and when."""

    __tablename__ = "incident_tags"
    __table_args__ = (
        UniqueConstraint("incident_id", "tag"),
        # The search's `tag:` filter and the patterns' counts go from the tag to its incidents.
        Index("ix_incident_tags_tag", "tag"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    tag: Mapped[str] = mapped_column(String(40))
    added_by: Mapped[str] = mapped_column(String(32))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)

    incident: Mapped[Incident] = relationship(back_populates="tags")


def add(incident: Incident, *, tag: str, by: str, at: datetime) -> None:
    """Put `tag` on the incident (the caller checked it is not there)."""
    incident.tags.append(IncidentTag(tag=tag, added_by=by, added_at=at))


def remove(incident: Incident, *, tag: str) -> None:
    """Take `tag` off (its row goes when the change is committed)."""
    incident.tags = [t for t in incident.tags if t.tag != tag]
