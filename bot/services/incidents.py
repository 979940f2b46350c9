"""Find the incident a request is about; change it under a lock, record the change on the
timeline, then bring Slack up to date (card, topic, announcement, notices) in place."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot import logs
from bot.errors import SlackRefusal, UserFacingError
from bot.rendering.incident import announcement, card_text, channel_topic, incident_card
from bot.services.deps import Deps
from models import Incident, timeline
from models import incidents as incident_rows

NOT_AN_INCIDENT_CHANNEL = (
    "This works inside an incident's channel, and this channel isn't one. "
    "`/incident list` shows the open incidents and their channels."
)

FollowUp = Callable[[Incident], Awaitable[Any]]


class Promised(StrEnum):
    """Follow-ups kept even when the process dies after the change is committed: each is
    recorded with the change, forgotten once done, and reconciling does what is left."""

    RESOLVE_PAGES = "resolve_pages"
    ANNOUNCE_RESOLUTION = "announce_resolution"
    BRING_IN = "bring_in"
    SERVICE_IMPACTED = "service_impacted"


def channel_of(incident: Incident) -> str:
    """The incident's channel; one whose channel Slack refused to create cannot be acted in."""
    if incident.channel_id is None:
        raise UserFacingError(
            f"Incident #{incident.id} has no channel: Slack refused to create it "
            f"({_refusals(incident)}). Declare it again once that is fixed."
        )
    return incident.channel_id


def _refusals(incident: Incident) -> str:
    said = [f"{p['step']}: {p['explanation']}" for p in incident.setup_problems]
    return "; ".join(said) or "no reason recorded"


async def find_incident(deps: Deps, channel_id: str) -> Incident | None:
    """The incident whose channel this is, if any (named from here on in the request's logs)."""
    async with deps.sessions() as session:
        incident = await incident_rows.get_by_channel(session=session, channel_id=channel_id)
    if incident is not None:
        logs.bind(incident=incident.id)
    return incident


async def incident_in(deps: Deps, channel_id: str) -> Incident:
    """The incident whose channel this is, or a friendly hint (raised) that there is none."""
    incident = await find_incident(deps, channel_id)
    if incident is None:
        raise UserFacingError(NOT_AN_INCIDENT_CHANNEL)
    return incident


@dataclass
class Change:
    """A change being made to an incident: what to record, and what to tell Slack after."""

    deps: Deps
    incident: Incident
    at: datetime
    by: str
    session: AsyncSession
    entries: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    after: list[FollowUp] = field(default_factory=list)

    def record(self, kind: str, text: str = "", **data: Any) -> None:
        """Put this on the timeline, at the change's time, by whoever made it."""
        self.entries.append((kind, text, data))

    def then(self, step: FollowUp) -> None:
        """Once committed, also do this in Slack (given the incident as committed)."""
        self.after.append(step)

    def promise(self, step: Promised, run: FollowUp, **args: Any) -> None:
        """Like `then`, and recorded with the change (with `args`, enough to do it again), so
        that it is done even if this process dies before it is."""
        promise_id = incident_rows.promise(
            self.incident, step=step.value, args=args, by=self.deps.claimant, at=self.at
        )
        self.after.append(keeping(self.deps, self.incident.id, promise_id, run))


def keeping(deps: Deps, number: int, promise_id: str, run: FollowUp) -> FollowUp:
    """A promised follow-up, forgotten once done (Slack's refusal is said, so done too)."""

    async def kept() -> None:
        async with deps.sessions.begin() as session:
            await incident_rows.keep_promise(session=session, number=number, promise_id=promise_id)

    async def step(incident: Incident) -> None:
        try:
            await run(incident)
        except SlackRefusal:
            await kept()
            raise
        await kept()

    return step


async def posted_since(
    deps: Deps,
    channel: str,
    since: datetime,
    matches: Callable[[dict[str, Any]], bool],
    *,
    thread_ts: str | None = None,
) -> str | None:
    """The ts of the bot's own message in `channel` (or a thread) since `since` that
    `matches`: what a process that died may have posted already."""
    me = await deps.slack.bot_user()
    oldest = f"{since.timestamp() - 1:.6f}"
    try:
        messages = await deps.slack.history(channel, thread_ts=thread_ts, oldest=oldest)
    except SlackRefusal as refusal:
        if refusal.error == "not_in_channel":
            return None  # the bot joins to post there, so it has posted nothing
        raise
    for message in messages:
        if message.get("user") == me and matches(message):
            return str(message["ts"])
    return None


