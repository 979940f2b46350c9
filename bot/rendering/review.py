"""The weekly action-item review (a summary, the first rows, the rest in its thread) and the
overdue DM with its controls. Every message stays within Block Kit's limits by construction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    DatePickerElement,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
)

from bot.domain.mrkdwn import escape_mrkdwn
from bot.domain.times import duration
from bot.rendering.text import MESSAGE_BLOCKS, SECTION_LIMIT, text_sections, text_size
from bot.slack.ids import ActionId, BlockId
from models.action_review import ItemRow, Review

MAIN_OVERDUE_ROWS = 15
MAIN_COMPLETED_ROWS = 10
MAIN_NEAR_MISS_ROWS = 10
THREAD_ROWS = 40
DM_ITEMS_WITH_CONTROLS = 20
# Long titles are cut, so that one line always fits in a section.
TITLE_CHARS = 120
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Post:
    """One message: its notification text and its blocks."""

    text: str
    blocks: list[dict[str, Any]]


def weekly_review(review: Review, prefix: str) -> list[Post]:
    """The review's main message, then the thread replies that carry the rest of its lists."""
    overdue = [overdue_line(review, row, prefix) for row in review.overdue]
    completed = [completed_line(row, prefix) for row in review.completed]
    blocks: list[dict[str, Any]] = [
        HeaderBlock(
            block_id="review_header", text=f"📋 Action-item review · {review.week}"
        ).to_dict(),
        *text_sections("review_summary", summary(review)),
        DividerBlock().to_dict(),
        *line_sections(
            "review_overdue",
            [f"*Overdue ({len(overdue)})*", *overdue[:MAIN_OVERDUE_ROWS]]
            if overdue
            else ["*Overdue:* nothing. 🙌"],
        ),
        *line_sections(
            "review_completed",
            [
                f"*Completed since the last review ({len(completed)})*",
                *completed[:MAIN_COMPLETED_ROWS],
            ]
            if completed
            else ["*Completed since the last review:* nothing yet."],
        ),
    ]
    if review.near_misses:
        blocks += line_sections("review_near_misses", near_miss_lines(review))
    more_overdue = overdue[MAIN_OVERDUE_ROWS:]
    more_completed = completed[MAIN_COMPLETED_ROWS:]
    if more_overdue or more_completed:
        note = (
            f"🧵 The full list continues in the thread: {len(more_overdue)} more overdue, "
            f"{len(more_completed)} more completed."
        )
        blocks.append(
            ContextBlock(block_id="review_more", elements=[MarkdownTextObject(text=note)]).to_dict()
        )
    main = Post(
        text=(
            f"📋 Action-item review {review.week}: {review.open_count} open, "
            f"{review.overdue_count} overdue, {len(completed)} completed since the last review."
        ),
        blocks=blocks,
    )
    parts = thread_parts("Overdue", more_overdue, MAIN_OVERDUE_ROWS, len(overdue))
    parts += thread_parts("Completed", more_completed, MAIN_COMPLETED_ROWS, len(completed))
    replies = [
        Post(
            text=f"Action-item review {review.week}, continued ({index}/{len(parts)})",
            blocks=line_sections(f"review_part_{index}", lines),
        )
        for index, lines in enumerate(parts, start=1)
    ]
    return [main, *replies]


def summary(review: Review) -> str:
    """Counts by priority, overdue and escalated, completion over the window, postmortems."""
    by_priority = " · ".join(
        f"{priority}: {count.open}" + (f" ({count.overdue} overdue)" if count.overdue else "")
        for priority, count in review.counts.items()
    )
    escalated = sum(1 for row in review.overdue if review.escalated(row))
    rate = review.completion.rate
    median = review.completion.median_to_complete
    done = (
        f"{rate:.0%} of {_items(review.completion.created)} created are done"
        if rate is not None
        else "no items created"
    )
    took = f" · median time to complete {duration(_EPOCH, _EPOCH + median)}" if median else ""
    return "\n".join(
        [
            f"*{_items(review.open_count, 'open action')}* — {by_priority}",
            f"*{review.overdue_count} overdue*, {escalated} of them over "
            f"{review.escalate_after_days} days (escalated to the IC)",
            f"*{len(review.completed)} completed since the last review*"
            + (" 🎉" if review.completed else ""),
            f"*Last {review.window_days} days:* {done}{took}",
            *([trend_line(review.resolve_trend)] if review.resolve_trend else []),
            f"*Postmortems not yet published:* {review.unpublished_postmortems}",
        ]
    )


def trend_line(medians: list[float | None]) -> str:
    """`*Time to resolve, median by week:* 52 min → — → 41 min (↓ 11 min)`, oldest first."""
    shown = " → ".join("—" if m is None else _minutes(m) for m in medians)
    measured = [m for m in medians if m is not None]
    if len(measured) >= 2 and measured[-1] != measured[0]:
        arrow = "↓" if measured[-1] < measured[0] else "↑"
        shown += f" ({arrow} {_minutes(abs(measured[-1] - measured[0]))})"
    return f"*Time to resolve, median of each of the last {len(medians)} weeks:* {shown}"


def _minutes(value: float) -> str:
    return f"{value / 60:.1f} h" if value >= 120 else f"{value:.0f} min"


def near_miss_lines(review: Review) -> list[str]:
    """The near-misses caught since the last review, celebrated."""
    count = len(review.near_misses)
    lines = [
        f"*Near-misses caught since the last review ({count})* — caught before customers noticed 🎉"
    ]
    lines += [
        f"• *#{number}* {_clip(title)} — stopped by: {_clip(prevented)}"
        for number, title, prevented in review.near_misses[:MAIN_NEAR_MISS_ROWS]
    ]
    if count > MAIN_NEAR_MISS_ROWS:
        lines.append(f"…and {count - MAIN_NEAR_MISS_ROWS} more: `/incident near-misses`")
    return lines


