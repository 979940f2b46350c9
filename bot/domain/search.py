"""Reading a search of the archive: the words to find, and the `key:value` filters among them.

`payments timeout sev:1 service:payments tag:database since:2025-01-01 status:closed page:2`
— filters anywhere in the query; every other word is searched for (all of them must match),
common English words left out. Anything wrong is answered with what to write instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TypeVar
from zoneinfo import ZoneInfo

from bot.domain.catalog import Catalog
from bot.domain.severity import Severity, parse_severity
from bot.domain.status import ACTIVE, Status
from bot.errors import UserFacingError

_T = TypeVar("_T")
# Marks around the matched words in a snippet, replaced by the renderer once escaped.
MARK_START, MARK_END = "\x02", "\x03"
SNIPPET_WORDS = 18
MAX_TERMS = 12
MAX_PAGE = 50
TAG = re.compile(r"^[a-z0-9][a-z0-9._-]{0,39}$")
_FILTER = re.compile(r"^([a-z]+):(.*)$", re.IGNORECASE)
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
FILTERS = ("sev", "service", "tag", "since", "status", "page")
# Words both engines would drop (PostgreSQL's "english" stop words; FTS5 keeps them, so they
# are taken out here for both to find the same).
_STOP_WORDS = """
a about above after again against all am an and any are as at be because been before being
below between both but by can did do does doing down during each few for from further had
has have having he her here hers herself him himself his how i if in into is it its itself
just me more most my myself no nor not now of off on once only or other our ours ourselves
out over own same she should so some such than that the their theirs them themselves then
there these they this those through to too under until up very was we were what when where
which while who whom why will with you your yours yourself yourselves
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())
EXAMPLE = "`/incident search database timeout sev:1 service:payments since:2025-01-01`"


@dataclass(frozen=True)
class SearchQuery:
    """What to find, and what to narrow it to."""

    text: str
    terms: tuple[str, ...]
    severity: Severity | None = None
    service: str | None = None
    tag: str | None = None
    since: datetime | None = None
    statuses: tuple[str, ...] = ()
    page: int = 1


def read_search(text: str, *, catalog: Catalog, zone: ZoneInfo) -> SearchQuery:
    """The query typed, read; a UserFacingError names what is wrong and how to write it."""
    words: list[str] = []
    found: dict[str, object] = {}
    for word in text.split():
        match = _FILTER.match(word)
        if match is None or match.group(1).lower() not in FILTERS:
            if match is not None and not word.lower().startswith(("http:", "https:")):
                raise UserFacingError(
                    f"`{match.group(1)}:` is not a search filter; the filters are "
                    f"{', '.join(f'`{f}:`' for f in FILTERS)}. For example {EXAMPLE}."
                )
            words.append(word)
            continue
        key, value = match.group(1).lower(), match.group(2).strip()
        if key in found:
            raise UserFacingError(f"`{key}:` is given twice; give each filter once.")
        found[key] = _filter_value(key, value, catalog, zone)
    terms = tuple(
        dict.fromkeys(
            term
            for word in words
            for term in (w.lower() for w in _WORD.findall(word))
            if term not in STOP_WORDS
        )
    )
    if not terms:
        said = "only common words" if words else "no words to look for"
        raise UserFacingError(
            f"That search has {said}. Give a word that would be in the incident, its "
            f"postmortem or its timeline, e.g. {EXAMPLE}."
        )
    if len(terms) > MAX_TERMS:
        raise UserFacingError(f"Search for at most {MAX_TERMS} words at a time.")
    return SearchQuery(
        text=" ".join(text.split()),
        terms=terms,
        severity=_as(found.get("sev"), Severity),
        service=_as(found.get("service"), str),
        tag=_as(found.get("tag"), str),
        since=_as(found.get("since"), datetime),
        statuses=_statuses(found.get("status")),
        page=_as(found.get("page"), int) or 1,
    )


def _filter_value(key: str, value: str, catalog: Catalog, zone: ZoneInfo) -> object:
    if not value:
        raise UserFacingError(f"`{key}:` needs a value after it, e.g. {EXAMPLE}.")
    if key == "sev":
        severity = parse_severity(value if value.lower().startswith("sev") else f"sev{value}")
        if severity is None:
            raise UserFacingError(
                f"`sev:{value}` is not a severity: use `sev:1`, `sev:2` or `sev:3`."
            )
        return severity
    if key == "service":
        service = catalog.find(value)
        if service is None:
            close = catalog.close_matches(value)
            hint = f" Did you mean {', '.join(f'`service:{c}`' for c in close)}?" if close else ""
            raise UserFacingError(f"No service is named {value!r} in the catalog.{hint}")
        return service.slug
    if key == "tag":
        tag = value.lower()
        if not TAG.match(tag):
            raise UserFacingError(
                f"`tag:{value}` is not a tag: tags are lowercase letters, digits, `.`, `_` or "
                "`-`, e.g. `tag:database`."
            )
        return tag
    if key == "since":
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise UserFacingError(
                f"`since:{value}` is not a date: write it as `since:2025-01-01`."
            ) from None
        return datetime.combine(day, time(), zone)
    if key == "status":
        return value.lower()
    if not value.isdigit() or not 1 <= int(value) <= MAX_PAGE:
        raise UserFacingError(
            f"`page:{value}` is not a page: use `page:2` up to `page:{MAX_PAGE}`."
        )
    return int(value)


def _statuses(value: object) -> tuple[str, ...]:
    """`status:open` is every active status; `status:closed`, `status:resolved`… one each."""
    if value is None:
        return ()
    word = str(value)
    if word in ("open", "active"):
        return tuple(s.value for s in ACTIVE)
    if word in Status._value2member_map_:
        return (word,)
    choices = ", ".join(f"`status:{s}`" for s in ("open", *(s.value for s in Status)))
    raise UserFacingError(f"`status:{word}` is not a status; use one of {choices}.")


def _as(value: object, kind: type[_T]) -> _T | None:
    return value if isinstance(value, kind) else None


def snippet(text: str, terms: tuple[str, ...], *, words: int, start: str, end: str) -> str:
    """`words` words of `text` around the first place its terms are, each found word between
    `start` and `end`; the opening words when none is (the match was elsewhere)."""
    found = list(_WORD.finditer(text))
    if not found:
        return ""
    stems = tuple(_stem(term) for term in terms)
    hits = [i for i, word in enumerate(found) if word.group().lower().startswith(stems)]
    first = max(0, hits[0] - 3) if hits else 0
    shown = found[first : first + words]
    out, at = [], shown[0].start()
    for index, word in enumerate(shown, start=first):
        out.append(text[at : word.start()])
        out.append(f"{start}{word.group()}{end}" if index in hits else word.group())
        at = word.end()
    lead = "…" if first else ""
    tail = "…" if first + words < len(found) else ""
    return lead + "".join(out).strip() + tail


def _stem(term: str) -> str:
    """Enough of a word to find its forms ("exhausted" → "exhaust" finds "exhausts")."""
    for ending in ("ing", "ed", "es", "s"):
        if term.endswith(ending) and len(term) - len(ending) >= 3:
            return term[: -len(ending)]
    return term
