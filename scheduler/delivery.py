"""Send a job's message once; when Slack refuses it, leave it for the next run and go on."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from bot.deps import Deps
from bot.errors import SlackRefusal
from scheduler.ledger import send_once

logger = logging.getLogger(__name__)


async def deliver_once(
    deps: Deps, *, key: str, job: str, send: Callable[[], Awaitable[object]]
) -> int:
    """1 if this call sent the message, 0 if it was sent before or Slack refused it this time."""
    try:
        return int(await send_once(deps, key=key, job=job, send=send))
    except SlackRefusal as refusal:
        # The claim is released: the next run tries again. Other messages still go out.
        logger.warning("job %s: Slack refused %s (%s); retried next run", job, key, refusal.error)
        return 0
