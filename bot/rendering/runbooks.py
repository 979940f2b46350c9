"""Runbook checklists: the message worked step by step, and where each stands."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.domain.mrkdwn import escape_mrkdwn
from bot.domain.times import clock_time
from bot.slack.ids import ActionId, BlockId
from models import Runbook

STATE_MARK = {None: "⬜", "done": "✅", "skipped": "⏭️"}
STATE_WORD = {"done": "done", "skipped": "skipped"}


def runbook_message(runbook: Runbook, zone: ZoneInfo) -> list[dict[str, Any]]:
    """One message: a line and Done / Skip buttons per step, and who did each step when."""
    done = sum(1 for step in runbook.steps if step["state"])
    head = f"📋 *Runbook: {escape_mrkdwn(runbook.title)}*"
    if runbook.url:
        head += f" · <{runbook.url}|full runbook>"
    blocks: list[Block] = [
        SectionBlock(block_id=BlockId.RUNBOOK_HEAD, text=MarkdownTextObject(text=head))
    ]
    for index, step in enumerate(runbook.steps):
        blocks.append(
            SectionBlock(
                block_id=f"{BlockId.RUNBOOK_STEP_PREFIX}{index + 1}",
                text=MarkdownTextObject(text=step_line(index, step, zone)),
            )
        )
        if step["state"] is None:
            value = f"{runbook.id}:{index}"
            blocks.append(
                ActionsBlock(
                    block_id=f"{BlockId.RUNBOOK_STEP_PREFIX}{index + 1}_ctl",
                    elements=[
                        ButtonElement(
                            text="Done",
                            action_id=ActionId.RUNBOOK_DONE,
                            value=value,
                            style="primary",
                        ),
                        ButtonElement(text="Skip", action_id=ActionId.RUNBOOK_SKIP, value=value),
                    ],
                )
            )
    blocks.append(
        ContextBlock(
            block_id=BlockId.RUNBOOK_PROGRESS,
            elements=[MarkdownTextObject(text=progress(runbook, done))],
        )
    )
    return [block.to_dict() for block in blocks]


def step_line(index: int, step: dict[str, Any], zone: ZoneInfo) -> str:
    """`✅ 2. Fail over to the secondary — done by @bob at 14:05`."""
    line = f"{STATE_MARK[step['state']]} {index + 1}. {escape_mrkdwn(step['text'])}"
    if step["state"]:
        at = clock_time(datetime.fromisoformat(step["at"]), zone)
        line += f" — {STATE_WORD[step['state']]} by <@{step['by']}> at {at}"
    return line


def progress(runbook: Runbook, done: int | None = None) -> str:
    """`2 of 5 steps done (1 skipped)`."""
    states = [step["state"] for step in runbook.steps]
    skipped = states.count("skipped")
    finished = sum(1 for s in states if s) if done is None else done
    said = f"{finished} of {len(states)} steps done"
    if skipped:
        said += f" ({skipped} skipped)"
    return said + (" · ✅ complete" if finished == len(states) else "")


def runbook_text(runbook: Runbook) -> str:
    """Notification fallback for the checklist."""
    return f"Runbook: {escape_mrkdwn(runbook.title)} ({progress(runbook)})"


def runbooks_summary(runbooks: list[Runbook], zone: ZoneInfo) -> str:
    """What `/incident runbook` answers: each checklist of the incident and where it stands."""
    if not runbooks:
        return (
            "This incident has no runbook checklist: none of its services (or its severity) "
            "carries one. `/incident services` shows which services do."
        )
    parts = []
    for runbook in runbooks:
        lines = [f"📋 *{escape_mrkdwn(runbook.title)}* — {progress(runbook)}"]
        lines += [step_line(i, step, zone) for i, step in enumerate(runbook.steps)]
        parts.append("\n".join(lines))
    return "\n\n".join(parts)
