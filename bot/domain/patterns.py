"""What comes back across incidents: the services and tags most often impacted, the words of
contributing factors and root causes most often written, and the recurrences."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from bot.domain.search import STOP_WORDS

TOP = 5
TOP_WORDS = 8
MIN_WORD = 4
_WORD = re.compile(r"[a-z][a-z0-9-]+")
# Words every postmortem uses, which say nothing about a pattern.
_PLAIN_WORDS = (
    "incident incidents issue issues problem caused cause causes because also could would "
    "which when were there their been being after before during"
)
_PLAIN = frozenset(_PLAIN_WORDS.split())


@dataclass(frozen=True)
class Seen:
    """An incident as the patterns read it."""

    number: int
    is_private: bool
    services: tuple[str, ...]
    tags: tuple[str, ...]
    factors: str  # its postmortem's contributing factors and root cause
    recurrence_of: int | None


@dataclass(frozen=True)
class Pattern:
    """Something that came back, and the incidents behind it."""

    what: str
    incidents: tuple[Seen, ...]


@dataclass(frozen=True)
class Patterns:
    """The window's patterns: each list the most frequent first, two incidents at least."""

    incidents: int
    services: list[Pattern]
    tags: list[Pattern]
    words: list[Pattern]
    recurrences: list[Seen]


def find_patterns(seen: Sequence[Seen]) -> Patterns:
    """The services, tags and factor words of two incidents or more, and the recurrences."""
    return Patterns(
        incidents=len(seen),
        services=_most(seen, lambda s: s.services, TOP),
        tags=_most(seen, lambda s: s.tags, TOP),
        words=_most(seen, lambda s: _factor_words(s.factors), TOP_WORDS),
        recurrences=[s for s in seen if s.recurrence_of is not None],
    )


def _most(seen: Sequence[Seen], keys: Callable[[Seen], Iterable[str]], limit: int) -> list[Pattern]:
    behind: dict[str, list[Seen]] = {}
    for incident in seen:
        for key in dict.fromkeys(keys(incident)):
            behind.setdefault(key, []).append(incident)
    ranked = sorted(
        ((key, found) for key, found in behind.items() if len(found) >= 2),
        key=lambda pair: (-len(pair[1]), pair[0]),
    )
    return [Pattern(key, tuple(found)) for key, found in ranked[:limit]]


def _factor_words(text: str) -> Iterable[str]:
    for word in _WORD.findall(text.lower()):
        if len(word) >= MIN_WORD and word not in STOP_WORDS and word not in _PLAIN:
            yield word
