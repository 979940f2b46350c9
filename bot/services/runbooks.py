"""Runbook checklists: posted once when a service (or the severity) calls for one, worked
step by step with the Done and Skip buttons, each step put on the timeline."""

from __future__ import annotations

from bot.domain.catalog import Service
from bot.domain.severity import Severity
from bot.errors import UserFacingError
from bot.rendering.runbooks import runbook_message, runbook_text, runbooks_summary
from bot.services.deps import Deps
from bot.services.incidents import channel_of, incident_in
from bot.services.once import send_once
from models import Incident, timeline
from models import runbooks as runbook_rows

RUNBOOK_JOB = "runbook"
STATES = ("done", "skipped")


async def post_service_runbook(deps: Deps, incident: Incident, service: Service) -> None:
    """Post a service's checklist in the incident's channel, once."""
    if service.runbook:
        await _post_once(
            deps,
            incident,
            source=f"service:{service.slug}",
            title=service.name,
            url=service.runbook_url,
            steps=service.runbook,
        )


async def post_severity_runbook(deps: Deps, incident: Incident) -> None:
    """Post the checklist the incident's severity carries, once."""
    severity = Severity(incident.severity)
    level = deps.policy.level(severity)
    if level.runbook:
        title = f"{severity.label} {level.name}"
        await _post_once(
            deps, incident, source=severity.value, title=title, url=None, steps=level.runbook
        )


async def _post_once(
    deps: Deps,
    incident: Incident,
    *,
    source: str,
    title: str,
    url: str | None,
    steps: tuple[str, ...],
) -> None:
    channel = channel_of(incident)

    async def post() -> None:
        async with deps.sessions.begin() as session:
            book = await runbook_rows.add_once(
                session=session,
                incident_id=incident.id,
                source=source,
                title=title,
                url=url,
                steps=steps,
                at=deps.clock.now(),
            )
        if book.ts is not None:
            return  # posted by a process that died before it could say so
        ts = await deps.slack.post(
            channel, text=runbook_text(book), blocks=runbook_message(book, deps.zone)
        )
        async with deps.sessions.begin() as session:
            session.add(book)
            book.channel_id, book.ts = channel, ts
            await timeline.add(
                session=session,
                incident_id=incident.id,
                kind="runbook_posted",
                occurred_at=deps.clock.now(),
                actor=None,
                data={"runbook": title, "steps": len(steps)},
            )

    await send_once(deps, key=f"runbook:{incident.id}:{source}", job=RUNBOOK_JOB, send=post)


async def tick_step(deps: Deps, *, runbook_id: int, index: int, state: str, by: str) -> None:
    """Mark a step done or skipped, put it on the timeline and redraw the checklist in place."""
    async with deps.turns(f"runbook:{runbook_id}"):
        async with deps.sessions.begin() as session:
            book = await runbook_rows.lock(session=session, runbook_id=runbook_id)
            if book is None or not 0 <= index < len(book.steps) or state not in STATES:
                raise UserFacingError("That checklist step no longer exists.")
            step = book.steps[index]
            if step["state"]:
                raise UserFacingError(
                    f"Step {index + 1} was already {step['state']} by <@{step['by']}>."
                )
            now = deps.clock.now()
            runbook_rows.tick(book, index=index, state=state, by=by, at=now)
            await timeline.add(
                session=session,
                incident_id=book.incident_id,
                kind="runbook_step",
                occurred_at=now,
                actor=by,
                data={
                    "runbook": book.title,
                    "step": index + 1,
                    "state": state,
                    "text": step["text"],
                },
            )
        await redraw_runbook(deps, runbook_id)


async def redraw_runbook(deps: Deps, runbook_id: int) -> None:
    """Draw the checklist as committed, again if another replica ticked a step meanwhile (so
    the last drawing is always the latest state: Slack shows nothing the database lacks)."""
    drawn: list[dict[str, object]] | None = None
    while True:
        async with deps.sessions() as session:
            book = await runbook_rows.get(session=session, runbook_id=runbook_id)
        if book is None or book.channel_id is None or book.ts is None or book.steps == drawn:
            return
        await deps.slack.update(
            book.channel_id,
            book.ts,
            text=runbook_text(book),
            blocks=runbook_message(book, deps.zone),
        )
        drawn = book.steps


async def show_runbooks(deps: Deps, *, channel_id: str) -> str:
    """The incident's checklists and where each stands."""
    incident = await incident_in(deps, channel_id)
    async with deps.sessions() as session:
        books = await runbook_rows.for_incident(session=session, incident_id=incident.id)
    return runbooks_summary(books, deps.zone)
