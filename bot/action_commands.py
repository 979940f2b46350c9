"""Parse `/incident action …` and `/incident actions …`."""

from __future__ import annotations

import re

from bot.dates import looks_like_date
from bot.errors import UserFacingError
from bot.escape import escape_mrkdwn
from bot.requests import ChangeAction, CreateAction, ListActions
from bot.slack_text import typed_text, user_id

_NUMBER = re.compile(r"^([A-Za-z][A-Za-z0-9]{0,9})-(\d+)$")
_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_PRIORITY = re.compile(r"(?<!\S)[Pp]([123])(?!\S)")
_DUE = re.compile(r"(?<!\S)due\s+((?:[A-Za-z]{3,9}\.?\s+\d{1,2})|\S+)(?!\S)", re.IGNORECASE)
_TRAILING_DATE = re.compile(r"(?<!\S)(\d{4}-\d{2}-\d{2})\s*$")
VERBS = ("start", "done", "wontdo", "owner", "due", "priority")
SCOPES = ("mine", "overdue", "open")
MAX_TITLE = 300


class ActionUsage(UserFacingError):
    """What was wrong with an action command, and how to write it."""

    def __init__(self, problem: str) -> None:
        super().__init__(
            f"{problem}\n\n*Usage*\n"
            "• `/incident action <text> [@owner] [due <date>] [P1|P2|P3]`, e.g. "
            "`/incident action Add an alert on p99 latency @bob due friday P1`\n"
            "• `/incident action INC-12 start|done|wontdo <reason>|owner @user|due <date>|"
            "priority P1`\n"
            "• `/incident actions [mine|overdue|open]`"
        )


def parse_action(raw: str, prefix: str = "INC") -> CreateAction | ChangeAction:
    """`/incident action …`: a new item, or a change to one given by its number (`INC-12`)."""
    words = raw.split()
    if not words:
        raise ActionUsage(
            "What is the action? e.g. `/incident action Add an alert @bob due friday`."
        )
    number = _NUMBER.match(words[0])
    if number and number.group(1).upper() == prefix:  # SEC-42 in a title is just words
        return _change(int(number.group(2)), words[1:], raw)
    return _create(raw)


def parse_actions(args: list[str]) -> ListActions:
    """`/incident actions [mine|overdue|open]`."""
    if not args:
        return ListActions("incident")
    if len(args) == 1 and args[0].lower() in SCOPES:
        return ListActions(args[0].lower())
    raise ActionUsage(
        f"`{escape_mrkdwn(' '.join(args))}` is not a list: use mine, overdue or open."
    )


def _create(raw: str) -> CreateAction:
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
        raise ActionUsage("The action needs a title: what should be done?")
    if len(title) > MAX_TITLE:
        raise ActionUsage(f"That title is {len(title)} characters; keep it to {MAX_TITLE}.")
    return CreateAction(title=title, owner=owner, due=due, priority=priority)


def _change(number: int, words: list[str], raw: str) -> ChangeAction:
    verb = words[0].lower() if words else ""
    rest = " ".join(words[1:])
    if verb in ("start", "done") and not rest:
        return ChangeAction(number, verb)
    if verb == "wontdo" and rest:
        return ChangeAction(number, verb, typed_text(rest).strip())
    if verb == "wontdo":
        raise ActionUsage(
            "Say why it won't be done, e.g. `/incident action INC-12 wontdo covered by INC-9`."
        )
    if verb == "owner":
        owner = user_id(rest.strip())
        if owner is None:
            raise ActionUsage("Mention the new owner, e.g. `/incident action INC-12 owner @bob`.")
        return ChangeAction(number, verb, owner)
    if verb == "due" and rest:
        return ChangeAction(number, verb, rest)
    if verb == "priority" and rest.upper() in ("P1", "P2", "P3"):
        return ChangeAction(number, verb, rest.upper())
    shown = escape_mrkdwn(" ".join(words)) or "nothing"
    raise ActionUsage(f"I can't do `{shown}` to an action item. Use one of: {', '.join(VERBS)}.")
