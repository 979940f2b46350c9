"""The severity policy: what each severity means, how often it is updated and whom it pages.

Built-in defaults apply unless `INCIDENT_CONFIG` names a TOML file (see examples/policy.toml);
the file may set any subset of keys, and anything it gets wrong is one SettingsError line.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from bot.domain.catalog import Catalog, build_catalog, runbook_steps, service_from
from bot.domain.drills import ANNOUNCE_CHOICES, DrillPolicy, scenario_from
from bot.domain.severity import Severity
from bot.settings import SettingsError

VARIABLE = "INCIDENT_CONFIG"
DEFAULT_EVENTS_URL = "https://events.pagerduty.com/v2/enqueue"
PAGERDUTY_SEVERITIES = ("critical", "error", "warning", "info")
ROUTING_KEY_LENGTH = 32

_DEFAULT_MEANING = {
    Severity.SEV1: (
        "Critical",
        "Complete outage, all users affected",
        "Immediate response, all hands",
    ),
    Severity.SEV2: (
        "Major",
        "Degraded service, many users affected",
        "Response within 30 minutes, primary on-call",
    ),
    Severity.SEV3: ("Minor", "Limited impact, a workaround exists", "Next business day"),
}
_DEFAULT_POSTMORTEM_DUE = {Severity.SEV1: 2, Severity.SEV2: 5, Severity.SEV3: None}
_CRON = re.compile(r"^\S+( \S+){4}$")
_DEFAULT_CADENCE = {Severity.SEV1: 30, Severity.SEV2: 60, Severity.SEV3: None}
_DEFAULT_PAGERDUTY_SEVERITY = {
    Severity.SEV1: "critical",
    Severity.SEV2: "error",
    Severity.SEV3: "warning",
}
_USERGROUP_ID = re.compile(r"^S[A-Z0-9]{2,}$")
_USERGROUP_HANDLE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,79}$")
_HTTP_URL = re.compile(r"^https?://[^/\s]+\S*$")
_ROUTING_KEY = re.compile(rf"^[A-Za-z0-9]{{{ROUTING_KEY_LENGTH}}}$")
_TEXT_KEYS = ("name", "description", "response", "pagerduty_severity")
_LEVEL_KEYS = (
    "name",
    "description",
    "response",
    "update_every_minutes",
    "page_usergroups",
    "pagerduty_routing_key",
    "pagerduty_severity",
    "postmortem_due_business_days",
    "page_services",
    "runbook",
)
# Whether a severity pages the on-call of each impacted service (SEV3: next business day).
_DEFAULT_PAGE_SERVICES = {Severity.SEV1: True, Severity.SEV2: True, Severity.SEV3: False}


@dataclass(frozen=True)
class SeverityPolicy:
    """What one severity means, how often it is updated and whom it pages."""

    severity: Severity
    name: str
    description: str
    response: str
    update_every_minutes: int | None
    page_usergroups: tuple[str, ...] = ()
    pagerduty_routing_key: str | None = None
    pagerduty_severity: str = "warning"
    # Business days after resolution the postmortem is due; None: no postmortem required.
    postmortem_due_business_days: int | None = None
    # Whether the on-call of each impacted service is paged at this severity.
    page_services: bool = False
    # A checklist posted in the channel of every incident of this severity.
    runbook: tuple[str, ...] = ()

    @property
    def pages_someone(self) -> bool:
        """Whether declaring at this severity pages anyone by itself."""
        return bool(self.page_usergroups or self.pagerduty_routing_key)


@dataclass(frozen=True)
class Policy:
    """The policy for every severity, and where PagerDuty events go."""

    levels: dict[Severity, SeverityPolicy]
    pagerduty_events_url: str = DEFAULT_EVENTS_URL
    # Job name -> cron schedule (in INCIDENT_TIMEZONE), overriding the scheduler's defaults.
    schedules: dict[str, str] = field(default_factory=dict)
    # The services that can be impacted (the policy's [services.*] or a Backstage catalog).
    catalog: Catalog = field(default_factory=Catalog)
    # How far back an incident of the same service makes the bot ask "is this a recurrence?".
    recurrence_window_days: int = 90
    # Game days: how they are announced, whom they page, the scenarios they can play.
    drills: DrillPolicy = field(default_factory=DrillPolicy)

    def level(self, severity: Severity) -> SeverityPolicy:
        """Return the policy for one severity."""
        return self.levels[severity]


def default_policy() -> Policy:
    """Return the built-in policy."""
    levels = {
        severity: SeverityPolicy(
            severity=severity,
            name=name,
            description=description,
            response=response,
            update_every_minutes=_DEFAULT_CADENCE[severity],
            pagerduty_severity=_DEFAULT_PAGERDUTY_SEVERITY[severity],
            postmortem_due_business_days=_DEFAULT_POSTMORTEM_DUE[severity],
            page_services=_DEFAULT_PAGE_SERVICES[severity],
        )
        for severity, (name, description, response) in _DEFAULT_MEANING.items()
    }
    return Policy(levels=levels)


def read_policy(source: Path, content: bytes) -> Policy:
    """The policy a TOML file's content sets over the defaults (`source` names it in errors)."""
    try:
        document = tomllib.loads(content.decode("utf-8"))
    except UnicodeDecodeError:
        raise policy_error(source, "is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as error:
        raise policy_error(source, f"is not valid TOML ({error})") from None
    return _merge(source, document)


def _merge(source: Path, document: dict[str, object]) -> Policy:
    policy = default_policy()
    known = [
        "pagerduty",
        "schedules",
        "services",
        "learning",
        "drills",
        *(severity.value for severity in Severity),
    ]
    for table in document:
        if table not in known:
            expected = ", ".join(f"[{name}]" for name in known)
            raise policy_error(source, f"[{table}] is not a known table (expected {expected})")
    levels = dict(policy.levels)
    for severity in Severity:
        values = _table(source, document, severity.value)
        levels[severity] = _merge_level(source, levels[severity], values)
    events_url = policy.pagerduty_events_url
    pagerduty = _table(source, document, "pagerduty")
    for key, value in pagerduty.items():
        if key != "events_url":
            raise policy_error(source, f"pagerduty.{key} is not a known key (expected events_url)")
        if not isinstance(value, str) or not _HTTP_URL.match(value):
            raise policy_error(source, f"pagerduty.{key} must be an http(s) URL")
        events_url = value
    schedules: dict[str, str] = {}
    for job, cron in _table(source, document, "schedules").items():
        if not isinstance(cron, str) or not _CRON.match(cron.strip()):
            raise policy_error(source, f'schedules.{job} must be a cron line such as "0 10 * * *"')
        schedules[job] = cron.strip()
    catalog = _services(source, _table(source, document, "services"))
    window = policy.recurrence_window_days
    for key, value in _table(source, document, "learning").items():
        if key != "recurrence_window_days":
            raise policy_error(
                source, f"learning.{key} is not a known key (expected recurrence_window_days)"
            )
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 3650:
            raise policy_error(source, f"learning.{key} must be a whole number of days, 1 to 3650")
        window = value
    return Policy(
        levels=levels,
        pagerduty_events_url=events_url,
        schedules=schedules,
        catalog=catalog,
        recurrence_window_days=window,
        drills=_drills(source, _table(source, document, "drills")),
    )


def _drills(source: Path, values: dict[str, object]) -> DrillPolicy:
    def problem(where: str, what: str) -> SettingsError:
        return policy_error(source, f"{where} {what}")

    drills = DrillPolicy()
    for key, value in values.items():
        where = f"drills.{key}"
        if key == "announce":
            if value not in ANNOUNCE_CHOICES:
                raise problem(where, 'must be "line" (one line marked DRILL) or "none"')
            drills = replace(drills, announce=str(value))
        elif key == "page_usergroups":
            drills = replace(drills, page_usergroups=_usergroups(source, where, value))
        elif key == "scenarios":
            if not isinstance(value, list):
                raise problem(where, "must be written as [[drills.scenarios]] tables")
            scenarios = tuple(scenario_from(n, v, problem) for n, v in enumerate(value))
            names = [" ".join(s.name.lower().split()) for s in scenarios]
            if len(set(names)) < len(names):
                raise problem(where, "name the same scenario twice; give each its own name")
            drills = replace(drills, scenarios=scenarios)
        else:
            expected = "announce, page_usergroups, scenarios"
            raise problem(where, f"is not a known key (expected {expected})")
    return drills


def _services(source: Path, tables: dict[str, object]) -> Catalog:
    services = []
    for slug, values in tables.items():
        if not isinstance(values, dict):
            raise policy_error(
                source, f"services.{slug} must be a table, written [services.{slug}]"
            )

        def problem(key: str, what: str, slug: str = slug) -> SettingsError:
            return policy_error(source, f"services.{slug}{'.' + key if key else ''} {what}")

        services.append(service_from(slug, values, problem))
    return build_catalog(services, lambda problem: policy_error(source, problem))


def _merge_level(source: Path, level: SeverityPolicy, values: dict[str, object]) -> SeverityPolicy:
    table = level.severity.value
    changes: dict[str, object] = {}
    for key, value in values.items():
        where = f"{table}.{key}"
        if key in _TEXT_KEYS:
            if not isinstance(value, str) or not value.strip():
                raise policy_error(source, f"{where} must be a non-empty string")
            changes[key] = value.strip()
        elif key in ("update_every_minutes", "postmortem_due_business_days"):
            changes[key] = _cadence(source, where, value)
        elif key == "page_usergroups":
            changes[key] = _usergroups(source, where, value)
        elif key == "page_services":
            if not isinstance(value, bool):
                raise policy_error(source, f"{where} must be true or false")
            changes[key] = value
        elif key == "runbook":
            changes[key] = runbook_steps(value, _problem_at(source, where))
        elif key == "pagerduty_routing_key":
            if not isinstance(value, str) or not _ROUTING_KEY.match(value):
                raise policy_error(
                    source,
                    f"{where} must be a {ROUTING_KEY_LENGTH}-character integration key",
                )
            changes[key] = value
        else:
            raise policy_error(
                source, f"{where} is not a known key (expected {', '.join(_LEVEL_KEYS)})"
            )
    severity = changes.get("pagerduty_severity")
    if severity is not None and severity not in PAGERDUTY_SEVERITIES:
        raise policy_error(
            source,
            f"{table}.pagerduty_severity must be one of {', '.join(PAGERDUTY_SEVERITIES)}",
        )
    return replace(level, **changes)  # type: ignore[arg-type]


def _problem_at(source: Path, where: str) -> Callable[[str, str], SettingsError]:
    def problem(_key: str, what: str) -> SettingsError:
        return policy_error(source, f"{where} {what}")

    return problem


def _cadence(source: Path, where: str, value: object) -> int | None:
    # 0 is how a file says "no regular updates", since TOML has no null.
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise policy_error(source, f"{where} must be a positive whole number (0 for none)")
    return value or None


def _usergroups(source: Path, where: str, value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise policy_error(source, f"{where} must be a list of user group handles or IDs")
    groups: list[str] = []
    for item in value:
        if not isinstance(item, str):
            raise policy_error(source, f"{where} must be a list of user group handles or IDs")
        group = item.strip().removeprefix("@")
        if not (_USERGROUP_ID.match(group) or _USERGROUP_HANDLE.match(group)):
            raise policy_error(
                source,
                f"{where} has {item!r}, not a user group handle (oncall) or ID (S0123ABCD)",
            )
        if group not in groups:
            groups.append(group)
    return tuple(groups)


def _table(source: Path, document: dict[str, object], name: str) -> dict[str, object]:
    value = document.get(name, {})
    if not isinstance(value, dict):
        raise policy_error(source, f"{name} must be a table, written [{name}]")
    return value


def policy_error(source: Path, problem: str) -> SettingsError:
    """The one-line error naming the policy file and what is wrong in it."""
    return SettingsError(f"{VARIABLE} {source}: {problem}")
