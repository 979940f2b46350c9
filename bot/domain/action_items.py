"""Action items' rules: the states an item moves through, its priorities, and how a new one
is written in one line (`Add an alert @bob due friday P1`), typed or in a postmortem."""

from __future__ import annotations

import re
from enum import StrEnum

from bot.domain.dates import looks_like_date
from bot.domain.limits import MAX_ITEM_TITLE
from bot.domain.mrkdwn import typed_text
from bot.domain.requests import CreateActionItem
from bot.errors import UserFacingError


class ItemStatus(StrEnum):
    """Where an action item stands; stored as its value."""

    NOT_STARTED = "not started"
    IN_PROGRESS = "in progress"
    DONE = "done"
    WONT_DO = "won't do"


ITEM_OPEN = (ItemStatus.NOT_STARTED, ItemStatus.IN_PROGRESS)
ITEM_CLOSED = (ItemStatus.DONE, ItemStatus.WONT_DO)
PRIORITIES = ("P1", "P2", "P3")

_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_PRIORITY = re.compile(r"(?<!\S)[Pp]([123])(?!\S)")
_DUE = re.compile(r"(?<!\S)due\s+((?:[A-Za-z]{3,9}\.?\s+\d{1,2})|\S+)(?!\S)", re.IGNORECASE)
_TRAILING_DATE = re.compile(r"(?<!\S)(\d{4}-\d{2}-\d{2})\s*$")


def read_new_item(raw: str) -> CreateActionItem:
    """Read `<text> [@owner] [due <date>] [P1|P2|P3]`; the date stays as typed."""
    text = raw
    owner = None
    mention = _MENTION.search(text)
    if mention:
        owner, text = mention.group(1), text[: mention.start()] + text[mention.end() :]
    priority = "P2"
    found = _PRIORITY.search(text)
    if found:
        priority, text = f"P{found.group(1)}", text[: found.start()] + text[found.end() :]
    due = None
    for when in _DUE.finditer(text):
        if looks_like_date(when.group(1)):  # "due to timeouts" is words, not a date
            due, text = when.group(1), text[: when.start()] + text[when.end() :]
            break
    else:
        trailing = _TRAILING_DATE.search(text)
        if trailing:
            due, text = trailing.group(1), text[: trailing.start()]
    title = " ".join(typed_text(text).split())
    if not title:
        raise UserFacingError("The action needs a title: what should be done?")
    if len(title) > MAX_ITEM_TITLE:
        raise UserFacingError(
            f"That title is {len(title)} characters; keep it to {MAX_ITEM_TITLE}."
        )
    return CreateActionItem(title=title, owner=owner, due=due, priority=priority)
