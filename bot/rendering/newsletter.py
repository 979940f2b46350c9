"""The weekly newsletter: the week's incidents, what was learned, the action items and the
near-misses, and the week's figures against the week before; the rest in its thread."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from slack_sdk.models.blocks import DividerBlock, HeaderBlock

from bot.domain.figures import Figures
from bot.domain.mrkdwn import escape_mrkdwn
from bot.domain.severity import Severity
from bot.domain.status import Status
from bot.domain.times import duration
from bot.rendering.review import Post, line_sections, thread_parts
from bot.rendering.stats import stats_lines
from models import Incident, NearMiss

MAIN_INCIDENTS = 10
MAIN_LEARNINGS = 5
LEARNING_CHARS = 300


@dataclass(frozen=True)
class Learning:
    """A postmortem published in the week: its incident, summary, first improvement, link."""

    incident: Incident
    summary: str
    improvement: str
    link: str | None


@dataclass(frozen=True)
class Newsletter:
    """What the week's newsletter says, computed from the database; no Slack in it."""

    week: str
    now: datetime
    incidents: list[Incident]
    learnings: list[Learning]
    opened: int
    completed: int
    near_misses: list[NearMiss] = field(default_factory=list)
    figures: tuple[Figures, Figures] | None = None


def newsletter(letter: Newsletter) -> list[Post]:
    """The main message, then the thread replies that carry the rest of its lists."""
    public = [i for i in letter.incidents if not i.is_private]
    private = len(letter.incidents) - len(public)
    incident_lines = [incident_line(i, letter.now) for i in public]
    count = len(letter.incidents)
    head = f"*This week's incidents ({count})*" + (
        f" — {private} private, not named" if private else ""
    )
    learning_lines = [learning_line(entry) for entry in letter.learnings]
    blocks = [
        HeaderBlock(
            block_id="newsletter_header", text=f"📰 Incident newsletter · {letter.week}"
        ).to_dict(),
        *line_sections(
            "newsletter_incidents",
            [head, *incident_lines[:MAIN_INCIDENTS]]
            if count
            else ["*This week's incidents:* none. 🎉"],
        ),
        *line_sections(
            "newsletter_learnings",
            ["*What we learned*", *learning_lines[:MAIN_LEARNINGS]]
            if learning_lines
            else ["*What we learned:* no postmortem was published this week."],
        ),
        *line_sections(
            "newsletter_actions",
            [f"*Action items:* {letter.opened} opened, {letter.completed} completed"],
        ),
    ]
    if letter.near_misses:
        caught = [
            f"• *#{n.id}* {escape_mrkdwn(n.title)} — stopped by: {_clip(n.what_prevented)}"
            for n in letter.near_misses[:MAIN_INCIDENTS]
        ]
        blocks += line_sections(
            "newsletter_near_misses",
            [
                f"*Near-misses caught ({len(letter.near_misses)})* — before customers noticed 🎉",
                *caught,
            ],
        )
    if letter.figures:
        blocks.append(DividerBlock().to_dict())
        current, previous = letter.figures
        blocks += line_sections(
            "newsletter_figures",
            ["*This week against the week before*", *stats_lines(current, previous)],
        )
    main = Post(
        text=(
            f"📰 Incident newsletter {letter.week}: {count} incidents, "
            f"{len(letter.learnings)} postmortems published, {letter.completed} action items done."
        ),
        blocks=blocks,
    )
    parts = thread_parts("Incidents", incident_lines[MAIN_INCIDENTS:], MAIN_INCIDENTS, len(public))
    parts += thread_parts(
        "What we learned", learning_lines[MAIN_LEARNINGS:], MAIN_LEARNINGS, len(learning_lines)
    )
    replies = [
        Post(
            text=f"Incident newsletter {letter.week}, continued ({index}/{len(parts)})",
            blocks=line_sections(f"newsletter_part_{index}", lines),
        )
        for index, lines in enumerate(parts, start=1)
    ]
    return [main, *replies]


def incident_line(incident: Incident, now: datetime) -> str:
    """`• SEV1 *#12* payments down · 42 min · Closed · #channel`."""
    end = incident.resolved_at or now
    took = duration(incident.started_at, end) + ("" if incident.resolved_at else " so far")
    channel = f" · <#{incident.channel_id}>" if incident.channel_id else ""
    return (
        f"• {Severity(incident.severity).label} *#{incident.id}* {escape_mrkdwn(incident.title)}"
        f" · {took} · {Status(incident.status).label}{channel}"
    )


def learning_line(learning: Learning) -> str:
    """`• *#12* payments down: <summary> — to improve: <first point> · <link|postmortem>`."""
    incident = learning.incident
    text = f"• *#{incident.id}* {escape_mrkdwn(incident.title)}: {_clip(learning.summary)}"
    if learning.improvement:
        text += f" — _to improve:_ {_clip(learning.improvement)}"
    if learning.link:
        text += f" · <{learning.link}|the postmortem>"
    return text


def _clip(text: str) -> str:
    flat = " ".join(text.split())
    cut = flat if len(flat) <= LEARNING_CHARS else flat[: LEARNING_CHARS - 1].rstrip() + "…"
    return escape_mrkdwn(cut)
