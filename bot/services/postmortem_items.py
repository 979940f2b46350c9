"""The postmortem's ACTION ITEMS section becomes real action items, one per line."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bot.domain.action_items import read_new_item
from bot.domain.mrkdwn import escape_mrkdwn
from bot.errors import UserFacingError
from bot.services.action_items import create_action_item
from bot.services.deps import Deps
from bot.services.incidents import incident_in
from bot.services.postmortems import postmortem_in, save_sections, share
from bot.services.tags import set_tags
from models import action_items as item_rows

_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s*")
_HANDLE = re.compile(r"(?<![<\w])@([a-z0-9._-]+)", re.IGNORECASE)


@dataclass
class Outcome:
    """Items made from the section, and lines that could not become one (and why)."""

    made: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


@dataclass
class Saved:
    """What saving the editor's form did: blameless findings, and items made from it."""

    findings: list[dict[str, Any]]
    items: Outcome


async def save_postmortem(
    deps: Deps,
    *,
    channel_id: str,
    sections: dict[str, str],
    by: str,
    tags: str | None = None,
) -> Saved:
    """Store the sections (checked for blame), make items of new ACTION ITEMS lines, set the
    tags as written (when the form had them), re-draft."""
    if tags is not None:
        await set_tags(deps, channel_id=channel_id, typed=tags, by=by)
    findings = await save_sections(deps, channel_id=channel_id, sections=sections, by=by)
    incident, postmortem = await postmortem_in(deps, channel_id)
    items = await items_from_section(
        deps,
        channel_id=channel_id,
        text=sections.get("action_items", ""),
        by=by,
        postmortem_id=postmortem.id,
    )
    if items.made:
        await share(deps, incident)  # once more, now listing the new items
    return Saved(findings=findings, items=items)


async def items_from_section(
    deps: Deps, *, channel_id: str, text: str, by: str, postmortem_id: int
) -> Outcome:
    """Make an item of every line not yet an item of this incident (matched by title)."""
    incident = await incident_in(deps, channel_id)
    async with deps.sessions() as session:
        existing = {
            i.title.lower()
            for i in await item_rows.for_incident(session=session, incident_id=incident.id)
        }
    outcome = Outcome()
    prefix = deps.settings.item_prefix
    for line in text.splitlines():
        line = _BULLET.sub("", line).strip()
        if not line or re.match(rf"^{prefix}-\d+\b", line, re.IGNORECASE):
            continue  # blank, or an item already listed by its number
        try:
            request = read_new_item(await _with_mentions(deps, line))
            if request.title.lower() in existing:
                continue
            view = await create_action_item(
                deps,
                channel_id=channel_id,
                request=request,
                by=by,
                postmortem_id=postmortem_id,
                redraft=False,
            )
        except UserFacingError as error:
            reason = error.message.split("\n")[0]
            outcome.refused.append(f"“{escape_mrkdwn(line)}”: {reason}")
            continue
        existing.add(request.title.lower())
        outcome.made.append(f"{prefix}-{view.item.id}")
    return outcome


async def _with_mentions(deps: Deps, line: str) -> str:
    """`@bob` typed in a form becomes the mention Slack would have sent from a command."""
    for handle in set(_HANDLE.findall(line)):
        user = await deps.slack.user_by_name(handle)
        if user:
            line = re.sub(rf"(?<![<\w])@{re.escape(handle)}\b", f"<@{user}>", line)
    return line
