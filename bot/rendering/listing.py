"""`/incident list` and the App Home tab."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.domain.drills import BANNER
from bot.domain.figures import Figures
from bot.domain.limits import MAX_MESSAGE_TEXT
from bot.domain.mrkdwn import escape_mrkdwn
from bot.domain.policy import Policy
from bot.domain.roles import ROLE_NAMES, Role
from bot.domain.severity import Severity
from bot.domain.status import Status
from bot.domain.times import duration
from bot.rendering.action_items import ItemView, item_blocks
from bot.rendering.incident import severity_line
from bot.rendering.stats import stats_lines
from bot.slack.ids import BlockId
from models import Incident

MAX_HOME_ROWS = 25
MAX_LIST_ROWS = 100  # past this a list is not read; the rest is counted
MAX_HOME_ITEMS = 10


def incident_line(incident: Incident, now: datetime, policy: Policy) -> str:
    """`🔴 SEV1 Critical · #3 payments down · Investigating · IC @ann · 42 min · #channel`."""
    commander = incident.current_roles.get(Role.COMMANDER.value)
    lock = " 🔒" if incident.is_private else ""
    drill = f"{BANNER} " if incident.is_drill else ""
    return (
        f"{drill}{severity_line(Severity(incident.severity), policy)} · *#{incident.id}* "
        f"{escape_mrkdwn(incident.title)}{lock} · {Status(incident.status).label} · "
        f"IC {f'<@{commander}>' if commander else '_none_'} · "
        f"{duration(incident.declared_at, now)} · <#{incident.channel_id}>"
    )


def incident_list(incidents: list[Incident], now: datetime, policy: Policy) -> str:
    """The answer to `/incident list`."""
    if not incidents:
        return "No open incidents. 🎉"
    text = f"*Open incidents ({len(incidents)})*"
    for shown, incident in enumerate(incidents):
        line = f"\n• {incident_line(incident, now, policy)}"
        rest = len(incidents) - shown
        more = f"\n…and {rest} older, not shown here."
        if shown == MAX_LIST_ROWS or len(text) + len(line) + len(more) > MAX_MESSAGE_TEXT:
            return text + more
        text += line
    return text


def home_view(
    user: str,
    incidents: list[Incident],
    now: datetime,
    policy: Policy,
    items: Sequence[ItemView] = (),
    prefix: str = "INC",
    today: date | None = None,
    figures: tuple[Figures, Figures] | None = None,
) -> dict[str, Any]:
    """The App Home tab: the person's incidents and roles, their action items, every open
    incident, and how the team is doing (the figures of 30 days against the 30 before)."""
    mine = [i for i in incidents if user in i.current_roles.values()]
    blocks: list[Block | dict[str, Any]] = [HeaderBlock(text="Your incidents")]
    if not mine:
        blocks.append(SectionBlock(text="You hold no role in an open incident."))
    for incident in mine[:MAX_HOME_ROWS]:
        roles = [
            ROLE_NAMES[Role(r)] for r, holder in incident.current_roles.items() if holder == user
        ]
        blocks.append(
            SectionBlock(
                block_id=f"{BlockId.HOME_MINE}_{incident.id}",
                text=MarkdownTextObject(
                    text=f"{incident_line(incident, now, policy)}\nYou are: {', '.join(roles)}"
                ),
            )
        )
    blocks += [DividerBlock(), HeaderBlock(text=f"My action items ({len(items)})")]
    if not items:
        blocks.append(SectionBlock(text="No open action items. 🎉"))
    shown = [
        block
        for view in items[:MAX_HOME_ITEMS]
        for block in item_blocks(view, prefix, today or now.date())
    ]
    blocks += shown
    if len(items) > MAX_HOME_ITEMS:
        blocks.append(
            SectionBlock(text=f"…and {len(items) - MAX_HOME_ITEMS} more: `/incident actions mine`.")
        )
    blocks += [DividerBlock(), HeaderBlock(text=f"All open incidents ({len(incidents)})")]
    if not incidents:
        blocks.append(SectionBlock(text="No open incidents. 🎉"))
    for incident in incidents[:MAX_HOME_ROWS]:
        blocks.append(
            SectionBlock(
                block_id=f"{BlockId.HOME_ALL}_{incident.id}",
                text=MarkdownTextObject(text=incident_line(incident, now, policy)),
            )
        )
    if len(incidents) > MAX_HOME_ROWS:
        blocks.append(
            SectionBlock(text=f"…and {len(incidents) - MAX_HOME_ROWS} more: `/incident list`.")
        )
    if figures is not None:
        blocks += [
            DividerBlock(),
            HeaderBlock(text="How we're doing (30 days)"),
            SectionBlock(
                block_id=BlockId.HOME_FIGURES,
                text=MarkdownTextObject(text="\n".join(stats_lines(*figures))),
            ),
        ]
    result: dict[str, Any] = View(type="home", blocks=blocks).to_dict()
    return result
