"""Incident channel names: `<prefix>-<YYYY-MM-DD>-<slug>`, within Slack's rules."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

MAX_CHANNEL_NAME = 80
# Letters NFKD does not decompose into ASCII.
_TRANSLITERATIONS = str.maketrans(
    {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
)
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(title: str) -> str:
    """Lowercase ASCII, accents transliterated, every other run of characters one hyphen."""
    lowered = title.lower().translate(_TRANSLITERATIONS)
    decomposed = unicodedata.normalize("NFKD", lowered)
    ascii_only = decomposed.encode("ascii", "ignore").decode("ascii")
    return _NOT_SLUG.sub("-", ascii_only).strip("-")


def channel_name(*, prefix: str, day: date, title: str, number: int, attempt: int = 1) -> str:
    """Name the channel; `attempt` > 1 adds `-2`, `-3`… after a name_taken."""
    stem = f"{prefix}-{day.isoformat()}"
    suffix = "" if attempt == 1 else f"-{attempt}"
    room = MAX_CHANNEL_NAME - len(stem) - 1 - len(suffix)
    slug = slugify(title)[:room].rstrip("-") or str(number)
    return f"{stem}-{slug}{suffix}"
