"""Messages about paging."""

from __future__ import annotations

from bot.domain.policy import SeverityPolicy
from bot.domain.severity import Severity
from models import Incident


def paged_usergroup(group_id: str, incident: Incident, level: SeverityPolicy) -> str:
    """The page itself: it mentions the user group on purpose."""
    severity = Severity(incident.severity)
    return (
        f"📟 Paging <!subteam^{group_id}> for {severity.label} {level.name}: "
        f"{level.response}. You've been added to this channel."
    )


def paged_pagerduty(incident: Incident, level: SeverityPolicy) -> str:
    """Say PagerDuty was alerted."""
    return f"📟 PagerDuty alerted ({level.pagerduty_severity}) for incident #{incident.id}."


def page_failed(target: str, why: str) -> str:
    """Say a page did not go out, so people page by hand."""
    return f"⚠️ Could not page {target}: {why.rstrip('.')}. Page them by hand."
