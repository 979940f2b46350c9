"""Load the vendored Slack method reference and check calls and answers against it."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

REFERENCE_DIR = Path(__file__).parent / "reference"

# Errors any Web API method may answer with (Slack's "common errors" list).
COMMON_ERRORS = frozenset(
    {
        "access_denied",
        "accesslimited",
        "account_inactive",
        "deprecated_endpoint",
        "ekm_access_denied",
        "enterprise_is_restricted",
        "fatal_error",
        "internal_error",
        "invalid_arg_name",
        "invalid_arguments",
        "invalid_array_arg",
        "invalid_auth",
        "invalid_charset",
        "invalid_form_data",
        "invalid_json",
        "json_not_object",
        "invalid_post_type",
        "method_deprecated",
        "missing_post_type",
        "missing_scope",
        "no_permission",
        "not_allowed_token_type",
        "not_authed",
        "org_login_required",
        "ratelimited",
        "request_timeout",
        "service_unavailable",
        "team_access_not_granted",
        "team_added_to_org",
        "token_expired",
        "token_revoked",
        "two_factor_setup_required",
    }
)


@cache
def spec(method: str) -> dict[str, Any] | None:
    """Return the reference entry of a Web API method, or None when Slack has no such method."""
    if "/" in method or method.startswith("."):
        return None
    path = REFERENCE_DIR / "methods" / f"{method}.json"
    if method == "methods" or not path.is_file():
        return None
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def required_args(method: str) -> list[str]:
    """Return the arguments the reference marks as required (token included)."""
    entry = spec(method) or {}
    return list(entry.get("args", {}).get("required", []))


def documented_errors(method: str) -> set[str]:
    """Return the error codes documented for a method."""
    entry = spec(method) or {}
    return set(entry.get("errors", {}))


def allows_error(method: str, error: str) -> bool:
    """Tell whether Slack may answer a method with this error."""
    if method == "api.test":  # api.test answers with whatever error it is asked for
        return True
    return error in COMMON_ERRORS or error in documented_errors(method)


def bot_scopes(method: str) -> list[str]:
    """Return the bot scopes that grant a method (any one of them suffices)."""
    entry = spec(method) or {}
    return list(entry.get("scope", {}).get("bot", []))


def http_method(method: str) -> str:
    """Return the HTTP verb the reference documents for a method."""
    entry = spec(method) or {}
    return str(entry.get("http_method", "POST"))


@cache
def event_example(event_type: str) -> dict[str, Any] | None:
    """Return the documented example payload of an Events API event, if any."""
    path = REFERENCE_DIR / "events" / f"{event_type}.json"
    if not path.is_file():
        return None
    data = json.loads(path.read_text())
    example = data.get("example")
    return example if isinstance(example, dict) else None
