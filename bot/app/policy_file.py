"""Read the severity policy file that INCIDENT_CONFIG names and the Backstage catalog that
SERVICE_CATALOG names (the rules are in bot.domain.policy and bot.domain.backstage)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from bot.domain.backstage import catalog_error, read_backstage
from bot.domain.catalog import build_catalog
from bot.domain.policy import Policy, default_policy, policy_error, read_policy
from bot.settings import SettingsError


def load_policy(path: str | Path | None, catalog_path: str | Path | None = None) -> Policy:
    """Read a TOML policy file over the defaults (None, or "", gives the defaults), and add
    the services of a Backstage catalog file to those the policy names."""
    policy = default_policy()
    if path is not None and str(path) != "":
        source = Path(path)
        policy = read_policy(source, _read(source, policy_error))
    if catalog_path is None or str(catalog_path) == "":
        return policy
    source = Path(catalog_path)
    catalog = read_backstage(source, _read(source, catalog_error))
    services = [*policy.catalog.services.values(), *catalog.services.values()]
    merged = build_catalog(
        services, lambda problem: catalog_error(source, f"{problem} (in INCIDENT_CONFIG too)")
    )
    return replace(policy, catalog=merged)


def _read(source: Path, error: Callable[[Path, str], SettingsError]) -> bytes:
    try:
        return source.read_bytes()
    except OSError as failure:
        raise error(source, f"cannot be read ({failure.strerror or failure})") from None
