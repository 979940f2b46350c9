"""Mentions in message text and blocks: broadcast pings, user mentions, rich_text parsing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from emulator.blocks import random_id

_PING = re.compile(r"<!(?:channel|here|everyone)(?:\|[^>]*)?>|<!subteam\^[A-Z0-9]+(?:\|[^>]*)?>")
_LINKED_PING = re.compile(r"(?<![\w&/<])@(channel|here|everyone)\b")
_HANDLE = re.compile(r"(?<![\w&/<])@([a-z0-9][a-z0-9._\-]*)")
_USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")


def mrkdwn_texts(text: str | None, blocks: list[dict[str, Any]] | None) -> Iterator[str]:
    """Yield every string Slack would parse as mrkdwn in a message."""
    if text:
        yield text
    for block in blocks or []:
        if not isinstance(block, dict):
            continue
        candidates = [block.get("text"), *(block.get("fields") or [])]
        if block.get("type") == "context":
            candidates += block.get("elements") or []
        for obj in candidates:
            if isinstance(obj, dict) and obj.get("type") == "mrkdwn":
                yield str(obj.get("text", ""))
        if block.get("type") == "markdown":
            yield str(block.get("text", ""))


def _rich_elements(blocks: list[dict[str, Any]] | None) -> Iterator[dict[str, Any]]:
    """Yield the leaf elements of rich_text blocks."""
    stack: list[Any] = [
        b for b in blocks or [] if isinstance(b, dict) and b.get("type") == "rich_text"
    ]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("elements"), list):
                stack.extend(node["elements"])
            else:
                yield node


def find_pings(
    text: str | None,
    blocks: list[dict[str, Any]] | None,
    link_names: bool = False,
    group_handles: frozenset[str] = frozenset(),
) -> list[str]:
    """Return the broadcast and group mentions a message would notify with."""
    pings: list[str] = []
    for chunk in mrkdwn_texts(text, blocks):
        pings += _PING.findall(chunk)
        if link_names:
            pings += [f"@{m}" for m in _LINKED_PING.findall(chunk)]
            pings += [f"@{h}" for h in _HANDLE.findall(chunk) if h in group_handles]
    for el in _rich_elements(blocks):
        if el.get("type") == "broadcast":
            pings.append(f"<!{el.get('range')}>")
        elif el.get("type") == "usergroup":
            pings.append(f"<!subteam^{el.get('usergroup_id')}>")
    return pings


def find_user_mentions(text: str | None, blocks: list[dict[str, Any]] | None) -> set[str]:
    """Return the user ids mentioned as <@U…> in a message."""
    found: set[str] = set()
    for chunk in mrkdwn_texts(text, blocks):
        found.update(_USER.findall(chunk))
    for el in _rich_elements(blocks):
        if el.get("type") == "user" and el.get("user_id"):
            found.add(str(el["user_id"]))
    return found


_TOKEN = re.compile(r"<([@#!])([^>|]+)(?:\|([^>]*))?>|<(https?://[^>|]+)(?:\|([^>]*))?>")


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def rich_text_from(text: str) -> list[dict[str, Any]]:
    """Return the rich_text block Slack's client attaches to a person's typed message."""
    elements: list[dict[str, Any]] = []
    pos = 0
    for match in _TOKEN.finditer(text):
        if match.start() > pos:
            elements.append({"type": "text", "text": _unescape(text[pos : match.start()])})
        sigil, ref, _label, url, link_text = match.groups()
        if url:
            elements.append(
                {"type": "link", "url": url, **({"text": link_text} if link_text else {})}
            )
        elif sigil == "@":
            elements.append({"type": "user", "user_id": ref})
        elif sigil == "#":
            elements.append({"type": "channel", "channel_id": ref})
        elif ref.startswith("subteam^"):
            elements.append({"type": "usergroup", "usergroup_id": ref.removeprefix("subteam^")})
        else:
            elements.append({"type": "broadcast", "range": ref})
        pos = match.end()
    if pos < len(text):
        elements.append({"type": "text", "text": _unescape(text[pos:])})
    section = {"type": "rich_text_section", "elements": elements}
    return [{"type": "rich_text", "block_id": random_id(), "elements": [section]}]
