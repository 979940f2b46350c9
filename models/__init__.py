"""SQLAlchemy models and query helpers; no Slack, no HTTP."""

from models.base import Base
from models.incident import Incident, RoleAssignment, TimelineEntry

__all__ = ["Base", "Incident", "RoleAssignment", "TimelineEntry"]
