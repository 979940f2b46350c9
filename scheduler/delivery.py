"""Send a job's message at most once across every process, through the delivery ledger; when
Slack refuses it, go on and have the run retried."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from datetime import timedelta

from bot.errors import SlackRefusal
from bot.services.deps import Deps
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


# Keys whose send Slack refused during the current run (filled by scheduler.delivery).
REFUSED: ContextVar[list[str]] = ContextVar("refused_deliveries")


class IncompleteRun(RuntimeError):
    """Some of a job's messages were refused by Slack; the rest went out."""

    def __init__(self, name: str, keys: list[str]) -> None:
        super().__init__(f"job {name}: Slack refused {len(keys)} message(s): {', '.join(keys[:5])}")
        self.keys = keys


async def deliver_once(
    deps: Deps, *, key: str, job: str, send: Callable[[], Awaitable[object]]
) -> int:
    """1 if this call sent the message, 0 if it was sent before or Slack refused it this time."""
    try:
        return int(await send_once(deps, key=key, job=job, send=send))
    except SlackRefusal as refusal:
        # The claim is released and the run marked incomplete, so it is tried again soon;
        # the job's other messages still go out now.
        logger.warning("job %s: Slack refused %s (%s); it will be retried", job, key, refusal.error)
        refused = REFUSED.get(None)
        if refused is not None:
            refused.append(key)
        return 0
