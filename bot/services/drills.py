"""Game days: declare a drill (a library scenario or ad hoc), and mark everything the bot
posts in its channel (the injects are posted by the scheduler's `drill-injects` job)."""

from __future__ import annotations

import logging

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.drills import BANNER, Scenario
from bot.domain.severity import Severity
from bot.errors import UserFacingError
from bot.rendering.drills import drill_library
from bot.services.declare import Declaration, declare_incident
from bot.services.deps import Deps
from bot.slack.gateway import Banner
from models import Incident
from models import incidents as incident_rows

logger = logging.getLogger(__name__)

# Channels looked up before the cache starts again (a drill's channel never stops being one).
MAX_REMEMBERED = 10_000


async def declare_drill(
    deps: Deps, *, severity: Severity | None, name: str, declarer: str
) -> Incident:
    """Start a game day: the scenario of this name (at its severity unless one is given), or
    an ad hoc drill with this title, which needs a severity."""
    scenario = deps.policy.drills.scenario(name)
    if scenario is None and severity is None:
        raise UserFacingError(_unknown_scenario(deps, name))
    declaration = Declaration(
        severity=severity or _severity_of(scenario),
        title=scenario.name if scenario else name,
        declarer=declarer,
        description=scenario.description if scenario else None,
        is_drill=True,
        scenario=scenario.name if scenario else None,
    )
    return await declare_incident(deps, declaration)


def _severity_of(scenario: Scenario | None) -> Severity:
    assert scenario is not None
    return scenario.severity


def _unknown_scenario(deps: Deps, name: str) -> str:
    names = [s.name for s in deps.policy.drills.scenarios]
    known = f" The library has: {', '.join(names)}." if names else ""
    return (
        f"No drill scenario is named {name!r}.{known} To run one ad hoc, give it a severity: "
        f"`/incident drill sev3 {name}`."
    )


def library(deps: Deps) -> str:
    """What `/incident drill list` answers."""
    return drill_library(deps.policy.drills)


def drill_banner(sessions: async_sessionmaker[AsyncSession]) -> Banner:
    """The gateway's banner look-up: 🧪 DRILL for a drill's channel, None anywhere else."""
    remembered: dict[str, bool] = {}

    async def banner(channel: str) -> str | None:
        if channel[:1] not in ("C", "G"):
            return None  # a person (a DM) or a channel by name: never a drill's channel
        if channel not in remembered:
            try:
                async with sessions() as session:
                    found = await incident_rows.get_by_channel(session=session, channel_id=channel)
            except (SQLAlchemyError, OSError) as error:
                logger.warning("cannot tell whether %s is a drill's channel: %s", channel, error)
                return None
            if len(remembered) >= MAX_REMEMBERED:
                remembered.clear()
            remembered[channel] = found is not None and found.is_drill
        return BANNER if remembered[channel] else None

    return banner
