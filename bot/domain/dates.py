"""Due dates as people type them: `2025-01-22`, `jan 22`, `friday`, `+3d`, `tomorrow`."""

from __future__ import annotations

import re
from datetime import date, timedelta

from bot.domain.mrkdwn import escape_mrkdwn
from bot.errors import UserFacingError

_MONTHS = {
    name: n
    for n, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}
_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_RELATIVE = re.compile(r"^\+(\d{1,3})([dw])$")
_MONTH_DAY = re.compile(r"^([a-z]{3})[a-z]*\.?\s+(\d{1,2})$")
HOW = "Use `2025-01-22`, `jan 22`, `friday`, `+3d` or `tomorrow`."


def parse_due(text: str, *, today: date) -> date:
    """Read a due date relative to today (in the incident time zone); it must not be past."""
    word = " ".join(text.lower().split())
    due = _read(word, today)
    if due is None:
        raise UserFacingError(f"I can't read `{escape_mrkdwn(text)}` as a date. {HOW}")
    if due < today:
        raise UserFacingError(
            f"{due.isoformat()} has passed; give a due date from today ({today.isoformat()}) on."
        )
    return due


def _read(word: str, today: date) -> date | None:
    if word == "today":
        return today
    if word == "tomorrow":
        return today + timedelta(days=1)
    if word in _DAYS or (word[:3] in {d[:3] for d in _DAYS} and len(word) == 3):
        target = next(n for n, d in enumerate(_DAYS) if d.startswith(word[:3]))
        return today + timedelta(days=(target - today.weekday() - 1) % 7 + 1)
    relative = _RELATIVE.match(word)
    if relative:
        amount = int(relative.group(1)) * (7 if relative.group(2) == "w" else 1)
        return today + timedelta(days=amount)
    month_day = _MONTH_DAY.match(word)
    if month_day and month_day.group(1) in _MONTHS:
        month, day = _MONTHS[month_day.group(1)], int(month_day.group(2))
        for year in (today.year, today.year + 1):
            try:
                candidate = date(year, month, day)
            except ValueError:
                return None
            if candidate >= today:
                return candidate
    try:
        return date.fromisoformat(word)
    except ValueError:
        return None


def looks_like_date(text: str) -> bool:
    """Whether the words are meant as a date (so `due to timeouts` stays in a title)."""
    word = " ".join(text.lower().split())
    return bool(
        word in ("today", "tomorrow")
        or word in _DAYS
        or (word[:3] in {d[:3] for d in _DAYS} and len(word) == 3)
        or _RELATIVE.match(word)
        or (_MONTH_DAY.match(word) and word[:3] in _MONTHS)
        or re.match(r"^\d{4}-\d{1,2}-\d{1,2}$", word)
    )
