"""The services an incident impacts, and reading and writing them.

Functions never commit: the caller owns the transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime

if TYPE_CHECKING:
    from models.incidents import Incident


class ImpactedService(Base):
    """A service of the catalog marked impacted by an incident, by whom and when."""

    __tablename__ = "impacted_services"
    __table_args__ = (UniqueConstraint("incident_id", "service"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    service: Mapped[str] = mapped_column(String(64))  # the catalog slug
    added_by: Mapped[str] = mapped_column(String(32))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)

    incident: Mapped[Incident] = relationship(back_populates="services")


def add(incident: Incident, *, service: str, by: str, at: datetime) -> None:
    """Mark `service` impacted (the caller checked it is not already)."""
    incident.services.append(ImpactedService(service=service, added_by=by, added_at=at))


def remove(incident: Incident, *, service: str) -> None:
    """Mark `service` no longer impacted (its row goes when the change is committed)."""
    incident.services = [s for s in incident.services if s.service != service]
