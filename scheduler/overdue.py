"""Monday's nudge: each owner of overdue action items gets one DM listing them, once a week."""

from __future__ import annotations

from datetime import datetime
from functools import partial

from bot.domain.roles import Role
from bot.rendering.review import overdue_dm
from bot.services.deps import Deps
from models import action_review
from models.action_review import ItemRow
from scheduler.delivery import deliver_once
from scheduler.review import iso_week

OVERDUE_JOB = "overdue-actions"


async def nudge_overdue_owners(deps: Deps, now: datetime) -> int:
    """DM every owner their overdue open items, with controls; once per owner per ISO week."""
    today = now.astimezone(deps.zone).date()
    week = iso_week(now, deps.zone)
    async with deps.sessions() as session:
        rows = await action_review.overdue(
            session=session, today=today, commander_role=Role.COMMANDER.value
        )
    by_owner: dict[str, list[ItemRow]] = {}
    for row in rows:
        if row.owner is not None:
            by_owner.setdefault(row.owner, []).append(row)
    sent = 0
    for owner in sorted(by_owner):
        dm = overdue_dm(by_owner[owner], today, deps.settings.item_prefix)
        sent += await deliver_once(
            deps,
            key=f"{OVERDUE_JOB}:{owner}:{week}",
            job=OVERDUE_JOB,
            send=partial(deps.slack.post, owner, text=dm.text, blocks=dm.blocks),
        )
    return sent
