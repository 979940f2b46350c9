"""Slack text that must fit Block Kit's limits without losing a character."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock

# Block Kit's limits: characters in a section's text, blocks in one message, a header.
SECTION_LIMIT = 3000
MESSAGE_BLOCKS = 50
HEADER_LIMIT = 150


def text_size(text: str) -> int:
    """Length as Slack may count it."""
    # Counted in UTF-16 units, never fewer than characters, so Slack's limit holds either way.
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def text_prefix(text: str, limit: int) -> str:
    """The longest start of `text` within `limit`."""
    used = 0
    for index, char in enumerate(text):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > limit:
            return text[:index]
    return text


def split_text(line: str, limit: int = SECTION_LIMIT) -> list[str]:
    """Cut a line into pieces that fit; joined again they give the line back exactly."""
    pieces: list[str] = []
    while text_size(line) > limit:
        hard = len(text_prefix(line, limit))
        cut = max(line.rfind("\n", hard // 2, hard), line.rfind(" ", hard // 2, hard)) + 1
        cut = cut or hard
        # Never cut inside a mention, a link or an entity: move the cut before it.
        for opener, closer in (("<", ">"), ("&", ";")):
            start = line.rfind(opener, 0, cut)
            if start > 0 and closer not in line[start:cut]:
                cut = min(cut, start)
        pieces.append(line[:cut])
        line = line[cut:]
    pieces.append(line)
    return pieces


def text_sections(block_id: str, text: str) -> list[dict[str, Any]]:
    """Mrkdwn text as one section, or several in a row when it is longer than a section holds."""
    pieces = split_text(text)
    return [
        SectionBlock(
            block_id=block_id if index == 0 else f"{block_id}_{index}",
            text=MarkdownTextObject(text=piece),
        ).to_dict()
        for index, piece in enumerate(pieces)
    ]