def _items(count: int, kind: str = "") -> str:
    """`1 item`, `3 open action items`."""
    noun = f"{kind} item" if kind else "item"
    return f"{count} {noun}{'' if count == 1 else 's'}"


def overdue_line(review: Review, row: ItemRow, prefix: str) -> str:
    """`• *INC-12* Fix retries · P1 · @bob · 3 days overdue · #4 Payments down`; a private
    incident's item shows neither its title nor its incident."""
    owner = f"<@{row.owner}>" if row.owner else "_no owner_"
    late = _days(review.days_overdue(row)) + " overdue"
    if row.is_private:
        line = f"• *{prefix}-{row.number}* · {row.priority} · _private incident_ · {owner} · {late}"
    else:
        line = (
            f"• *{prefix}-{row.number}* {_clip(row.title)} · {row.priority} · {owner} · {late}"
            f" · #{row.incident_id} {_clip(row.incident_title)}"
        )
    if review.escalated(row):
        line += f" · 🔺 escalated, IC <@{row.commander}>" if row.commander else " · 🔺 escalated"
    return line


def completed_line(row: ItemRow, prefix: str) -> str:
    """`🎉 *INC-7* Add an alert · #3 Payments down · thanks @bob!`"""
    what = (
        f"*{prefix}-{row.number}* · _private incident_"
        if row.is_private
        else f"*{prefix}-{row.number}* {_clip(row.title)} · #{row.incident_id} "
        f"{_clip(row.incident_title)}"
    )
    return f"🎉 {what}" + (f" · thanks <@{row.owner}>!" if row.owner else "")


def overdue_dm(rows: list[ItemRow], today: date, prefix: str) -> Post:
    """One owner's overdue items, each with *Mark done* and a date picker (the first 20),
    the rest as lines."""
    count = f"{len(rows)} overdue action item{'s' if len(rows) != 1 else ''}"
    intro = f"⏰ You have {count}. Mark them done, or move the due date if the plan changed:"
    blocks: list[dict[str, Any]] = text_sections("overdue_intro", intro)
    for row in rows[:DM_ITEMS_WITH_CONTROLS]:
        blocks += text_sections(
            f"{BlockId.DM_ITEM_PREFIX}{row.number}", _dm_line(row, today, prefix)
        )
        picker = DatePickerElement(
            action_id=ActionId.ITEM_DUE,
            placeholder="Move the due date",
            initial_date=row.due_on.isoformat() if row.due_on else None,
        )
        done = ButtonElement(
            text="Mark done", action_id=ActionId.ITEM_DONE, value=str(row.number), style="primary"
        )
        blocks.append(
            ActionsBlock(
                block_id=f"{BlockId.ITEM_PREFIX}{row.number}", elements=[done, picker]
            ).to_dict()
        )
    rest = [_dm_line(row, today, prefix) for row in rows[DM_ITEMS_WITH_CONTROLS:]]
    if rest:
        chunks = _packed(["*And also:*", *rest])
        room = MESSAGE_BLOCKS - len(blocks)
        if len(chunks) > room:
            chunks = chunks[: room - 1]
            left = len(rest) + 1 - sum(len(chunk) for chunk in chunks)
            chunks.append([f"…and {left} more: `/incident actions mine` lists them all."])
        blocks += line_sections("overdue_rest", ["\n".join(chunk) for chunk in chunks])
    return Post(text=f"⏰ You have {count}.", blocks=blocks)


def _dm_line(row: ItemRow, today: date, prefix: str) -> str:
    late = _days((today - row.due_on).days) if row.due_on else "?"
    due = f" (due {row.due_on.isoformat()})" if row.due_on else ""
    lock = " 🔒" if row.is_private else ""
    return (
        f"*{prefix}-{row.number}* {_clip(row.title)} · {row.priority} · {late} overdue{due}"
        f" · #{row.incident_id} {_clip(row.incident_title)}{lock}"
    )


def thread_parts(name: str, lines: list[str], shown: int, total: int) -> list[list[str]]:
    """The rest of a list in parts of THREAD_ROWS lines, each headed with its range."""
    parts = []
    for start in range(0, len(lines), THREAD_ROWS):
        part = lines[start : start + THREAD_ROWS]
        first = shown + start + 1
        parts.append([f"*{name}, continued ({first}–{first + len(part) - 1} of {total})*", *part])
    return parts


def line_sections(block_id: str, lines: list[str]) -> list[dict[str, Any]]:
    """Lines as sections, as few as fit, never cutting a line."""
    return [
        section
        for i, chunk in enumerate(_packed(lines))
        for section in text_sections(f"{block_id}_{i}" if i else block_id, "\n".join(chunk))
    ]


def _packed(lines: list[str]) -> list[list[str]]:
    """Group lines (each within a section's limit) into runs that fit in one section."""
    chunks: list[list[str]] = []
    size = 0
    for line in lines:
        added = text_size(line) + 1
        if chunks and size + added <= SECTION_LIMIT:
            chunks[-1].append(line)
            size += added
        else:
            chunks.append([line])
            size = added
    return chunks


def _clip(text: str) -> str:
    """Escaped, and cut to TITLE_CHARS characters before escaping (never inside an entity)."""
    cut = text if len(text) <= TITLE_CHARS else text[: TITLE_CHARS - 1].rstrip() + "…"
    return escape_mrkdwn(cut)


def _days(days: int) -> str:
    return f"{days} day{'s' if days != 1 else ''}"
