"""The reconcile job: repair what a crash left half-done (see bot.services.reconcile)."""

from __future__ import annotations

import logging
from datetime import datetime

from bot.services.deps import Deps
from bot.services.reconcile import reconcile

logger = logging.getLogger(__name__)


async def reconcile_incidents(deps: Deps, now: datetime) -> int:
    """Repair every incident that needs it; returns how many were repaired."""
    repairs = await reconcile(deps, now)
    for repair in repairs:
        logger.warning("reconciled incident #%d: %s", repair.number, "; ".join(repair.done))
    return len(repairs)
