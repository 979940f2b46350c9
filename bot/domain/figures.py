"""The figures a team tracks to know it is getting better, defined once for every view.

- Time to detect = detected − started; time to mitigate = mitigated − started (resolved
  without a mitigation step: mitigated when resolved); time to resolve = resolved − started.
  Impact start, not declaration. Over incidents *resolved* in the window; median (the mean of
  the middle two for an even count), mean and p90 (nearest rank), in minutes.
- Frequency: incidents *declared* in the window, per severity and per ISO week.
- Recurring rate: incidents declared in the window that recur an earlier one ÷ incidents.
- Action completion: of the items created in the window, the share done (won't-do apart);
  days from creation to done, median and p90.
- Near-miss ratio: near-misses recorded in the window ÷ incidents declared in the window
  (near-misses are never incidents: they have their own table and numbers).
A figure with nothing to measure is None, never 0.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.severity import Severity
from bot.errors import UserFacingError

DEFAULT_WINDOW = "30d"
WINDOW_CHOICES = "7d, 30d, 90d, quarter or a month such as 2025-01"
_DAYS = re.compile(r"^(\d{1,3})d$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Window:
    """[since, until): the span a figure is measured over."""

    since: datetime
    until: datetime
    label: str

    def previous(self) -> Window:
        """The window of the same length just before this one."""
        length = self.until - self.since
        return Window(self.since - length, self.since, f"the {self.label} before")


def window_named(text: str, *, now: datetime, zone: ZoneInfo) -> Window:
    """`7d`, `30d`, `90d` (up to now), `quarter` (the 90 days up to now) or `YYYY-MM` (that
    month, in the incident time zone); anything else is answered with the choices."""
    word = (text or DEFAULT_WINDOW).strip().lower()
    if word == "quarter":
        word = "90d"
    if match := _DAYS.match(word):
        days = int(match.group(1))
        if 1 <= days <= 366:
            return Window(now - timedelta(days=days), now, f"last {days} days")
    if match := _MONTH.match(word):
        year, month = int(match.group(1)), int(match.group(2))
        if 1 <= month <= 12 and 2000 <= year <= 2100:
            start = datetime.combine(date(year, month, 1), time(), zone)
            end = datetime.combine(date(year + month // 12, month % 12 + 1, 1), time(), zone)
            return Window(start, min(end, now) if start <= now else end, start.strftime("%B %Y"))
    raise UserFacingError(
        f"`{text.replace('`', chr(39))}` is not a window. Use {WINDOW_CHOICES}, "
        "e.g. `/incident stats 90d`."
    )


@dataclass(frozen=True)
class Summary:
    """Median, mean and p90 of some durations (minutes or days); None when there are none."""

    median: float | None
    mean: float | None
    p90: float | None
    count: int


def summarize(values: Sequence[float]) -> Summary:
    """Median (mean of the middle two for an even count), mean and p90 (nearest rank)."""
    if not values:
        return Summary(None, None, None, 0)
    ordered = sorted(values)
    count = len(ordered)
    middle = count // 2
    median = ordered[middle] if count % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    p90 = ordered[max(math.ceil(0.9 * count), 1) - 1]
    return Summary(_round(median), _round(sum(ordered) / count), _round(p90), count)


def _round(value: float) -> float:
    return round(value, 2)


def ratio(part: int, whole: int) -> float | None:
    """part ÷ whole, rounded; None when the whole is 0 (nothing to measure)."""
    return round(part / whole, 4) if whole else None


def iso_week(moment: datetime, zone: ZoneInfo) -> str:
    """`2025-W03`, the ISO week of a moment in the incident time zone."""
    year, week, _ = moment.astimezone(zone).isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class Resolved:
    """One incident resolved in the window: minutes from impact start to detection, to
    mitigation (to resolution when never mitigated) and to resolution."""

    severity: Severity
    detect: float
    mitigate: float
    resolve: float
    # Its impact start or detection was never set: the declaration time stood in.
    start_defaulted: bool = False


@dataclass(frozen=True)
class Durations:
    """Time to detect, mitigate and resolve of a set of resolved incidents."""

    detect: Summary
    mitigate: Summary
    resolve: Summary


def durations(incidents: Sequence[Resolved]) -> Durations:
    """The three durations, in minutes from impact start (never below 0: a time set out of
    order is not negative time)."""
    return Durations(
        detect=summarize([max(i.detect, 0.0) for i in incidents]),
        mitigate=summarize([max(i.mitigate, 0.0) for i in incidents]),
        resolve=summarize([max(i.resolve, 0.0) for i in incidents]),
    )


@dataclass(frozen=True)
class Actions:
    """The action items created in a window and how they closed."""

    created: int
    done: int
    wont_do: int
    days_to_complete: Summary

    @property
    def completion_rate(self) -> float | None:
        """The share done of the items created (won't-do counted apart, in the whole)."""
        return ratio(self.done, self.created)


@dataclass(frozen=True)
class Figures:
    """Every figure of one window."""

    window: Window
    incidents: int
    by_severity: dict[Severity, int]
    per_week: list[tuple[str, int]]
    start_defaulted: int  # resolved incidents whose start or detection the declaration stood in for
    durations: Durations
    durations_by_severity: dict[Severity, Durations]
    recurring: int
    actions: Actions
    near_misses: int = 0
    drills: int = 0  # game days declared in the window, counted in no other figure

    @property
    def recurring_rate(self) -> float | None:
        """Recurrences ÷ incidents declared in the window."""
        return ratio(self.recurring, self.incidents)

    @property
    def near_miss_ratio(self) -> float | None:
        """Near-misses recorded ÷ incidents declared in the window."""
        return ratio(self.near_misses, self.incidents)


def figures(
    window: Window,
    *,
    declared: Sequence[tuple[Severity, datetime, bool]],
    resolved: Sequence[Resolved],
    actions: Actions,
    zone: ZoneInfo,
    near_misses: int = 0,
    drills: int = 0,
) -> Figures:
    """The figures of a window from its incidents declared (severity, when, a recurrence?),
    its incidents resolved and its action items (drills left out of all three)."""
    per_week = dict.fromkeys(weeks(window, zone), 0)
    for _, at, _ in declared:
        week = iso_week(at, zone)
        per_week[week] = per_week.get(week, 0) + 1
    return Figures(
        window=window,
        incidents=len(declared),
        by_severity={s: sum(1 for d in declared if d[0] is s) for s in Severity},
        per_week=sorted(per_week.items()),
        start_defaulted=sum(1 for r in resolved if r.start_defaulted),
        durations=durations(resolved),
        durations_by_severity={
            s: durations([r for r in resolved if r.severity is s]) for s in Severity
        },
        recurring=sum(1 for d in declared if d[2]),
        actions=actions,
        near_misses=near_misses,
        drills=drills,
    )


def weeks(window: Window, zone: ZoneInfo) -> list[str]:
    """Every ISO week the window touches, in order."""
    found: list[str] = []
    day = window.since.astimezone(zone).date()
    last = (window.until - timedelta(microseconds=1)).astimezone(zone).date()
    while day <= last:
        week = iso_week(datetime.combine(day, time(12), zone), zone)
        if week not in found:
            found.append(week)
        day += timedelta(days=1)
    return found


def change(current: float | None, previous: float | None) -> str:
    """`↑ 12` / `↓ 3.5` / `=` / `—` (nothing to compare) for a figure against the window before."""
    if current is None or previous is None:
        return "—"
    delta = round(current - previous, 2)
    if delta == 0:
        return "="
    shown = f"{abs(delta):g}"
    return f"↑ {shown}" if delta > 0 else f"↓ {shown}"
