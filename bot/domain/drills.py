"""Game days: how drills are announced and paged, and the library of scenarios they play.

A drill runs the real process for practice, but it is never announced as real, pages only
the groups `[drills] page_usergroups` names (never PagerDuty) and counts in no figure. A
scenario's injects are posted into the drill's channel at their times after declaration.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from bot.domain.severity import Severity, parse_severity

BANNER = "🧪 DRILL"
ANNOUNCE_CHOICES = ("line", "none")
MAX_INJECTS = 30
MAX_INJECT_TEXT = 500
MAX_SCENARIO_NAME = 80
MAX_DESCRIPTION = 500
_LONGEST_INJECT = timedelta(days=1)
_DURATION = re.compile(r"^(?:(\d+)h)?\s*(?:(\d+)m)?\s*(?:(\d+)s)?$")
_SCENARIO_KEYS = ("name", "description", "severity", "injects")

Problem = Callable[[str, str], Exception]  # (key, what is wrong) -> the error to raise


@dataclass(frozen=True)
class Inject:
    """A scripted event posted into the drill channel `at` after the drill was declared."""

    at: timedelta
    text: str


@dataclass(frozen=True)
class Scenario:
    """A game day the team can run again: what it practises, at what severity, its injects."""

    name: str
    description: str
    severity: Severity
    injects: tuple[Inject, ...] = ()


@dataclass(frozen=True)
class DrillPolicy:
    """How drills are announced ("line": one line marked DRILL; "none"), whom they page,
    and the scenario library."""

    announce: str = "line"
    page_usergroups: tuple[str, ...] = ()
    scenarios: tuple[Scenario, ...] = field(default_factory=tuple)

    def scenario(self, name: str) -> Scenario | None:
        """The scenario of this name, ignoring case and spacing."""
        wanted = _folded(name)
        return next((s for s in self.scenarios if _folded(s.name) == wanted), None)


def parse_duration(text: str) -> timedelta | None:
    """`90s`, `5m`, `1h30m` as a time after declaration (at most a day), or None."""
    match = _DURATION.match(text.strip().lower())
    if not text.strip() or match is None or not any(match.groups()):
        return None
    hours, minutes, seconds = (int(g or 0) for g in match.groups())
    at = timedelta(hours=hours, minutes=minutes, seconds=seconds)
    return at if at <= _LONGEST_INJECT else None


def scenario_from(index: int, values: object, problem: Problem) -> Scenario:
    """One `[[drills.scenarios]]` table, checked; `problem` names what is wrong in it."""
    where = f"drills.scenarios[{index}]"
    if not isinstance(values, Mapping):
        raise problem(where, "must be a table, written [[drills.scenarios]]")
    for key in values:
        if key not in _SCENARIO_KEYS:
            raise problem(
                f"{where}.{key}", f"is not a known key (expected {', '.join(_SCENARIO_KEYS)})"
            )
    name = _text(values.get("name"), f"{where}.name", problem, limit=MAX_SCENARIO_NAME)
    description = _text(
        values.get("description", name), f"{where}.description", problem, limit=MAX_DESCRIPTION
    )
    severity = parse_severity(str(values.get("severity", "sev3")))
    if severity is None:
        raise problem(f"{where}.severity", 'must be "sev1", "sev2" or "sev3"')
    injects = values.get("injects", [])
    if not isinstance(injects, list) or len(injects) > MAX_INJECTS:
        raise problem(f"{where}.injects", f"must be a list of at most {MAX_INJECTS} injects")
    return Scenario(
        name=name,
        description=description,
        severity=severity,
        injects=tuple(
            sorted(
                (_inject(f"{where}.injects[{n}]", v, problem) for n, v in enumerate(injects)),
                key=lambda inject: inject.at,
            )
        ),
    )


def _inject(where: str, values: object, problem: Problem) -> Inject:
    if not isinstance(values, Mapping) or set(values) != {"at", "text"}:
        raise problem(where, 'must be written {at = "5m", text = "what happens"}')
    at = parse_duration(str(values["at"]))
    if at is None:
        raise problem(f"{where}.at", 'must be a time after the start such as "90s", "5m", "1h30m"')
    return Inject(at=at, text=_text(values["text"], f"{where}.text", problem, MAX_INJECT_TEXT))


def _text(value: object, where: str, problem: Problem, limit: int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise problem(where, "must be a non-empty string")
    if len(value.strip()) > limit:
        raise problem(where, f"must be at most {limit} characters")
    return " ".join(value.split())


def _folded(name: str) -> str:
    return " ".join(name.lower().split())


def since_start(at: timedelta) -> str:
    """How an inject's time reads: `+5m`, `+1h30m`, `+90s`."""
    seconds = int(at.total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = [f"{hours}h" if hours else "", f"{minutes}m" if minutes else ""]
    parts.append(f"{seconds}s" if seconds or not any(parts) else "")
    return "+" + "".join(parts)
