"""SQLAlchemy models and query helpers; no Slack, no HTTP."""

from models.action_item import ActionItem
from models.base import Base
from models.incident import Incident, RoleAssignment, SeenMessage, TimelineEntry
from models.postmortem import Delivery, JobRun, Postmortem

__all__ = [
    "ActionItem",
    "Base",
    "Delivery",
    "Incident",
    "JobRun",
    "Postmortem",
    "RoleAssignment",
    "SeenMessage",
    "TimelineEntry",
]
