"""Slack's mrkdwn, both ways: make user text safe to show (it can never ping or forge a
mention), and read what Slack sends back into what was typed."""

from __future__ import annotations

import html
import re

_USER = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
_NAMED = re.compile(r"<([@#]|!subteam\^)[A-Z0-9]+\|([^>]+)>")
_SIGIL = {"@": "@", "#": "#", "!subteam^": ""}
_SPECIAL = re.compile(r"<!(channel|here|everyone)>")
_LINK = re.compile(r"<((?:https?|mailto):[^|>]+)(?:\|([^>]+))?>")


def escape_mrkdwn(text: str) -> str:
    """Escape the three characters Slack treats as control characters in message text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def typed_text(text: str) -> str:
    """Undo Slack's escaping of slash-command text: `<@U1|ann>` → `@ann`, `&lt;` → `<`."""
    text = _NAMED.sub(lambda m: _SIGIL[m.group(1)] + m.group(2), text)
    text = _SPECIAL.sub(lambda m: "@" + m.group(1), text)
    text = _LINK.sub(lambda m: m.group(2) or m.group(1), text)
    return html.unescape(text)


def user_id(token: str) -> str | None:
    """The user ID in a mention token such as `<@U123|ann>`, else None."""
    match = _USER.match(token)
    return match.group(1) if match else None
