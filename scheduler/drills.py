"""Game days: the scenario's injects posted into each running drill's channel at their times."""

from __future__ import annotations

from datetime import datetime
from functools import partial

from bot.rendering.drills import inject_message
from bot.services.deps import Deps
from bot.services.incidents import channel_of
from models import incidents as incident_rows
from scheduler.delivery import deliver_once

JOB = "drill-injects"


async def post_drill_injects(deps: Deps, now: datetime) -> int:
    """Post every inject whose time has come in each running drill, once each."""
    async with deps.sessions() as session:
        drills = await incident_rows.running_drills(session=session)
    sent = 0
    for drill in drills:
        scenario = deps.policy.drills.scenario(drill.scenario or "")
        if scenario is None:
            continue  # taken out of the library since
        total = len(scenario.injects)
        for number, inject in enumerate(scenario.injects, start=1):
            if drill.declared_at + inject.at > now:
                break  # the injects are in time order
            text = inject_message(inject, number, total)
            sent += await deliver_once(
                deps,
                key=f"drill-inject:{drill.id}:{number}",
                job=JOB,
                send=partial(deps.slack.post, channel_of(drill), text=text),
            )
    return sent
