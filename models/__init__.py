"""SQLAlchemy models and query helpers; no Slack, no HTTP."""

from models.base import Base
from models.incident import Incident, RoleAssignment

__all__ = ["Base", "Incident", "RoleAssignment"]
