"""The declare modal and the replies to the declarer."""

from __future__ import annotations

import json
from typing import Any

from slack_sdk.models.blocks import (
    CheckboxesElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    StaticMultiSelectElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.domain.catalog import Catalog, Service
from bot.domain.limits import MAX_INCIDENT_TITLE
from bot.domain.policy import Policy
from bot.domain.severity import Severity
from bot.slack.ids import BlockId, CallbackId
from models import Incident

MAX_DESCRIPTION = 2900
PRIVATE = "private"
INCIDENT = "incident"
NEAR_MISS = "near-miss"
MAX_OPTIONS = 100  # a select menu's limit


def _service_option(service: Service) -> Option:
    return Option(value=service.slug, label=service.name[:75])


def services_input(
    catalog: Catalog,
    title: str,
    block_id: str = BlockId.DECLARE_SERVICES,
    hint: str = "Their on-call is paged and their runbook posted.",
) -> InputBlock:
    """An optional multi-select of services, prefilled with those the title names."""
    services = list(catalog.services.values())[:MAX_OPTIONS]
    named = set(catalog.named_in(title))
    initial = [_service_option(s) for s in services if s.slug in named]
    return InputBlock(
        block_id=block_id,
        label="Impacted services",
        optional=True,
        hint=hint,
        element=StaticMultiSelectElement(
            action_id="value",
            options=[_service_option(s) for s in services],
            initial_options=initial or None,
            placeholder="Pick the services that broke",
        ),
    )


def _severity_option(severity: Severity, policy: Policy) -> Option:
    level = policy.level(severity)
    return Option(value=severity.value, label=f"{severity.label} {level.name}: {level.description}")


def _kind_input() -> InputBlock:
    incident = Option(value=INCIDENT, label="Incident", description="Something is broken now")
    near_miss = Option(
        value=NEAR_MISS,
        label="Near-miss",
        description="It nearly broke, and something stopped it",
    )
    return InputBlock(
        block_id=BlockId.DECLARE_KIND,
        label="What is it?",
        optional=True,
        element=RadioButtonsElement(
            action_id="value", options=[incident, near_miss], initial_option=incident
        ),
    )


def declare_modal(
    *,
    title: str,
    severity: Severity | None,
    response_url: str | None,
    channel_id: str | None,
    policy: Policy,
) -> dict[str, Any]:
    """The form `/incident` opens; the private metadata says where to answer the declarer."""
    options = [_severity_option(s, policy) for s in Severity]
    view = View(
        type="modal",
        callback_id=CallbackId.DECLARE,
        title="Declare an incident",
        submit="Declare",
        close="Cancel",
        private_metadata=json.dumps(
            {"response_url": response_url, "channel_id": channel_id, "prefilled": bool(title)}
        ),
        blocks=[
            _kind_input(),
            InputBlock(
                block_id=BlockId.DECLARE_TITLE,
                label="What is broken?",
                element=PlainTextInputElement(
                    action_id="value",
                    initial_value=title or None,
                    max_length=MAX_INCIDENT_TITLE,
                    placeholder="payments down",
                ),
            ),
            InputBlock(
                block_id=BlockId.DECLARE_SEVERITY,
                label="Severity",
                # Required for an incident (the submission says so); a near-miss has none.
                optional=True,
                hint="How bad is it? Needed for an incident.",
                element=StaticSelectElement(
                    action_id="value",
                    options=options,
                    initial_option=_severity_option(severity, policy) if severity else None,
                ),
            ),
            *([services_input(policy.catalog, title)] if policy.catalog else []),
            InputBlock(
                block_id=BlockId.DECLARE_DESCRIPTION,
                label="Description",
                optional=True,
                element=PlainTextInputElement(
                    action_id="value", multiline=True, max_length=MAX_DESCRIPTION
                ),
            ),
            InputBlock(
                block_id=BlockId.DECLARE_PRIVATE,
                label="Visibility",
                optional=True,
                element=CheckboxesElement(
                    action_id="value",
                    options=[
                        Option(
                            value=PRIVATE,
                            label="Private incident",
                            description="Private channel, no announcement",
                        )
                    ],
                ),
            ),
        ],
    )
    result: dict[str, Any] = view.to_dict()
    return result


def declared_message(incident: Incident) -> str:
    """Tell the declarer where to go, and what Slack refused if anything."""
    if incident.channel_id is None:
        kind = "Drill" if incident.is_drill else "Incident"
        lines = [f"{kind} #{incident.id} is recorded, but its channel could not be created:"]
    else:
        lines = [
            f"{'Drill' if incident.is_drill else 'Incident'} #{incident.id} is open in "
            f"<#{incident.channel_id}>. You are the Incident Commander until you hand over."
        ]
        if incident.setup_problems:
            lines.append("Some of the set-up did not happen:")
    lines += [f"• {p['step']}: {p['explanation']}" for p in incident.setup_problems]
    return "\n".join(lines)


def setup_repaired(incident: Incident, repaired: list[str]) -> str:
    """Told in the channel when a declaration cut short (the bot restarted) was finished."""
    done = "; ".join(repaired)
    return (
        f"<@{incident.declared_by}> I was interrupted while setting up incident #{incident.id} "
        f"and have now finished it: {done}."
    )
