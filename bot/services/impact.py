"""Impacted services: marked at declaration from the title (or the form), added and removed
in the channel; each one that becomes impacted has its owner told, its on-call paged and its
runbook posted, each once for the incident."""

from __future__ import annotations

from bot.domain.catalog import Catalog, Service
from bot.domain.severity import Severity
from bot.errors import SlackRefusal, UserFacingError
from bot.rendering.services import (
    NO_CATALOG,
    service_impacted,
    service_removed,
    services_list,
    unknown_service,
)
from bot.services.deps import Deps
from bot.services.incidents import Promised, channel_of, incident_change, post_notice
from bot.services.once import send_once
from bot.services.paging import page_service
from bot.services.runbooks import post_service_runbook
from models import Incident
from models import impacted as impacted_rows

IMPACT_JOB = "impact"


def catalog_service(catalog: Catalog, name: str) -> Service:
    """The service a typed name names, or a friendly answer (raised) with close matches."""
    if not catalog:
        raise UserFacingError(NO_CATALOG)
    service = catalog.find(name)
    if service is None:
        raise UserFacingError(unknown_service(name, catalog.close_matches(name)))
    return service


def show_catalog(deps: Deps) -> str:
    """What `/incident services` answers."""
    return services_list(deps.policy.catalog)


async def add_service(deps: Deps, *, channel_id: str, name: str, by: str) -> None:
    """Mark a service impacted; its owner is told, its on-call paged, its runbook posted."""
    service = catalog_service(deps.policy.catalog, name)
    async with incident_change(deps, channel_id, by=by) as change:
        incident = change.incident
        if service.slug in incident.service_slugs:
            raise UserFacingError(f"{service.name} is already marked impacted.")
        impacted_rows.add(incident, service=service.slug, by=by, at=change.at)
        change.record("service_added", service=service.slug, name=service.name)
        change.promise(
            Promised.SERVICE_IMPACTED,
            lambda i: service_became_impacted(deps, i, service.slug, by=by),
            service=service.slug,
            by=by,
        )


async def remove_service(deps: Deps, *, channel_id: str, name: str, by: str) -> None:
    """Mark a service no longer impacted (its PagerDuty alert resolves with the incident)."""
    service = catalog_service(deps.policy.catalog, name)
    async with incident_change(deps, channel_id, by=by) as change:
        incident = change.incident
        if service.slug not in incident.service_slugs:
            raise UserFacingError(f"{service.name} is not marked impacted; nothing to remove.")
        impacted_rows.remove(incident, service=service.slug)
        change.record("service_removed", service=service.slug, name=service.name)
        change.then(lambda i: post_notice(deps, i, service_removed(service, by)))


async def service_became_impacted(deps: Deps, incident: Incident, slug: str, *, by: str) -> None:
    """Tell the owner, page the on-call and post the runbook of a newly impacted service;
    each is done once for the incident, so doing it again (after a crash) repeats nothing."""
    service = deps.policy.catalog.get(slug)
    if service is None:
        return  # taken out of the catalog since
    if not incident.is_drill:  # a drill pings no owner and pages no on-call
        await send_once(
            deps,
            key=f"impact:{incident.id}:{slug}",
            job=IMPACT_JOB,
            send=lambda: _tell_owner(deps, incident, service, by),
        )
        await page_service(deps, incident, service, by=by)
    await post_service_runbook(deps, incident, service)


async def _tell_owner(deps: Deps, incident: Incident, service: Service, by: str) -> None:
    owner_id = None
    if service.owner:
        try:
            owner_id, _ = await deps.slack.usergroup_members(service.owner)
        except SlackRefusal:
            owner_id = None  # the notice says Slack does not know the group
    level = deps.policy.level(Severity(incident.severity))
    await deps.slack.post(channel_of(incident), text=service_impacted(service, owner_id, by, level))
