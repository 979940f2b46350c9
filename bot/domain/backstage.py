"""Services read from a Backstage catalog file (catalog-info.yaml): its `kind: Component`
documents, with the incident bot's settings in annotations.

https://backstage.io/docs/features/software-catalog/descriptor-format: `metadata.name` is the
slug, `metadata.title` the name, `metadata.links` may hold a "Runbook" link, and `spec.owner`
an entity reference such as `group:default/payments-team`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.domain.catalog import Catalog, Service, build_catalog, service_from
from bot.settings import SettingsError

VARIABLE = "SERVICE_CATALOG"
PREFIX = "incident-bot/"
PAGERDUTY_KEY = "pagerduty.com/integration-key"
# The bot's own annotations, and the service key each one sets.
ANNOTATIONS = {
    "incident-bot/oncall": "oncall",
    "incident-bot/owner": "owner",
    "incident-bot/aliases": "aliases",
    "incident-bot/status-component": "status_component",
    "incident-bot/runbook": "runbook",
    "incident-bot/tier": "tier",
}


def read_backstage(source: Path, content: bytes) -> Catalog:
    """The services of a Backstage catalog file's Component documents (`source` names it)."""
    try:
        documents = list(yaml.safe_load_all(content.decode("utf-8")))
    except UnicodeDecodeError:
        raise catalog_error(source, "is not UTF-8 text") from None
    except yaml.YAMLError as error:
        where = getattr(error, "problem_mark", None)
        line = f" at line {where.line + 1}" if where is not None else ""
        raise catalog_error(source, f"is not valid YAML{line}") from None
    services = []
    for number, document in enumerate(documents, 1):
        if document is None:
            continue
        if not isinstance(document, dict):
            raise catalog_error(source, f"document {number} is not a mapping of keys")
        if document.get("kind") == "Component":
            services.append(_component(source, number, document))
    if not services:
        raise catalog_error(source, "has no `kind: Component` document")
    return build_catalog(services, lambda problem: catalog_error(source, problem))


def _component(source: Path, number: int, document: dict[str, Any]) -> Service:
    metadata = document.get("metadata")
    if not isinstance(metadata, dict) or not isinstance(metadata.get("name"), str):
        raise catalog_error(source, f"document {number} has no metadata.name")
    slug = metadata["name"]

    def problem(key: str, what: str) -> SettingsError:
        where = f"service {slug}" + (f": {key}" if key else "")
        return catalog_error(source, f"{where} {what}")

    annotations = metadata.get("annotations") or {}
    if not isinstance(annotations, dict):
        raise problem("metadata.annotations", "must be a mapping")
    values: dict[str, object] = {}
    if "title" in metadata:
        values["name"] = metadata["title"]
    for key, value in annotations.items():
        if key == PAGERDUTY_KEY:
            values["pagerduty_routing_key"] = value
        elif key in ANNOTATIONS:
            values[ANNOTATIONS[key]] = _annotation(ANNOTATIONS[key], value)
        elif str(key).startswith(PREFIX):
            known = ", ".join(ANNOTATIONS)
            raise problem(f"annotation {key}", f"is not a known annotation (expected {known})")
    if "owner" not in values:
        values["owner"] = _owner_group((document.get("spec") or {}).get("owner"))
    for link in metadata.get("links") or []:
        if isinstance(link, dict) and str(link.get("title", "")).casefold() == "runbook":
            values["runbook_url"] = link.get("url")
    return service_from(slug, {k: v for k, v in values.items() if v is not None}, problem)


def _annotation(key: str, value: object) -> object:
    """Annotations are strings; read lists and numbers out of them."""
    if not isinstance(value, str):
        return value
    if key == "aliases":
        return [alias.strip() for alias in value.split(",") if alias.strip()]
    if key == "runbook":
        return [step.strip() for step in value.splitlines() if step.strip()]
    if key == "tier":
        return int(value) if value.strip().isdigit() else value
    return value


def _owner_group(owner: object) -> str | None:
    """`group:default/payments-team` → `payments-team`; a user or nothing gives no group."""
    if not isinstance(owner, str) or not owner:
        return None
    kind, _, rest = owner.rpartition(":")
    if kind and kind.casefold() != "group":
        return None
    return rest.rpartition("/")[2] or None


def catalog_error(source: Path, problem: str) -> SettingsError:
    """The one-line error naming the catalog file and what is wrong in it."""
    return SettingsError(f"{VARIABLE} {source}: {problem}")
