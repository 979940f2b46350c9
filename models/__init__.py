"""SQLAlchemy models and query helpers; no Slack, no HTTP."""

from models.base import Base
from models.incident import Incident, RoleAssignment, SeenMessage, TimelineEntry

__all__ = ["Base", "Incident", "RoleAssignment", "SeenMessage", "TimelineEntry"]
