"""Send a message at most once across every process, through the delivery ledger.

Jobs (scheduler.delivery) and the incident's own once-only steps (a service's page, its
owner's mention, its runbook) share it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from bot.services.deps import Deps, process_gone
from models import ledger

logger = logging.getLogger(__name__)

# A claim left unsent this long belongs to a sender that crashed; another run may take it over.
# Far longer than any send (slack_sdk retries included), so a slow sender is never doubled.
STALE_AFTER = timedelta(minutes=15)


async def send_once(
    deps: Deps,
    *,
    key: str,
    job: str,
    send: Callable[[], Awaitable[object]],
    stale_after: timedelta = STALE_AFTER,
) -> bool:
    """Claim `key`, call `send()`, mark it sent; False if it was sent or is being sent elsewhere.

    The claim commits before `send()` runs and no transaction is held during it. If `send()`
    raises, the claim is released (its error kept in the ledger) and the exception propagates;
    the next run claims the key again.
    """
    async with deps.sessions.begin() as session:
        claimed = await ledger.claim(
            session=session,
            key=key,
            job=job,
            by=deps.claimant,
            now=deps.clock.now(),
            stale_after=stale_after,
        )
        if not claimed:  # held elsewhere; by a process of this host that died, say?
            held = await ledger.get(session=session, key=key)
            if held is not None and held.sent_at is None and process_gone(held.claimed_by):
                claimed = await ledger.take_over_from(
                    session=session,
                    key=key,
                    gone=held.claimed_by,
                    by=deps.claimant,
                    now=deps.clock.now(),
                )
    if not claimed:
        return False
    deps.metrics.job_messages_claimed.labels(job=job).inc()
    try:
        await send()
    except Exception as error:
        async with deps.sessions.begin() as session:
            await ledger.release(session=session, key=key, error=_describe(error))
        deps.metrics.job_messages_failed.labels(job=job).inc()
        logger.warning("job %s: sending %s failed; released for the next run", job, key)
        raise
    async with deps.sessions.begin() as session:
        await ledger.mark_sent(session=session, key=key, now=deps.clock.now())
    deps.metrics.job_messages_sent.labels(job=job).inc()
    return True


def _describe(error: Exception) -> str:
    text = str(error)
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
