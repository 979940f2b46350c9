"""Near-misses: recorded by a short form, celebrated in the announcement channel (not an
alarm: nobody is paged, no channel is opened), listed, and counted against the incidents."""

from __future__ import annotations

from dataclasses import dataclass

from bot.errors import SlackRefusal, UserFacingError
from bot.rendering.near_misses import celebration, celebration_text, near_miss_list
from bot.services.deps import Deps
from models import NearMiss
from models import near_misses as near_miss_rows

LISTED = 20


@dataclass(frozen=True)
class NearMissReport:
    """What the person wrote in the form."""

    title: str
    what_happened: str
    what_prevented: str
    services: tuple[str, ...]
    by: str


async def record_near_miss(deps: Deps, report: NearMissReport) -> tuple[NearMiss, str | None]:
    """Record it, then celebrate it in the announcement channel; the near-miss and where it
    was celebrated (None without an announcement channel). What Slack refused is said."""
    catalog = deps.policy.catalog
    async with deps.sessions.begin() as session:
        near_miss = await near_miss_rows.add(
            session=session,
            title=report.title,
            what_happened=report.what_happened,
            what_prevented=report.what_prevented,
            services=[slug for slug in report.services if catalog.get(slug)],
            by=report.by,
            at=deps.clock.now(),
        )
    announce_to = deps.settings.announce_channel
    if not announce_to:
        return near_miss, None
    try:
        where, ts = await deps.slack.post_joining(
            announce_to,
            text=celebration_text(near_miss),
            blocks=celebration(near_miss, catalog),
        )
    except SlackRefusal as refusal:
        raise UserFacingError(
            f"Near-miss #{near_miss.id} is recorded, but Slack refused to celebrate it in "
            f"{announce_to}: {refusal.explanation}."
        ) from refusal
    async with deps.sessions.begin() as session:
        session.add(near_miss)
        near_miss.announcement_channel_id, near_miss.announcement_ts = where, ts
    return near_miss, where


async def list_near_misses(deps: Deps) -> str:
    """What `/incident near-misses` answers."""
    async with deps.sessions() as session:
        found = await near_miss_rows.latest(session=session, limit=LISTED)
    return near_miss_list(found, deps.zone)
