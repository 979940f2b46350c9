"""Send a job's message at most once across every process, through the delivery ledger
(bot.services.once); when Slack refuses it, go on and have the run retried."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from contextvars import ContextVar

from bot.errors import SlackRefusal
from bot.services.deps import Deps
from bot.services.once import send_once

logger = logging.getLogger(__name__)

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
