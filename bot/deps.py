"""What every listener and job needs, built once in the app factory and passed in."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.gateway import SlackGateway
from bot.pagerduty import PagerDuty
from bot.policy import Policy
from bot.settings import Settings


@dataclass(frozen=True)
class Deps:
    """Settings, policy, clock, database sessions, the Slack gateway and the pager."""

    settings: Settings
    policy: Policy
    clock: Clock
    sessions: async_sessionmaker[AsyncSession]
    slack: SlackGateway
    pagerduty: PagerDuty

    @property
    def zone(self) -> ZoneInfo:
        """The configured time zone."""
        return self.settings.zone
