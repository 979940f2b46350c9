"""The search archive kept current: documents written about since they were built, built
again (a search also builds them first, so this only keeps searches quick)."""

from __future__ import annotations

from datetime import datetime

from bot.services.deps import Deps
from bot.services.search import build_dirty


async def build_search_documents(deps: Deps, now: datetime) -> int:
    """Build the dirty documents; sends nothing, so it returns 0 messages."""
    await build_dirty(deps)
    return 0
