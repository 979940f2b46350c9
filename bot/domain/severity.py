"""Severities and the response each calls for (the built-in severity policy)."""

from __future__ import annotations

import re
from enum import StrEnum


class Severity(StrEnum):
    """How bad it is; SEV1 is the worst."""

    SEV1 = "sev1"
    SEV2 = "sev2"
    SEV3 = "sev3"

    @property
    def label(self) -> str:
        """Return the short label people read, e.g. SEV1."""
        return self.value.upper()

    @property
    def rank(self) -> int:
        """1 for the worst; a smaller rank is more severe."""
        return int(self.value.removeprefix("sev"))


_WORDS = {"critical": Severity.SEV1, "major": Severity.SEV2, "minor": Severity.SEV3}
_SEV_NUMBER = re.compile(r"^sev-?(\d+)$")
# Anything that looks like an attempt at a severity word, valid or not.
_SEV_LIKE = re.compile(r"^(sev\S*|p\d)$")


def parse_severity(word: str) -> Severity | None:
    """Read `sev1`, `SEV-1`, `critical` and friends; None when the word is not one."""
    lowered = word.lower()
    if lowered in _WORDS:
        return _WORDS[lowered]
    match = _SEV_NUMBER.match(lowered)
    if match and f"sev{int(match.group(1))}" in Severity._value2member_map_:
        return Severity(f"sev{int(match.group(1))}")
    return None


def looks_like_severity(word: str) -> bool:
    """Tell whether a word was meant as a severity (so a bad one gets an answer, not a title)."""
    return _SEV_LIKE.match(word.lower()) is not None
