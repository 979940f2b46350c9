"""Parse `/incident action …` and `/incident actions …`."""

from __future__ import annotations

import re

from bot.commands.help import UsageError
from bot.domain.action_items import read_new_item
from bot.domain.mrkdwn import escape_mrkdwn, typed_text, user_id
from bot.domain.requests import ChangeActionItem, CreateActionItem, ListActionItems
from bot.errors import UserFacingError

_NUMBER = re.compile(r"^([A-Za-z][A-Za-z0-9]{0,9})-(\d+)$")
VERBS = ("start", "done", "wontdo", "owner", "due", "priority")
SCOPES = ("mine", "overdue", "open")
ITEM_FORMS = "/incident action"  # the help table's lines for items: make, change, list


class ItemUsage(UsageError):
    """What was wrong with an action-item command, with the usage of the item commands."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem, form=ITEM_FORMS)


def parse_item_command(raw: str, prefix: str = "INC") -> CreateActionItem | ChangeActionItem:
    """`/incident action …`: a new item, or a change to one given by its number (`INC-12`)."""
    words = raw.split()
    if not words:
        raise ItemUsage("What is the action? e.g. `/incident action Add an alert @bob due friday`.")
    number = _NUMBER.match(words[0])
    if number and number.group(1).upper() == prefix:  # SEC-42 in a title is just words
        return _change(int(number.group(2)), words[1:], raw)
    return _create(raw)


def parse_item_list(args: list[str]) -> ListActionItems:
    """`/incident actions [mine|overdue|open]`."""
    if not args:
        return ListActionItems("incident")
    if len(args) == 1 and args[0].lower() in SCOPES:
        return ListActionItems(args[0].lower())
    raise ItemUsage(f"`{escape_mrkdwn(' '.join(args))}` is not a list: use mine, overdue or open.")


def _create(raw: str) -> CreateActionItem:
    try:
        return read_new_item(raw)
    except UserFacingError as error:
        raise ItemUsage(error.message) from None


def _change(number: int, words: list[str], raw: str) -> ChangeActionItem:
    verb = words[0].lower() if words else ""
    rest = " ".join(words[1:])
    if verb in ("start", "done") and not rest:
        return ChangeActionItem(number, verb)
    if verb == "wontdo" and rest:
        return ChangeActionItem(number, verb, typed_text(rest).strip())
    if verb == "wontdo":
        raise ItemUsage(
            "Say why it won't be done, e.g. `/incident action INC-12 wontdo covered by INC-9`."
        )
    if verb == "owner":
        owner = user_id(rest.strip())
        if owner is None:
            raise ItemUsage("Mention the new owner, e.g. `/incident action INC-12 owner @bob`.")
        return ChangeActionItem(number, verb, owner)
    if verb == "due" and rest:
        return ChangeActionItem(number, verb, rest)
    if verb == "priority" and rest.upper() in ("P1", "P2", "P3"):
        return ChangeActionItem(number, verb, rest.upper())
    shown = escape_mrkdwn(" ".join(words)) or "nothing"
    raise ItemUsage(f"I can't do `{shown}` to an action item. Use one of: {', '.join(VERBS)}.")
