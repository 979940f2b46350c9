"""The service catalog and an incident's impacted services, as people read them."""

from __future__ import annotations

from bot.domain.catalog import Catalog, Service
from bot.domain.mrkdwn import escape_mrkdwn
from bot.domain.policy import SeverityPolicy

NO_CATALOG = (
    "No services are configured. Add `[services.<slug>]` tables to the policy file "
    "(INCIDENT_CONFIG) or point SERVICE_CATALOG at a Backstage catalog-info.yaml."
)


def _group(handle: str | None) -> str:
    # Shown as a code span, never as a mention: a list must not ping anyone.
    return f"`@{escape_mrkdwn(handle)}`" if handle else "_none_"


def services_list(catalog: Catalog) -> str:
    """What `/incident services` answers: name, owner, on-call and runbook of each service."""
    if not catalog:
        return NO_CATALOG
    lines = [f"*Services* ({len(catalog.services)})"]
    for service in catalog.services.values():
        aliases = ", ".join(escape_mrkdwn(alias) for alias in service.aliases)
        also = f", also {aliases}" if aliases else ""
        tier = f" · tier {service.tier}" if service.tier else ""
        runbook = []
        if service.runbook:
            runbook.append(f"{len(service.runbook)}-step checklist")
        if service.runbook_url:
            runbook.append(f"<{service.runbook_url}|runbook>")
        pager = " · PagerDuty" if service.pagerduty_routing_key else ""
        lines.append(
            f"• *{escape_mrkdwn(service.name)}* (`{service.slug}`{also}){tier}\n"
            f"   owner {_group(service.owner)} · on-call {_group(service.oncall)}{pager} · "
            f"runbook {' · '.join(runbook) or '_none_'}"
        )
    return "\n".join(lines)


def service_names(catalog: Catalog, slugs: tuple[str, ...]) -> str:
    """`Payments, Search` (a slug the catalog no longer has is shown as stored)."""
    return ", ".join(
        escape_mrkdwn(service.name if (service := catalog.get(slug)) else slug) for slug in slugs
    )


def services_field(catalog: Catalog, slugs: tuple[str, ...]) -> str:
    """The card's Services field: each by name, with its runbook linked."""
    shown = []
    for slug in slugs:
        service = catalog.get(slug)
        name = escape_mrkdwn(service.name if service else slug)
        if service and service.runbook_url:
            name += f" (<{service.runbook_url}|runbook>)"
        shown.append(name)
    return "*Services*\n" + ("\n".join(shown) if shown else "_none marked_")


def service_impacted(service: Service, owner_id: str | None, by: str, level: SeverityPolicy) -> str:
    """Told once when a service becomes impacted: it mentions the owning team on purpose."""
    text = f"🧭 *{escape_mrkdwn(service.name)}* is impacted (marked by <@{by}>)."
    if owner_id:
        text += f" <!subteam^{owner_id}>, it is your service."
    elif service.owner:
        text += f" Its owner `@{escape_mrkdwn(service.owner)}` is not a user group Slack knows."
    pages = service.oncall or service.pagerduty_routing_key
    if pages and not level.page_services:
        text += (
            f" {level.severity.label} does not page services: raise the severity to page "
            "its on-call."
        )
    return text


def service_removed(service: Service, by: str) -> str:
    """Told when a service is no longer marked impacted."""
    return f"🧭 *{escape_mrkdwn(service.name)}* is no longer marked impacted (by <@{by}>)."


def unknown_service(name: str, matches: list[str]) -> str:
    """The answer to a name the catalog does not have."""
    typed = escape_mrkdwn(name.replace("`", "'"))
    text = f"`{typed}` is not a service in the catalog."
    if matches:
        text += " Did you mean " + " or ".join(f"`{escape_mrkdwn(m)}`" for m in matches) + "?"
    return text + " `/incident services` lists them all."
