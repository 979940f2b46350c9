"""The near-miss form's submission."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.rendering.near_misses import recorded
from bot.services.deps import Deps
from bot.services.near_misses import NearMissReport, record_near_miss
from bot.slack.ids import BlockId, CallbackId

REQUIRED = {
    BlockId.NEAR_MISS_HAPPENED: "Say what happened.",
    BlockId.NEAR_MISS_PREVENTED: "Say what stopped it: the alert, check or person that caught it.",
}


async def handle_near_miss_submission(
    ack: AsyncAck, view: dict[str, Any], body: dict[str, Any], deps: Deps
) -> None:
    """Check the form (answering in it), close it, record and celebrate the near-miss."""
    values = view["state"]["values"]

    def typed(block_id: str) -> str:
        return str(values.get(block_id, {}).get("value", {}).get("value") or "").strip()

    errors: dict[str, str] = {b: said for b, said in REQUIRED.items() if not typed(b)}
    title = " ".join(typed(BlockId.NEAR_MISS_TITLE).split())  # its length: the input's limit
    if not title:
        errors[BlockId.NEAR_MISS_TITLE] = "Say what nearly broke, e.g. disk nearly full."
    if errors:
        await ack(response_action="errors", errors=errors)
        return
    await ack()
    chosen = values.get(BlockId.NEAR_MISS_SERVICES, {}).get("value", {})
    user = body["user"]["id"]
    report = NearMissReport(
        title=title,
        what_happened=typed(BlockId.NEAR_MISS_HAPPENED),
        what_prevented=typed(BlockId.NEAR_MISS_PREVENTED),
        services=tuple(o["value"] for o in chosen.get("selected_options") or []),
        by=user,
    )
    near_miss, where = await record_near_miss(deps, report)
    await deps.slack.tell(user, recorded(near_miss, where), view.get("private_metadata") or None)


def register(app: AsyncApp) -> None:
    """Listen for the near-miss form."""
    app.view(CallbackId.NEAR_MISS)(handle_near_miss_submission)
