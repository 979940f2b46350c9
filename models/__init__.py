"""SQLAlchemy models and their query helpers, one module per aggregate; no Slack, no HTTP."""

from models.action_items import ActionItem
from models.base import Base
from models.impacted import ImpactedService
from models.inbox import InboxEvent
from models.incidents import Incident, RoleAssignment
from models.ledger import Delivery, JobRun
from models.near_misses import NearMiss
from models.postmortems import Postmortem
from models.runbooks import Runbook
from models.search import SearchDocument
from models.seen_messages import SeenMessage
from models.tags import IncidentTag
from models.timeline import TimelineEntry

__all__ = [
    "ActionItem",
    "Base",
    "Delivery",
    "ImpactedService",
    "InboxEvent",
    "Incident",
    "IncidentTag",
    "JobRun",
    "NearMiss",
    "Postmortem",
    "RoleAssignment",
    "Runbook",
    "SearchDocument",
    "SeenMessage",
    "TimelineEntry",
]
