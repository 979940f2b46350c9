"""Measure how the team is doing over a window: read the rows (models.stats), compute the
figures (bot.domain.figures); every view, Slack, App Home and the CLI, goes through here."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.action_items import ItemStatus
from bot.domain.figures import (
    Actions,
    Figures,
    Resolved,
    Window,
    figures,
    summarize,
    window_named,
)
from bot.domain.severity import Severity
from bot.rendering.stats import stats_blocks
from bot.services.deps import Deps
from models import near_misses as near_miss_rows
from models import stats as stat_rows


async def stats_summary(deps: Deps, window_text: str) -> list[dict[str, Any]]:
    """What `/incident stats` answers: the window's figures against the window before."""
    window = window_named(window_text, now=deps.clock.now(), zone=deps.zone)
    current, previous = await measure_with_previous(deps, window)
    return stats_blocks(current, previous)


async def measure(deps: Deps, window: Window) -> Figures:
    """The figures of one window."""
    async with deps.sessions() as session:
        return await _measure(session, window, deps)


async def measure_with_previous(deps: Deps, window: Window) -> tuple[Figures, Figures]:
    """The figures of a window and of the window of the same length before it."""
    async with deps.sessions() as session:
        current = await _measure(session, window, deps)
        previous = await _measure(session, window.previous(), deps)
    return current, previous


async def resolve_trend(deps: Deps, now: datetime, *, weeks: int) -> list[float | None]:
    """The median time to resolve (minutes) of each of the `weeks` 7-day windows up to
    `now`, oldest first; None for a week that resolved nothing."""
    medians: list[float | None] = []
    async with deps.sessions() as session:
        for back in range(weeks, 0, -1):
            until = now - timedelta(days=7 * (back - 1))
            resolved = await stat_rows.resolved_between(
                session=session, since=until - timedelta(days=7), until=until
            )
            medians.append(summarize([minutes for *_, minutes, _ in resolved]).median)
    return medians


async def resolve_medians(deps: Deps, windows: list[Window]) -> list[float | None]:
    """The median time to resolve (minutes) of each window; None where nothing resolved."""
    medians: list[float | None] = []
    async with deps.sessions() as session:
        for window in windows:
            resolved = await stat_rows.resolved_between(
                session=session, since=window.since, until=window.until
            )
            medians.append(summarize([minutes for *_, minutes, _ in resolved]).median)
    return medians


async def _measure(session: AsyncSession, window: Window, deps: Deps) -> Figures:
    span = {"since": window.since, "until": window.until}
    declared = await stat_rows.declared_between(session=session, **span)
    resolved = await stat_rows.resolved_between(session=session, **span)
    items = await stat_rows.items_created_between(
        session=session, done=ItemStatus.DONE, wont_do=ItemStatus.WONT_DO, **span
    )
    near_misses = await near_miss_rows.count_between(session=session, **span)
    return figures(
        window,
        declared=[(Severity(s), at, recurs) for s, at, recurs, drill in declared if not drill],
        resolved=[
            Resolved(Severity(s), detect, mitigate, resolve, defaulted)
            for s, detect, mitigate, resolve, defaulted in resolved
        ],
        actions=Actions(
            created=items.created,
            done=items.done,
            wont_do=items.wont_do,
            days_to_complete=summarize(items.days_to_done),
        ),
        zone=deps.zone,
        near_misses=near_misses,
        drills=sum(1 for *_, drill in declared if drill),
    )
