"""The declare modal's submission."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.commands.help import UsageError
from bot.commands.parse import SEVERITY_CHOICES, validate_title
from bot.domain.severity import Severity
from bot.rendering.declare import NEAR_MISS, PRIVATE, declared_message
from bot.rendering.near_misses import near_miss_modal
from bot.services.declare import Declaration, declare_incident
from bot.services.deps import Deps
from bot.slack.ids import BlockId, CallbackId


async def handle_declare_submission(
    ack: AsyncAck, view: dict[str, Any], body: dict[str, Any], deps: Deps
) -> None:
    """Check the form, close it, declare, then tell the declarer where to go."""
    values = view["state"]["values"]
    try:
        title = validate_title(values[BlockId.DECLARE_TITLE]["value"].get("value") or "")
    except UsageError as error:
        problem = error.message.split("\n\n")[0]
        await ack(response_action="errors", errors={BlockId.DECLARE_TITLE: problem})
        return
    metadata = json.loads(view.get("private_metadata") or "{}")
    kind = values.get(BlockId.DECLARE_KIND, {}).get("value", {}).get("selected_option") or {}
    if kind.get("value") == NEAR_MISS:
        # Its own short form, in place of this one: what happened and what stopped it.
        form = near_miss_modal(
            title=title, catalog=deps.policy.catalog, response_url=metadata.get("response_url")
        )
        await ack(response_action="update", view=form)
        return
    chosen = values[BlockId.DECLARE_SEVERITY]["value"].get("selected_option")
    if not chosen:
        problem = f"Pick a severity for the incident. {SEVERITY_CHOICES}"
        await ack(response_action="errors", errors={str(BlockId.DECLARE_SEVERITY): problem})
        return
    await ack()
    severity = chosen["value"]
    checked = values[BlockId.DECLARE_PRIVATE]["value"].get("selected_options") or []
    declarer = body["user"]["id"]
    declaration = Declaration(
        severity=Severity(severity),
        title=title,
        declarer=declarer,
        description=values[BlockId.DECLARE_DESCRIPTION]["value"].get("value") or None,
        is_private=any(option["value"] == PRIVATE for option in checked),
        services=picked_services(deps, values, title, prefilled=bool(metadata.get("prefilled"))),
    )
    incident = await declare_incident(deps, declaration)
    await deps.slack.tell(declarer, declared_message(incident), metadata.get("response_url"))


def picked_services(
    deps: Deps, values: dict[str, Any], title: str, *, prefilled: bool
) -> tuple[str, ...]:
    """The services picked; a form opened without a title could not prefill the ones the
    title typed in it names, so those are added."""
    chosen = values.get(BlockId.DECLARE_SERVICES, {}).get("value", {})
    picked = [option["value"] for option in chosen.get("selected_options") or []]
    if not prefilled:
        picked += deps.policy.catalog.named_in(title)
    return tuple(dict.fromkeys(picked))


def register(app: AsyncApp) -> None:
    """Listen for the declare modal."""
    app.view(CallbackId.DECLARE)(handle_declare_submission)
