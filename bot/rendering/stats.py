"""The figures as people and programs read them: a Block Kit summary against the window
before, the JSON contract of `python -m bot stats`, CSV and text."""

from __future__ import annotations

import csv
import io
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import ContextBlock, HeaderBlock, MarkdownTextObject, SectionBlock

from bot.domain.figures import Durations, Figures, Summary, change
from bot.domain.severity import Severity

STATS_HEAD = "stats_head"
STATS_FIGURES = "stats_figures"
STATS_NOTE = "stats_note"


def _summary(summary: Summary) -> dict[str, Any]:
    return {
        "median": summary.median,
        "mean": summary.mean,
        "p90": summary.p90,
        "count": summary.count,
    }


def stats_json(figures: Figures, zone: ZoneInfo) -> dict[str, Any]:
    """The stable contract of `python -m bot stats --format json` (see the README)."""
    return {
        "since": figures.window.since.astimezone(zone).isoformat(),
        "until": figures.window.until.astimezone(zone).isoformat(),
        "incidents": {
            "total": figures.incidents,
            "start_defaulted": figures.start_defaulted,
            "by_severity": {s.value: figures.by_severity[s] for s in Severity},
            "per_week": [{"week": week, "count": count} for week, count in figures.per_week],
        },
        **_durations_json(figures.durations),
        "by_severity": {
            s.value: {"time_to_resolve_minutes": _summary(figures.durations_by_severity[s].resolve)}
            for s in Severity
        },
        "recurring": {"count": figures.recurring, "rate": figures.recurring_rate},
        "actions": {
            "created": figures.actions.created,
            "done": figures.actions.done,
            "wont_do": figures.actions.wont_do,
            "completion_rate": figures.actions.completion_rate,
            "median_days_to_complete": figures.actions.days_to_complete.median,
            "p90_days_to_complete": figures.actions.days_to_complete.p90,
        },
        "near_misses": {"count": figures.near_misses, "ratio": figures.near_miss_ratio},
        "drills": {"count": figures.drills},
    }


def _durations_json(durations: Durations) -> dict[str, Any]:
    return {
        "time_to_detect_minutes": _summary(durations.detect),
        "time_to_mitigate_minutes": _summary(durations.mitigate),
        "time_to_resolve_minutes": _summary(durations.resolve),
    }


CSV_FIELDS = ("figure", "median", "mean", "p90", "count")


def stats_csv(figures: Figures) -> str:
    """One row a duration (overall, per severity, days to complete an action item): its
    median, mean, p90 and count; an empty cell where there is nothing to measure."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for name, summary in _named_durations(figures):
        writer.writerow(
            [name, _cell(summary.median), _cell(summary.mean), _cell(summary.p90), summary.count]
        )
    return out.getvalue()


def _cell(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _named_durations(figures: Figures) -> list[tuple[str, Summary]]:
    rows = [
        ("time_to_detect_minutes", figures.durations.detect),
        ("time_to_mitigate_minutes", figures.durations.mitigate),
        ("time_to_resolve_minutes", figures.durations.resolve),
    ]
    rows += [
        (f"{s.value}_time_to_resolve_minutes", figures.durations_by_severity[s].resolve)
        for s in Severity
    ]
    rows.append(("days_to_complete_action", figures.actions.days_to_complete))
    return rows


def _minutes(value: float | None) -> str:
    if value is None:
        return "—"
    if value >= 120:
        return f"{value / 60:.1f} h"
    return f"{value:g} min"


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def _line(label: str, shown: str, current: float | None, previous: float | None) -> str:
    return f"*{label}:* {shown}  ({change(current, previous)} vs the window before)"


def _spread(summary: Summary) -> str:
    return (
        f"{_minutes(summary.median)} · mean {_minutes(summary.mean)} · p90 {_minutes(summary.p90)}"
    )


def stats_lines(current: Figures, previous: Figures) -> list[str]:
    """Each figure on a line, against the window of the same length before."""
    counts = " · ".join(f"{s.label} {current.by_severity[s]}" for s in Severity)
    shown = f"{current.incidents} ({counts})"
    lines = [_line("Incidents", shown, current.incidents, previous.incidents)]
    for label, now, then in (
        ("Time to detect", current.durations.detect, previous.durations.detect),
        ("Time to mitigate", current.durations.mitigate, previous.durations.mitigate),
        ("Time to resolve", current.durations.resolve, previous.durations.resolve),
    ):
        lines.append(_line(f"{label} (median)", _spread(now), now.median, then.median))
    rate, earlier = current.recurring_rate, previous.recurring_rate
    lines.append(_line("Recurring", f"{current.recurring} ({_percent(rate)})", rate, earlier))
    actions = current.actions
    done = (
        f"{_percent(actions.completion_rate)} of {actions.created} created "
        f"({actions.wont_do} won't do) · median {_days(actions.days_to_complete.median)} to done"
    )
    lines.append(
        _line("Action items done", done, actions.completion_rate, previous.actions.completion_rate)
    )
    caught = current.near_misses
    ratio_shown = "—" if current.near_miss_ratio is None else f"{current.near_miss_ratio:g}"
    lines.append(
        _line(
            "Near-misses caught",
            f"{caught} ({ratio_shown} per incident)",
            current.near_miss_ratio,
            previous.near_miss_ratio,
        )
    )
    return lines


def _days(value: float | None) -> str:
    return "—" if value is None else f"{value:g} days"


def stats_blocks(current: Figures, previous: Figures) -> list[dict[str, Any]]:
    """The private summary `/incident stats` answers with."""
    note = (
        f"Times from impact start, over the {current.durations.resolve.count} incidents "
        f"resolved in the window"
    )
    if current.start_defaulted:
        note += (
            f"; {current.start_defaulted} had no impact start or detection time set, so their "
            "declaration time stood in"
        )
    if current.drills:
        drills = "drill" if current.drills == 1 else "drills"
        note += f". {current.drills} {drills} ran in the window, counted in no figure"
    blocks = [
        HeaderBlock(block_id=STATS_HEAD, text=f"How we're doing: {current.window.label}"),
        SectionBlock(
            block_id=STATS_FIGURES,
            text=MarkdownTextObject(text="\n".join(stats_lines(current, previous))),
        ),
        ContextBlock(block_id=STATS_NOTE, elements=[MarkdownTextObject(text=note + ".")]),
    ]
    return [block.to_dict() for block in blocks]


def stats_text(current: Figures, previous: Figures) -> str:
    """The summary as plain text (the CLI's `--format text`)."""
    lines = [f"How we're doing: {current.window.label}"]
    lines += [line.replace("*", "") for line in stats_lines(current, previous)]
    return "\n".join(lines) + "\n"
