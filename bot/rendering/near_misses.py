"""Near-misses: the short form, the celebration in the announcement channel, the list."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.domain.catalog import Catalog
from bot.domain.limits import MAX_INCIDENT_TITLE
from bot.domain.mrkdwn import escape_mrkdwn
from bot.domain.times import local_time
from bot.rendering.declare import MAX_DESCRIPTION, services_input
from bot.rendering.services import service_names
from bot.slack.ids import BlockId, CallbackId
from models import NearMiss

MAX_LISTED = 20


def _text_input(
    block_id: str, label: str, *, initial: str | None = None, **extra: Any
) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=label,
        element=PlainTextInputElement(action_id="value", initial_value=initial or None, **extra),
    )


def near_miss_modal(*, title: str, catalog: Catalog, response_url: str | None) -> dict[str, Any]:
    """The short form `/incident near-miss` opens: two questions required, services optional."""
    blocks = [
        _text_input(
            BlockId.NEAR_MISS_TITLE,
            "What nearly broke?",
            initial=title,
            max_length=MAX_INCIDENT_TITLE,
            placeholder="primary database nearly full",
        ),
        _text_input(
            BlockId.NEAR_MISS_HAPPENED,
            "What happened",
            multiline=True,
            max_length=MAX_DESCRIPTION,
        ),
        _text_input(
            BlockId.NEAR_MISS_PREVENTED,
            "What prevented the outage",
            multiline=True,
            max_length=MAX_DESCRIPTION,
            placeholder="the disk alert fired at 80% and the on-call grew the volume",
        ),
    ]
    if catalog:
        hint = "Nobody is paged: a near-miss is celebrated, not an alarm."
        blocks.append(services_input(catalog, title, BlockId.NEAR_MISS_SERVICES, hint))
    view = View(
        type="modal",
        callback_id=CallbackId.NEAR_MISS,
        title="Record a near-miss",
        submit="Record",
        close="Cancel",
        private_metadata=response_url or "",
        blocks=blocks,
    )
    result: dict[str, Any] = view.to_dict()
    return result


def celebration(near_miss: NearMiss, catalog: Catalog) -> list[dict[str, Any]]:
    """Posted in the announcement channel: what was caught, and what caught it."""
    services = service_names(catalog, tuple(near_miss.services))
    title = escape_mrkdwn(near_miss.title)
    head = f"🎉 *Near-miss #{near_miss.id}: {title}* — caught before customers noticed."
    body = (
        f"*What happened:* {escape_mrkdwn(near_miss.what_happened)}\n"
        f"*What prevented the outage:* {escape_mrkdwn(near_miss.what_prevented)}"
    )
    context = f"Recorded by <@{near_miss.recorded_by}>"
    if services:
        context += f" · {services}"
    blocks = [
        SectionBlock(block_id=BlockId.NEAR_MISS, text=MarkdownTextObject(text=f"{head}\n{body}")),
        ContextBlock(elements=[MarkdownTextObject(text=context)]),
    ]
    return [block.to_dict() for block in blocks]


def celebration_text(near_miss: NearMiss) -> str:
    """Notification fallback for the celebration."""
    return f"Near-miss #{near_miss.id}: {escape_mrkdwn(near_miss.title)}"


def recorded(near_miss: NearMiss, where: str | None) -> str:
    """Told to the person who recorded it."""
    said = f"Near-miss #{near_miss.id} is recorded. Thank you for writing it down."
    return said + (f" It is celebrated in <#{where}>." if where else "")


def near_miss_list(near_misses: list[NearMiss], zone: ZoneInfo) -> str:
    """What `/incident near-misses` answers: the latest, newest first."""
    if not near_misses:
        return "No near-misses recorded yet. `/incident near-miss <title>` records one."
    lines = [f"*Near-misses* (latest {min(len(near_misses), MAX_LISTED)})"]
    for near_miss in near_misses[:MAX_LISTED]:
        lines.append(
            f"• *#{near_miss.id}* {escape_mrkdwn(near_miss.title)} · "
            f"{local_time(near_miss.recorded_at, zone)} · caught by: "
            f"{escape_mrkdwn(near_miss.what_prevented[:120])}"
        )
    return "\n".join(lines)


EXPORT_FIELDS = (
    "number",
    "title",
    "what_happened",
    "what_prevented",
    "services",
    "recorded_by",
    "recorded_at",
)


def near_misses_json(near_misses: Sequence[NearMiss], zone: ZoneInfo) -> list[dict[str, Any]]:
    """Each near-miss as the export shows it: times ISO 8601 with offset, services by slug."""
    return [
        {
            "number": n.id,
            "title": n.title,
            "what_happened": n.what_happened,
            "what_prevented": n.what_prevented,
            "services": list(n.services),
            "recorded_by": n.recorded_by,
            "recorded_at": n.recorded_at.astimezone(zone).isoformat(),
        }
        for n in near_misses
    ]


def near_misses_csv(near_misses: Sequence[NearMiss], zone: ZoneInfo) -> str:
    """The same rows as CSV, services joined by spaces."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS, lineterminator="\n")
    writer.writeheader()
    for row in near_misses_json(near_misses, zone):
        writer.writerow({**row, "services": " ".join(row["services"])})
    return out.getvalue()
