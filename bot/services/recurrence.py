"""Recurrences: an incident linked to the earlier one it repeats, by hand or by answering the
question asked at declaration when an impacted service had an incident not long before."""

from __future__ import annotations

from datetime import timedelta

from bot.errors import UserFacingError
from bot.rendering.recurrence import answered, question_text, recurrence_linked, recurrence_question
from bot.rendering.services import service_names
from bot.services.deps import Deps
from bot.services.incidents import channel_of, incident_change, post_notice
from bot.services.once import send_once
from models import Incident
from models import incidents as incident_rows

QUESTION_JOB = "recurrence-question"


async def link_recurrence(deps: Deps, *, channel_id: str, reference: str, by: str) -> None:
    """Mark the channel's incident a recurrence of the earlier one `reference` names."""
    async with deps.sessions() as session:
        earlier = await incident_rows.by_reference(session=session, reference=reference)
    async with incident_change(deps, channel_id, by=by) as change:
        incident = change.incident
        if earlier is None:
            raise UserFacingError(
                f"There is no incident `{reference.replace('`', chr(39))}`. Name the earlier one "
                "by its number or its channel, e.g. `/incident recurrence-of 12`."
            )
        if earlier.id == incident.id or earlier.declared_at > incident.declared_at:
            raise UserFacingError(
                f"#{earlier.id} is not earlier than this incident (#{incident.id}); a recurrence "
                "repeats an incident declared before it."
            )
        if incident.recurrence_of == earlier.id:
            raise UserFacingError(f"#{incident.id} is already a recurrence of #{earlier.id}.")
        incident.recurrence_of = earlier.id
        change.record("recurrence_linked", of=earlier.id)
        change.then(lambda i: post_notice(deps, i, recurrence_linked(i, earlier, by)))


async def ask_if_recurrence(deps: Deps, incident: Incident) -> None:
    """Ask once, when an impacted service had an incident in the policy's window."""
    if not incident.service_slugs or incident.recurrence_of is not None or incident.is_drill:
        return
    since = incident.declared_at - timedelta(days=deps.policy.recurrence_window_days)
    async with deps.sessions() as session:
        found = await incident_rows.latest_with_services(
            session=session, services=incident.service_slugs, incident_id=incident.id, since=since
        )
    if found is None:
        return
    earlier, slug, declared_at = found
    days = (incident.declared_at - declared_at).days
    name = service_names(deps.policy.catalog, (slug,))

    async def ask() -> None:
        await deps.slack.post(
            channel_of(incident),
            text=question_text(earlier),
            blocks=recurrence_question(earlier, name, days),
        )

    await send_once(deps, key=f"recurrence-question:{incident.id}", job=QUESTION_JOB, send=ask)


async def answer_question(
    deps: Deps, *, channel_id: str, message_ts: str, earlier: int, recurs: bool, by: str
) -> None:
    """Record the answer to the question (a Yes links the recurrence) and redraw it answered."""
    if recurs:
        await link_recurrence(deps, channel_id=channel_id, reference=str(earlier), by=by)
    else:
        async with incident_change(deps, channel_id, by=by) as change:
            change.record("recurrence_declined", of=earlier)
    await deps.slack.update(
        channel_id,
        message_ts,
        text=question_text(earlier),
        blocks=answered(earlier, recurs=recurs, by=by),
    )
