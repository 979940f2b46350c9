"""`python -m bot stats`: print the figures of a window as JSON (the stable contract in the
README), CSV or text; `python -m bot near-misses`: export the window's near-misses as JSON or
CSV. They only read; no Slack settings are needed."""

from __future__ import annotations

import json
import re
import sys
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.exc import SQLAlchemyError

from bot.app.factory import build_runtime
from bot.clock import Clock, SystemClock
from bot.domain.figures import Window
from bot.rendering.near_misses import near_misses_csv, near_misses_json
from bot.rendering.stats import stats_csv, stats_json, stats_text
from bot.services.stats import measure_with_previous
from bot.settings import Settings
from models import near_misses as near_miss_rows

FORMATS = ("json", "csv", "text")
DEFAULT_DAYS = 30
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def window_between(
    since: str | None, until: str | None, *, now: datetime, zone: ZoneInfo
) -> Window:
    """`--since` from the start of its day, `--until` through the end of its day (ISO times as
    given); without them, the 30 days up to now. Raises ValueError naming the bad one."""
    end = _moment(until, "--until", zone, end_of_day=True) if until else now
    start = _moment(since, "--since", zone) if since else end - timedelta(days=DEFAULT_DAYS)
    if start >= end:
        raise ValueError(
            f"--since ({start.isoformat()}) must come before --until ({end.isoformat()})"
        )
    return Window(start, end, f"{start.date().isoformat()} to {end.date().isoformat()}")


def _moment(text: str, flag: str, zone: ZoneInfo, *, end_of_day: bool = False) -> datetime:
    text = text.strip()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"{flag} {text!r} is not a date (2025-01-31) or an ISO 8601 time "
            "(2025-01-31T09:00+01:00)"
        ) from None
    if _DAY.match(text):
        day = moment.date() + timedelta(days=1 if end_of_day else 0)
        return datetime.combine(day, time(), zone)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)


async def run_stats(
    settings: Settings,
    *,
    since: str | None,
    until: str | None,
    output_format: str,
    clock: Clock | None = None,
) -> int:
    """Print the figures; 2 with one line on a bad window, 1 if the database cannot be read."""
    now = (clock or SystemClock()).now()
    try:
        window = window_between(since, until, now=now, zone=settings.zone)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    runtime = build_runtime(settings, clock=clock)
    try:
        current, previous = await measure_with_previous(runtime.deps, window)
    except SQLAlchemyError as error:
        return _unreadable(error)
    finally:
        await runtime.close()
    if output_format == "json":
        print(json.dumps(stats_json(current, settings.zone), indent=2, ensure_ascii=False))
    elif output_format == "csv":
        print(stats_csv(current), end="")
    else:
        print(stats_text(current, previous), end="")
    return 0


async def run_near_miss_export(
    settings: Settings,
    *,
    since: str | None,
    until: str | None,
    output_format: str,
    clock: Clock | None = None,
) -> int:
    """Print the window's near-misses, oldest first; 2 on a bad window, 1 if unreadable."""
    now = (clock or SystemClock()).now()
    try:
        window = window_between(since, until, now=now, zone=settings.zone)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    runtime = build_runtime(settings, clock=clock)
    try:
        async with runtime.deps.sessions() as session:
            found = await near_miss_rows.recorded_between(
                session=session, since=window.since, until=window.until
            )
    except SQLAlchemyError as error:
        return _unreadable(error)
    finally:
        await runtime.close()
    if output_format == "json":
        rows = near_misses_json(found, settings.zone)
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        print(near_misses_csv(found, settings.zone), end="")
    return 0


def _unreadable(error: SQLAlchemyError) -> int:
    problem = str(getattr(error, "orig", None) or type(error).__name__)
    print(f"Cannot read incidents from DATABASE_URL: {problem}", file=sys.stderr)
    return 1
