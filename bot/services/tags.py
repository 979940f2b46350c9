"""Tags on an incident: added and removed in its channel, shown on its card, searched by."""

from __future__ import annotations

import re

from bot.domain.search import TAG
from bot.errors import UserFacingError
from bot.rendering.tags import tags_changed
from bot.services.deps import Deps
from bot.services.incidents import incident_change, post_notice
from models import tags as tag_rows

MAX_TAGS = 20


def read_tags(typed: tuple[str, ...]) -> list[str]:
    """The tags as stored (lowercase, `#` dropped), each checked; in the order typed."""
    tags: list[str] = []
    for word in typed:
        tag = word.strip().lstrip("#").lower()
        if not TAG.match(tag):
            shown = word.replace("`", "'")
            raise UserFacingError(
                f"`{shown}` is not a tag: use lowercase letters, digits, `.`, "
                "`_` or `-`, up to 40 characters, e.g. `database` or `third-party`."
            )
        if tag not in tags:
            tags.append(tag)
    return tags


async def change_tags(
    deps: Deps, *, channel_id: str, verb: str, tags: tuple[str, ...], by: str
) -> None:
    """Add or remove tags on the channel's incident; the card shows them, the timeline says so."""
    wanted = read_tags(tags)
    async with incident_change(deps, channel_id, by=by) as change:
        incident = change.incident
        have = set(incident.tag_names)
        if verb == "add":
            new = [t for t in wanted if t not in have]
            if not new:
                raise UserFacingError(f"#{incident.id} already has {_listed(wanted)}.")
            if len(have) + len(new) > MAX_TAGS:
                raise UserFacingError(f"An incident holds at most {MAX_TAGS} tags.")
            for tag in new:
                tag_rows.add(incident, tag=tag, by=by, at=change.at)
            change.record("tags_added", tags=new)
            text = tags_changed(new, by, added=True)
        else:
            gone = [t for t in wanted if t in have]
            if not gone:
                raise UserFacingError(f"#{incident.id} has no tag {_listed(wanted)}.")
            for tag in gone:
                tag_rows.remove(incident, tag=tag)
            change.record("tags_removed", tags=gone)
            text = tags_changed(gone, by, added=False)
        change.then(lambda i: post_notice(deps, i, text))


async def set_tags(deps: Deps, *, channel_id: str, typed: str, by: str) -> None:
    """Make the incident's tags exactly those written (the postmortem form's field)."""
    wanted = read_tags(tuple(t for t in re.split(r"[,\s]+", typed) if t))
    async with incident_change(deps, channel_id, by=by) as change:
        incident = change.incident
        have = set(incident.tag_names)
        new, gone = [t for t in wanted if t not in have], sorted(have - set(wanted))
        if not new and not gone:
            return
        if len(wanted) > MAX_TAGS:
            raise UserFacingError(f"An incident holds at most {MAX_TAGS} tags.")
        for tag in new:
            tag_rows.add(incident, tag=tag, by=by, at=change.at)
        for tag in gone:
            tag_rows.remove(incident, tag=tag)
        change.record("tags_set", added=new, removed=gone)


def _listed(tags: list[str]) -> str:
    return ", ".join(f"`{t}`" for t in tags)
