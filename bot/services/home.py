"""The App Home tab, drawn for one person."""

from __future__ import annotations

from bot.domain.figures import window_named
from bot.rendering.listing import home_view
from bot.services.action_items import items_for, today
from bot.services.deps import Deps
from bot.services.listing import visible_open_incidents
from bot.services.stats import measure_with_previous

HOME_WINDOW = "30d"


async def refresh_home(deps: Deps, user: str) -> None:
    """Publish the person's Home: their incidents and roles, their items, all open incidents,
    and the team's figures of the last 30 days."""
    incidents = await visible_open_incidents(deps, user)
    items = await items_for(deps, scope="mine", user=user, channel_id="")
    window = window_named(HOME_WINDOW, now=deps.clock.now(), zone=deps.zone)
    figures = await measure_with_previous(deps, window)
    view = home_view(
        user,
        incidents,
        deps.clock.now(),
        deps.policy,
        items,
        deps.settings.item_prefix,
        today(deps),
        figures,
    )
    await deps.slack.publish_home(user, view)
