"""Messages about paging."""

from __future__ import annotations

from bot.domain.catalog import Service
from bot.domain.mrkdwn import escape_mrkdwn
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


def paged_service_group(
    group_id: str, service: Service, incident: Incident, level: SeverityPolicy
) -> str:
    """The page of a service's on-call: it mentions the user group on purpose."""
    severity = Severity(incident.severity)
    return (
        f"📟 Paging <!subteam^{group_id}>, on call for *{escape_mrkdwn(service.name)}*, "
        f"for {severity.label} {level.name}: {level.response}. You've been added to this channel."
    )


def paged_service_pagerduty(incident: Incident, service: Service, level: SeverityPolicy) -> str:
    """Say a service's PagerDuty service was alerted."""
    return (
        f"📟 PagerDuty alerted ({level.pagerduty_severity}) for *{escape_mrkdwn(service.name)}*, "
        f"incident #{incident.id}."
    )