@asynccontextmanager
async def incident_change(deps: Deps, channel_id: str, *, by: str) -> AsyncIterator[Change]:
    """Lock the channel's incident, let the caller change it, record, commit, update Slack.

    A UserFacingError raised inside changes nothing. After the commit every Slack step is tried;
    what Slack refused is said in one answer, so nothing is left half-done silently.
    """
    # The row lock orders changes across replicas on PostgreSQL. Within a process, changes to
    # one incident also take turns through to their Slack edits (SQLite has no row locks, and a
    # card edited out of order would show a stale state). Follow-ups must not change it again.
    async with deps.turns(f"incident:{channel_id}"):
        async with deps.sessions.begin() as session:
            incident = await incident_rows.lock_by_channel(session=session, channel_id=channel_id)
            if incident is None:
                raise UserFacingError(NOT_AN_INCIDENT_CHANNEL)
            logs.bind(incident=incident.id)  # the request's log lines name it from here on
            now = deps.clock.now()
            change = Change(deps=deps, incident=incident, at=now, by=by, session=session)
            yield change
            incident.revision += 1  # Slack is behind until `settle` has drawn it
            for kind, text, data in change.entries:
                await timeline.add(
                    session=session,
                    incident_id=incident.id,
                    kind=kind,
                    occurred_at=change.at,
                    actor=by,
                    text=text,
                    data=data,
                )
        await settle(deps, incident, change.after)


async def settle(deps: Deps, incident: Incident, steps: list[FollowUp]) -> None:
    """Show the incident as it now is and run the follow-ups; report every refusal at once."""
    async with deps.sessions() as session:
        fresh = await incident_rows.get(session=session, number=incident.id) or incident
    refusals = await redraw(deps, fresh)
    for step in steps:  # in order: a notice, then the page it announces
        refusals += await attempt([step(fresh)])
    if refusals:
        said = "; ".join(f"{r.method}: {r.explanation}" for r in refusals)
        raise UserFacingError(f"Done and recorded, but Slack refused part of it — {said}.")


async def redraw(deps: Deps, incident: Incident) -> list[SlackRefusal]:
    """Redraw the incident and record that Slack shows this revision of it (what Slack
    refused is said to the requester; only a crash leaves the drawing behind)."""
    refusals = await redraw_incident(deps, incident)
    async with deps.sessions.begin() as session:
        await incident_rows.mark_drawn(
            session=session, number=incident.id, revision=incident.revision
        )
    return refusals


async def redraw_incident(deps: Deps, incident: Incident) -> list[SlackRefusal]:
    """Edit the card, the topic and the announcement in place; returns what Slack refused."""
    channel = channel_of(incident)
    edits = [deps.slack.set_topic(channel, channel_topic(incident, deps.policy))]
    if incident.card_ts:
        card = incident_card(incident, deps.zone, deps.policy)
        edits.append(
            deps.slack.update(channel, incident.card_ts, text=card_text(incident), blocks=card)
        )
    if incident.announcement_channel_id and incident.announcement_ts:
        post = announcement(incident, deps.zone, deps.policy)
        edits.append(
            deps.slack.update(
                incident.announcement_channel_id,
                incident.announcement_ts,
                text=card_text(incident),
                blocks=post,
            )
        )
    return await attempt(edits)


async def post_notice(deps: Deps, incident: Incident, text: str) -> None:
    """Post a notice in the incident's channel."""
    await deps.slack.post(channel_of(incident), text=text)


async def attempt(steps: Iterable[Awaitable[Any]]) -> list[SlackRefusal]:
    """Run Slack steps together, each whatever the others do; returns what Slack refused."""
    outcomes = await asyncio.gather(*steps, return_exceptions=True)
    for outcome in outcomes:
        if isinstance(outcome, BaseException) and not isinstance(outcome, SlackRefusal):
            raise outcome
    return [o for o in outcomes if isinstance(o, SlackRefusal)]
