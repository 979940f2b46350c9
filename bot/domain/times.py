"""Times as people type and read them, in the incident time zone."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.mrkdwn import escape_mrkdwn
from bot.errors import UserFacingError

_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")
_FULL = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T](\d{1,2}):(\d{2})$")


def local_time(moment: datetime, zone: ZoneInfo) -> str:
    """`2025-01-15 14:02 CET`."""
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")


def clock_time(moment: datetime, zone: ZoneInfo) -> str:
    """`14:02`."""
    return moment.astimezone(zone).strftime("%H:%M")


def duration(start: datetime, end: datetime) -> str:
    """`1 h 23 min`, `2 d 3 h`, `45 min`, `under a minute`."""
    minutes = int((end - start).total_seconds() // 60)
    if minutes < 1:
        return "under a minute"
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {mins} min" if mins else f"{hours} h"
    return f"{mins} min"


def parse_local_time(text: str, *, now: datetime, zone: ZoneInfo, future: bool = False) -> datetime:
    """Read `13:52` or `2025-01-15 13:52` in the zone: the latest such past moment, or with
    `future` the next one to come."""
    text = text.strip()
    full = _FULL.match(text)
    clock = _CLOCK.match(text)
    try:
        if full:
            day = date.fromisoformat(full.group(1))
            moment = _at(day, int(full.group(2)), int(full.group(3)), zone)
        elif clock:
            today = now.astimezone(zone).date()
            moment = _at(today, int(clock.group(1)), int(clock.group(2)), zone)
            if future and moment <= now:
                moment = _at(today + timedelta(days=1), moment.hour, moment.minute, zone)
            elif not future and moment > now:
                moment = _at(today - timedelta(days=1), moment.hour, moment.minute, zone)
        else:
            raise ValueError(text)
    except ValueError:
        raise UserFacingError(
            f"I can't read `{escape_mrkdwn(text)}` as a time. Use `13:52` or `2025-01-15 13:52` "
            f"({zone.key})."
        ) from None
    if future and moment <= now:
        raise UserFacingError(f"`{escape_mrkdwn(text)}` has passed; give a time to come.")
    if not future and moment > now:
        raise UserFacingError(
            f"`{escape_mrkdwn(text)}` is in the future; give a time that has passed."
        )
    return moment


def _at(day: date, hour: int, minute: int, zone: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)
