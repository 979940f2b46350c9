"""The service catalog: what can break, who owns it, whom to page and what to do first.

Services come from the policy file's `[services.<slug>]` tables or from a Backstage catalog
(bot.domain.backstage); both end as `Service` values checked the same way here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]{0,62}$")
USERGROUP_ID = re.compile(r"^S[A-Z0-9]{2,}$")
USERGROUP_HANDLE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,79}$")
HTTP_URL = re.compile(r"^https?://[^/\s<>|]+[^\s<>|]*$")
ROUTING_KEY = re.compile(r"^[A-Za-z0-9]{32}$")
MAX_RUNBOOK_STEPS = 20  # two blocks a step, within a message's 50
MAX_STEP = 300
MAX_NAME = 80
SERVICE_KEYS = (
    "name",
    "aliases",
    "owner",
    "oncall",
    "pagerduty_routing_key",
    "status_component",
    "runbook_url",
    "runbook",
    "tier",
)
_WORD = re.compile(r"[a-z0-9][a-z0-9._-]*")

Problem = Callable[[str, str], Exception]  # (key, what is wrong) -> the error to raise


@dataclass(frozen=True)
class Service:
    """One service of the catalog; `slug` is how it is stored and typed."""

    slug: str
    name: str
    aliases: tuple[str, ...] = ()
    owner: str | None = None  # user group handle or ID, mentioned when it becomes impacted
    oncall: str | None = None  # user group handle or ID, paged and invited
    pagerduty_routing_key: str | None = None
    status_component: str | None = None
    runbook_url: str | None = None
    runbook: tuple[str, ...] = ()
    tier: int | None = None

    def names(self) -> tuple[str, ...]:
        """Every way to name it: slug, name and aliases, lower-cased."""
        return tuple(dict.fromkeys(n.casefold() for n in (self.slug, self.name, *self.aliases)))


@dataclass(frozen=True)
class Catalog:
    """The services, in the order they were configured."""

    services: Mapping[str, Service] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.services)

    def get(self, slug: str) -> Service | None:
        """The service stored under `slug`, if the catalog still has it."""
        return self.services.get(slug)

    def find(self, name: str) -> Service | None:
        """The service this slug, name or alias names (any case)."""
        wanted = " ".join(name.casefold().split()).lstrip("#")
        return next((s for s in self.services.values() if wanted in s.names()), None)

    def named_in(self, title: str) -> tuple[str, ...]:
        """The slugs of the services a title names by a word or a phrase of its words."""
        words = " ".join(_WORD.findall(title.casefold()))
        padded = f" {words} "
        return tuple(
            s.slug
            for s in self.services.values()
            if any(f" {' '.join(_WORD.findall(n))} " in padded for n in s.names())
        )

    def close_matches(self, name: str, *, limit: int = 3) -> list[str]:
        """Names or aliases within a small edit distance of a typo, nearest first."""
        wanted = name.casefold().strip()
        scored: list[tuple[int, str]] = []
        for service in self.services.values():
            for candidate in service.names():
                distance = edit_distance(wanted, candidate)
                if distance <= max(1, min(3, len(candidate) // 3)) or (
                    len(wanted) >= 3 and candidate.startswith(wanted)
                ):
                    scored.append((distance, candidate))
        return list(dict.fromkeys(c for _, c in sorted(scored)))[:limit]


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance, a swap of two neighbours counting as one edit."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y))
            if i > 1 and j > 1 and x == b[j - 2] and a[i - 2] == y:
                cost = min(cost, previous2[j - 2] + 1)
            current.append(cost)
        previous2, previous = previous, current
    return previous[-1]


def service_from(slug: str, values: Mapping[str, object], problem: Problem) -> Service:
    """Check one service's values (the policy file's keys); `problem` makes the error."""
    if not SLUG.match(slug):
        raise problem("", "is not a service slug: lower-case letters, digits, . _ - (payments)")
    for key in values:
        if key not in SERVICE_KEYS:
            raise problem(key, f"is not a known key (expected {', '.join(SERVICE_KEYS)})")
    name = _text(values.get("name", slug), "name", problem, limit=MAX_NAME)
    aliases = tuple(
        _text(alias, "aliases", problem, limit=MAX_NAME)
        for alias in _list(values, "aliases", problem)
    )
    routing_key = values.get("pagerduty_routing_key")
    if routing_key is not None and not (
        isinstance(routing_key, str) and ROUTING_KEY.match(routing_key)
    ):
        raise problem("pagerduty_routing_key", "must be a 32-character integration key")
    url = values.get("runbook_url")
    if url is not None and not (isinstance(url, str) and HTTP_URL.match(url)):
        raise problem("runbook_url", "must be an http(s) URL")
    tier = values.get("tier")
    if tier is not None and (
        isinstance(tier, bool) or not isinstance(tier, int) or not 1 <= tier <= 5
    ):
        raise problem("tier", "must be a whole number from 1 to 5")
    component = values.get("status_component")
    if component is not None:
        component = _text(component, "status_component", problem, limit=MAX_NAME)
    return Service(
        slug=slug,
        name=name,
        aliases=aliases,
        owner=usergroup(values.get("owner"), "owner", problem),
        oncall=usergroup(values.get("oncall"), "oncall", problem),
        pagerduty_routing_key=routing_key,
        status_component=component,
        runbook_url=url,
        runbook=runbook_steps(values.get("runbook", []), problem),
        tier=tier,
    )


def usergroup(value: object, key: str, problem: Problem) -> str | None:
    """A user group handle (`@` dropped) or ID, or None when not given."""
    if value is None:
        return None
    group = value.strip().removeprefix("@") if isinstance(value, str) else ""
    if not (USERGROUP_ID.match(group) or USERGROUP_HANDLE.match(group)):
        raise problem(
            key, f"has {value!r}, not a user group handle (payments-oncall) or ID (S0123ABCD)"
        )
    return group


def runbook_steps(value: object, problem: Problem, key: str = "runbook") -> tuple[str, ...]:
    """A runbook checklist: a list of short, non-empty steps."""
    if not isinstance(value, list):
        raise problem(key, "must be a list of steps")
    steps = tuple(_text(step, key, problem, limit=MAX_STEP) for step in value)
    if len(steps) > MAX_RUNBOOK_STEPS:
        raise problem(key, f"has {len(steps)} steps; keep a checklist to {MAX_RUNBOOK_STEPS}")
    return steps


def build_catalog(services: Iterable[Service], problem: Callable[[str], Exception]) -> Catalog:
    """The catalog of these services; a name or alias claimed twice is an error."""
    owners: dict[str, str] = {}
    by_slug: dict[str, Service] = {}
    for service in services:
        if service.slug in by_slug:
            raise problem(f"service {service.slug} is defined twice")
        for name in service.names():
            if owners.setdefault(name, service.slug) != service.slug:
                raise problem(
                    f"service {service.slug}: {name!r} already names service {owners[name]}"
                )
        by_slug[service.slug] = service
    return Catalog(by_slug)


def _text(value: object, key: str, problem: Problem, *, limit: int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise problem(key, "must be a non-empty string")
    if len(value.strip()) > limit:
        raise problem(key, f"must be at most {limit} characters")
    return " ".join(value.split())


def _list(values: Mapping[str, object], key: str, problem: Problem) -> list[object]:
    value = values.get(key, [])
    if not isinstance(value, list):
        raise problem(key, "must be a list of strings")
    return value
