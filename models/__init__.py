"""SQLAlchemy models and their query helpers, one module per aggregate; no Slack, no HTTP."""

from models.action_items import ActionItem
from models.base import Base
from models.inbox import InboxEvent
from models.incidents import Incident, RoleAssignment
from models.ledger import Delivery, JobRun
from models.postmortems import Postmortem
from models.seen_messages import SeenMessage
from models.timeline import TimelineEntry

__all__ = [
    "ActionItem",
    "Base",
    "Delivery",
    "InboxEvent",
    "Incident",
    "JobRun",
    "Postmortem",
    "RoleAssignment",
    "SeenMessage",
    "TimelineEntry",
]
