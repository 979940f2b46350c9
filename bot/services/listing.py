"""Which open incidents a person may see (private ones only by their members)."""

from __future__ import annotations

import asyncio

from bot.domain.status import ACTIVE
from bot.services.deps import Deps
from bot.services.membership import channel_members
from models import Incident
from models import incidents as incident_rows


async def visible_open_incidents(deps: Deps, user: str) -> list[Incident]:
    """Open incidents, newest first, leaving out private ones the person is not in."""
    async with deps.sessions() as session:
        found = await incident_rows.open_incidents(
            session=session, statuses=tuple(s.value for s in ACTIVE)
        )
    private = [i for i in found if i.is_private and i.channel_id]
    members = await asyncio.gather(*(channel_members(deps, str(i.channel_id)) for i in private))
    hidden = {i.id for i, people in zip(private, members, strict=True) if user not in people}
    return [i for i in found if i.id not in hidden]
