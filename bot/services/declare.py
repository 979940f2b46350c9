"""Declare an incident: record it, open its channel, bring people in, post and announce."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any

from bot.domain.naming import channel_name
from bot.domain.roles import Role
from bot.domain.severity import Severity
from bot.domain.status import Status
from bot.errors import SlackRefusal
from bot.rendering.incident import announcement, card_text, channel_topic, incident_card
from bot.services.deps import Deps
from bot.services.incidents import channel_of
from bot.services.paging import page
from models import Incident, timeline
from models import incidents as incident_rows

MAX_NAME_ATTEMPTS = 30


@dataclass(frozen=True)
class Declaration:
    """What the declarer asked for."""

    severity: Severity
    title: str
    declarer: str
    description: str | None = None
    is_private: bool = False


async def declare_incident(deps: Deps, declaration: Declaration) -> Incident:
    """Declare; the returned incident records what Slack did and did not let us do."""
    async with deps.sessions.begin() as session:
        incident = await incident_rows.add(
            session=session,
            title=declaration.title,
            severity=declaration.severity.value,
            status=Status.INVESTIGATING.value,
            is_private=declaration.is_private,
            description=declaration.description,
            declared_by=declaration.declarer,
            declared_at=deps.clock.now(),
            commander_role=Role.COMMANDER.value,
        )
        await timeline.add(
            session=session,
            incident_id=incident.id,
            kind="declared",
            occurred_at=incident.declared_at,
            actor=declaration.declarer,
            data={"severity": declaration.severity.value, "title": declaration.title},
        )
    try:
        channel = await _create_channel(deps, incident)
    except SlackRefusal as refusal:
        async with deps.sessions.begin() as session:
            session.add(incident)
            _note_failures(incident, {"create the channel": refusal})
        return incident
    async with deps.sessions.begin() as session:
        session.add(incident)
        incident.channel_id = channel["id"]
        incident.channel_name = channel["name"]
    # Independent of each other, so they go out together.
    steps: dict[str, Awaitable[Any]] = {
        "invite you": deps.slack.invite(channel["id"], [declaration.declarer]),
        "set the topic": deps.slack.set_topic(channel["id"], channel_topic(incident, deps.policy)),
        "post the incident card": _post_card(deps, incident),
    }
    announce_to = deps.settings.announce_channel
    if announce_to and not incident.is_private:
        steps[f"announce in {announce_to}"] = deps.slack.post_joining(
            announce_to,
            text=card_text(incident),
            blocks=announcement(incident, deps.zone, deps.policy),
        )
    outcomes = await asyncio.gather(*steps.values(), return_exceptions=True)
    results = dict(zip(steps, outcomes, strict=True))
    failures = {step: r for step, r in results.items() if isinstance(r, SlackRefusal)}
    for outcome in outcomes:
        if isinstance(outcome, BaseException) and not isinstance(outcome, SlackRefusal):
            raise outcome
    async with deps.sessions.begin() as session:
        session.add(incident)
        incident.topic_set = "set the topic" not in failures
        card = results["post the incident card"]
        if isinstance(card, tuple):
            incident.card_ts, pin_failure = card
            incident.card_pinned = pin_failure is None
            if pin_failure is not None:
                failures["pin the card"] = pin_failure
        announced = results.get(f"announce in {announce_to}")
        if isinstance(announced, tuple):
            incident.announcement_channel_id, incident.announcement_ts = announced
        _note_failures(incident, failures)
    try:
        await page(deps, incident, by=declaration.declarer)
    except SlackRefusal as refusal:
        async with deps.sessions.begin() as session:
            session.add(incident)
            _note_failures(incident, {"page the responders": refusal})
    return incident


async def _create_channel(deps: Deps, incident: Incident) -> dict[str, Any]:
    """Create the channel, trying `-2`, `-3`… while the name is taken."""
    day = incident.declared_at.astimezone(deps.zone).date()
    for attempt in range(1, MAX_NAME_ATTEMPTS + 1):
        name = channel_name(
            prefix=deps.settings.channel_prefix,
            day=day,
            title=incident.title,
            number=incident.id,
            attempt=attempt,
        )
        try:
            return await deps.slack.create_channel(name, is_private=incident.is_private)
        except SlackRefusal as refusal:
            if refusal.error != "name_taken":
                raise
    raise SlackRefusal("conversations.create", "name_taken")


async def _post_card(deps: Deps, incident: Incident) -> tuple[str, SlackRefusal | None]:
    """Post the card and pin it; a failed pin does not lose the card's ts."""
    channel = channel_of(incident)
    ts = await deps.slack.post(
        channel,
        text=card_text(incident),
        blocks=incident_card(incident, deps.zone, deps.policy),
    )
    try:
        await deps.slack.pin(channel, ts)
    except SlackRefusal as refusal:
        return ts, refusal
    return ts, None


def _note_failures(incident: Incident, failures: dict[str, SlackRefusal]) -> None:
    for step, refusal in failures.items():
        incident_rows.record_problem(
            incident, step=step, error=refusal.error, explanation=refusal.explanation
        )
