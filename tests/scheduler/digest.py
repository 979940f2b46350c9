"""A test-only job: one digest message per open incident per day, each sent once."""

from __future__ import annotations

import functools
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.status import ACTIVE
from bot.services.deps import Deps
from emulator import SlackEmulator
from emulator.state import BOT_USER_ID
from models import Incident, incidents
from scheduler.delivery import send_once
from scheduler.jobs import Job, register

DIGEST_CRON = "0 9 * * *"


async def digest(deps: Deps, now: datetime) -> int:
    """Post today's digest in each open incident's channel."""
    day = now.astimezone(deps.zone).date().isoformat()
    async with deps.sessions() as session:
        open_now = await incidents.open_incidents(session=session, statuses=tuple(ACTIVE))
    sent = 0
    for incident in open_now:
        assert incident.channel_id is not None
        post = functools.partial(
            deps.slack.post, incident.channel_id, text=f"Digest for #{incident.id} on {day}"
        )
        key = f"test-digest:{incident.id}:{day}"
        if await send_once(deps, key=key, job="test-digest", send=post):
            sent += 1
    return sent


DIGEST_JOBS: dict[str, Job] = {}
register("test-digest", DIGEST_CRON, digest, registry=DIGEST_JOBS)


async def open_incident(
    session: AsyncSession, emu: SlackEmulator, title: str, declared_at: datetime
) -> Incident:
    """An investigating incident whose channel the bot is in."""
    incident = await incidents.add(
        session=session,
        title=title,
        severity="sev2",
        status="investigating",
        is_private=False,
        description=None,
        declared_by="U0ALICE",
        declared_at=declared_at,
        commander_role="ic",
        claimed_by="test",
    )
    incident.channel_id = emu.add_channel(
        f"incident-{incident.id}", members=["U0ALICE", BOT_USER_ID]
    )
    return incident


def digests(emu: SlackEmulator) -> list[str]:
    """Every digest message posted, in every channel."""
    return [
        m.text for c in emu.channels.values() for m in c.messages if m.text.startswith("Digest")
    ]
