"""Declare an incident: record it, open its channel, bring people in, post and announce.

Declaring is a resumable sequence. The intent is recorded first (the incident row, then the
channel name it is about to claim); each Slack step is marked done as it completes. A process
killed part-way leaves a claim that goes stale, and `resume_setup` (run by reconciling) finishes
what is not done: a channel Slack made while the bot was dead is found by its name and adopted,
a card or announcement already posted is found rather than posted twice.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.domain.naming import channel_name
from bot.domain.roles import Role
from bot.domain.severity import Severity
from bot.domain.status import Status
from bot.errors import SlackRefusal
from bot.rendering.declare import setup_repaired
from bot.rendering.drills import drill_line
from bot.rendering.incident import announcement, card_text, channel_topic, incident_card
from bot.services.deps import Deps
from bot.services.impact import service_became_impacted
from bot.services.incidents import channel_of, posted_since
from bot.services.once import send_once
from bot.services.paging import page_severity
from bot.services.recurrence import ask_if_recurrence
from bot.services.runbooks import post_severity_runbook
from bot.slack.ids import ActionId, BlockId
from models import Incident, timeline
from models import impacted as impacted_rows
from models import incidents as incident_rows
from models import search as search_rows

MAX_NAME_ATTEMPTS = 30
DRILL_LINE_JOB = "drill-line"
# Each step renews the claim; one this old belongs to a process that died mid-declaration.
STALE_AFTER = timedelta(seconds=15)


@dataclass(frozen=True)
class Declaration:
    """What the declarer asked for."""

    severity: Severity
    title: str
    declarer: str
    description: str | None = None
    is_private: bool = False
    # The impacted services' slugs; None: those the title names.
    services: tuple[str, ...] | None = None
    # A game day, and the library scenario it plays (if any).
    is_drill: bool = False
    scenario: str | None = None


async def declare_incident(deps: Deps, declaration: Declaration) -> Incident:
    """Declare; the returned incident records what Slack did and did not let us do."""
    async with deps.sessions.begin() as session:
        incident = await incident_rows.add(
            session=session,
            title=declaration.title,
            severity=declaration.severity.value,
            status=Status.INVESTIGATING.value,
            is_private=declaration.is_private,
            is_drill=declaration.is_drill,
            scenario=declaration.scenario,
            description=declaration.description,
            declared_by=declaration.declarer,
            declared_at=deps.clock.now(),
            commander_role=Role.COMMANDER.value,
            claimed_by=deps.claimant,
        )
        await search_rows.add(session=session, incident_id=incident.id, title=incident.title)
        await timeline.add(
            session=session,
            incident_id=incident.id,
            kind="declared",
            occurred_at=incident.declared_at,
            actor=declaration.declarer,
            data={
                "severity": declaration.severity.value,
                "title": declaration.title,
                **({"drill": True} if declaration.is_drill else {}),
            },
        )
        catalog = deps.policy.catalog
        slugs = declaration.services
        for slug in catalog.named_in(declaration.title) if slugs is None else slugs:
            service = catalog.get(slug)
            if service is None:
                continue
            impacted_rows.add(
                incident, service=slug, by=declaration.declarer, at=incident.declared_at
            )
            await timeline.add(
                session=session,
                incident_id=incident.id,
                kind="service_added",
                occurred_at=incident.declared_at,
                actor=declaration.declarer,
                data={"service": slug, "name": service.name},
            )
    await SetUp(deps, incident).run()
    return incident


async def resume_setup(
    deps: Deps, number: int, *, now: datetime, from_gone: str | None = None
) -> list[str] | None:
    """Finish a set-up cut short, telling the declarer what was repaired; returns what was
    done, or None when the set-up is finished or another live process holds a fresh claim on
    it (`from_gone` names a claimant known to be dead, whose claim is taken over at once)."""
    async with deps.sessions.begin() as session:
        claimed = await incident_rows.claim_setup(
            session=session,
            number=number,
            by=deps.claimant,
            now=now,
            stale_after=STALE_AFTER,
            from_gone=from_gone,
        )
        incident = await incident_rows.get(session=session, number=number) if claimed else None
    if incident is None:
        return None
    setup = SetUp(deps, incident, resuming=True)
    await setup.run()
    if incident.channel_id is not None and setup.repaired:
        await deps.slack.post(incident.channel_id, text=setup_repaired(incident, setup.repaired))
    return setup.repaired


class SetUp:
    """The Slack steps of one declaration, each skipped when already done and marked as done."""

    def __init__(self, deps: Deps, incident: Incident, *, resuming: bool = False) -> None:
        self.deps = deps
        self.incident = incident
        self.resuming = resuming
        self.repaired: list[str] = []
        self.failures: dict[str, SlackRefusal] = {}

    async def run(self) -> None:
        """Do every step not done yet, then mark the set-up finished."""
        incident, deps = self.incident, self.deps
        if incident.channel_id is None:
            try:
                await self._open_channel()
            except SlackRefusal as refusal:
                self.failures["create the channel"] = refusal
        if incident.channel_id is not None:
            await self._slack_steps()
            if not incident.paged:
                await self._page()
            await self._services()
        async with deps.sessions.begin() as session:
            session.add(incident)
            for step, failure in self.failures.items():
                incident_rows.record_problem(
                    incident, step=step, error=failure.error, explanation=failure.explanation
                )
            incident.setup_done_at = deps.clock.now()
            incident.setup_claimed_at = incident.setup_claimed_by = None

    async def _mark(self, step: str | None = None, **done: Any) -> None:
        """Record steps as done (and say so, when resuming); renews the claim."""
        for column, value in done.items():
            setattr(self.incident, column, value)
        async with self.deps.sessions.begin() as session:
            await incident_rows.mark_setup(
                session=session,
                number=self.incident.id,
                by=self.deps.claimant,
                now=self.deps.clock.now(),
                **done,
            )
        if step and self.resuming:
            self.repaired.append(step)

    async def _open_channel(self) -> None:
        """Create the channel, trying `-2`, `-3`… while the name is taken; each name is
        recorded before Slack is asked for it, so a channel made by a call cut short is found."""
        incident, deps = self.incident, self.deps
        if self.resuming and incident.channel_name:
            found = await deps.slack.channel_named(incident.channel_name)
            if found is not None and found.get("creator") == await deps.slack.bot_user():
                await self._mark(
                    f"adopted <#{found['id']}>, made before the interruption",
                    channel_id=found["id"],
                )
                return
        day = incident.declared_at.astimezone(deps.zone).date()
        for attempt in range(1, MAX_NAME_ATTEMPTS + 1):
            settings = deps.settings
            name = channel_name(
                prefix=settings.drill_prefix if incident.is_drill else settings.channel_prefix,
                day=day,
                title=incident.title,
                number=incident.id,
                attempt=attempt,
            )
            await self._mark(channel_name=name)
            try:
                channel = await deps.slack.create_channel(name, is_private=incident.is_private)
            except SlackRefusal as refusal:
                if refusal.error == "name_taken":
                    continue
                await self._mark(channel_name=None)
                raise
            await self._mark(
                "created the channel", channel_id=channel["id"], channel_name=channel["name"]
            )
            return
        await self._mark(channel_name=None)
        raise SlackRefusal("conversations.create", "name_taken")

    async def _slack_steps(self) -> None:
        """Invite, topic, card and announcement: independent of each other, so they go together."""
        incident, deps = self.incident, self.deps
        steps: dict[str, Awaitable[None]] = {}
        if not incident.declarer_invited:
            steps["invite you"] = self._invite()
        if not incident.topic_set:
            steps["set the topic"] = self._set_topic()
        if incident.card_ts is None or not incident.card_pinned:
            steps["post the incident card"] = self._post_card()
        announce_to = deps.settings.announce_channel
        if incident.is_drill:
            if announce_to and not incident.is_private and deps.policy.drills.announce == "line":
                steps[f"say in {announce_to} that a drill runs"] = self._drill_line(announce_to)
        elif announce_to and not incident.is_private and incident.announcement_ts is None:
            steps[f"announce in {announce_to}"] = self._announce(announce_to)
        outcomes = await asyncio.gather(*steps.values(), return_exceptions=True)
        for step, outcome in zip(steps, outcomes, strict=True):
            if isinstance(outcome, SlackRefusal):
                self.failures.setdefault(step, outcome)
            elif isinstance(outcome, BaseException):
                raise outcome

    async def _invite(self) -> None:
        await self.deps.slack.invite(channel_of(self.incident), [self.incident.declared_by])
        await self._mark("invited the declarer", declarer_invited=True)

    async def _set_topic(self) -> None:
        topic = channel_topic(self.incident, self.deps.policy)
        await self.deps.slack.set_topic(channel_of(self.incident), topic)
        await self._mark("set the topic", topic_set=True)

    async def _post_card(self) -> None:
        """Post the card and pin it; a failed pin does not lose the card's ts."""
        incident, deps = self.incident, self.deps
        channel = channel_of(incident)
        if incident.card_ts is None and self.resuming:
            found = await self._posted_before(channel, _is_card)
            if found is not None:
                await self._mark(card_ts=found)
        if incident.card_ts is None:
            ts = await deps.slack.post(
                channel,
                text=card_text(incident),
                blocks=incident_card(incident, deps.zone, deps.policy),
            )
            await self._mark("posted the incident card", card_ts=ts)
        assert incident.card_ts is not None
        try:
            await deps.slack.pin(channel, incident.card_ts)
        except SlackRefusal as refusal:
            self.failures["pin the card"] = refusal
            return
        await self._mark("pinned the card", card_pinned=True)

    async def _announce(self, announce_to: str) -> None:
        incident, deps = self.incident, self.deps
        if self.resuming:
            where = await deps.slack.resolve_channel(announce_to)
            found = await self._posted_before(where, lambda m: _announces(m, incident.id))
            if found is not None:
                await self._mark(announcement_channel_id=where, announcement_ts=found)
                return
        where, ts = await deps.slack.post_joining(
            announce_to,
            text=card_text(incident),
            blocks=announcement(incident, deps.zone, deps.policy),
        )
        await self._mark(
            f"announced it in {announce_to}", announcement_channel_id=where, announcement_ts=ts
        )

    async def _drill_line(self, announce_to: str) -> None:
        """One line marked DRILL, never the announcement of a real incident (sent once)."""
        incident, deps = self.incident, self.deps

        async def say() -> None:
            await deps.slack.post_joining(announce_to, text=drill_line(incident))

        await send_once(deps, key=f"drill-line:{incident.id}", job=DRILL_LINE_JOB, send=say)

    async def _posted_before(
        self, channel: str, matches: Callable[[dict[str, Any]], bool]
    ) -> str | None:
        """The ts of the bot's own message in `channel` since the declaration that `matches`."""
        return await posted_since(self.deps, channel, self.incident.declared_at, matches)

    async def _page(self) -> None:
        incident = self.incident
        try:
            await page_severity(
                self.deps, incident, by=incident.declared_by, resuming=self.resuming
            )
        except SlackRefusal as refusal:
            self.failures["page the responders"] = refusal
        level = self.deps.policy.level(Severity(incident.severity))
        drill_groups = self.deps.policy.drills.page_usergroups
        pages_someone = bool(drill_groups) if incident.is_drill else level.pages_someone
        await self._mark("paged the responders" if pages_someone else None, paged=True)

    async def _services(self) -> None:
        """For each impacted service: tell its owner, page its on-call, post its runbook; then
        the severity's runbook. Each is done once, so a resumed set-up repeats none."""
        incident = self.incident
        try:
            for slug in incident.service_slugs:
                await service_became_impacted(self.deps, incident, slug, by=incident.declared_by)
            await post_severity_runbook(self.deps, incident)
            await ask_if_recurrence(self.deps, incident)
        except SlackRefusal as refusal:
            self.failures["bring in the impacted services"] = refusal


def _is_card(message: dict[str, Any]) -> bool:
    return any(b.get("block_id") == BlockId.CARD_FIELDS for b in message.get("blocks") or [])


def _announces(message: dict[str, Any], number: int) -> bool:
    return any(
        element.get("action_id") == ActionId.JOIN_INCIDENT and element.get("value") == str(number)
        for block in message.get("blocks") or []
        for element in block.get("elements") or []
    )
