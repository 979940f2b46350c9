"""The postmortem's rules: where it stands, its sections, and when it is due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo


class PostmortemStatus(StrEnum):
    """Where the postmortem stands."""

    DRAFT = "draft"
    IN_REVIEW = "in review"
    PUBLISHED = "published"


@dataclass(frozen=True)
class Section:
    """A narrative section people write; `prompt` is shown while it is empty."""

    key: str
    title: str
    prompt: str


SECTIONS: tuple[Section, ...] = (
    Section("summary", "SUMMARY", "What happened, in two or three sentences?"),
    Section(
        "impact",
        "IMPACT",
        "Users affected: ?\nFailed requests: ?\nSupport tickets: ?\nEstimated revenue impact: ?",
    ),
    Section("root_cause", "ROOT CAUSE", "What in the system let this happen?"),
    Section(
        "contributing_factors",
        "CONTRIBUTING FACTORS",
        "What made it more likely, harder to detect, or slower to fix?",
    ),
    Section("went_well", "WHAT WENT WELL", "What helped: alerts, runbooks, people, tools?"),
    Section("could_improve", "WHAT COULD BE IMPROVED", "What would have made this smaller?"),
    Section(
        "action_items",
        "ACTION ITEMS",
        "One per line, e.g. `Add an alert on p99 latency @bob due 2025-01-22 P1`",
    ),
)

# A drill's short game-day review, instead of a postmortem.
GAME_DAY_SECTIONS: tuple[Section, ...] = (
    Section("summary", "SUMMARY", "What did the drill practise, and how did it go?"),
    Section("went_well", "WHAT WENT WELL", "What worked: alerts, runbooks, hand-overs, tools?"),
    Section(
        "monitoring_gaps",
        "GAPS IN MONITORING",
        "What should have alerted, or alerted sooner, and did not?",
    ),
    Section(
        "runbook_gaps",
        "GAPS IN RUNBOOKS",
        "Which step was missing, wrong or unclear when the team needed it?",
    ),
    SECTIONS[-1],
)
# Business days a game-day review is due after the drill, when its severity names none.
GAME_DAY_REVIEW_DUE = 5


def sections_for(*, is_drill: bool) -> tuple[Section, ...]:
    """A drill's game-day review sections, or a postmortem's."""
    return GAME_DAY_SECTIONS if is_drill else SECTIONS


def document_name(*, is_drill: bool) -> str:
    """The document's name in its file name."""
    return "game-day-review" if is_drill else "postmortem"


def due_on(resolved: datetime, business_days: int, zone: ZoneInfo) -> date:
    """The day a postmortem is due: `business_days` Monday-to-Friday days after resolution."""
    day = resolved.astimezone(zone).date()
    left = business_days
    while left:
        day += timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day


def business_days_between(start: date, end: date) -> int:
    """Monday-to-Friday days after `start` up to and including `end` (negative if before)."""
    if end < start:
        return -business_days_between(end, start)
    return sum(1 for n in range(1, (end - start).days + 1) if (start + timedelta(n)).weekday() < 5)
