"""Render the emulated workspace as people would read it: channel by channel, as text."""

from __future__ import annotations

import html
import re
from typing import Any

from emulator.state import Message

_USER = re.compile(r"<@(U[A-Z0-9]+)(?:\|[^>]*)?>")
_CHANNEL = re.compile(r"<#(C[A-Z0-9]+|G[A-Z0-9]+)(?:\|[^>]*)?>")
_LINK = re.compile(r"<(https?://[^|>]+)\|([^>]+)>")


def readable(text: str, emu: Any) -> str:
    """Turn Slack markup into what the client shows: names for mentions, plain entities."""

    def user(match: re.Match[str]) -> str:
        found = emu.users.get(match.group(1))
        return f"@{found.name}" if found else match.group(0)

    def channel(match: re.Match[str]) -> str:
        found = emu.channels.get(match.group(1))
        return f"#{found.name}" if found else match.group(0)

    text = _LINK.sub(lambda m: f"{m.group(2)} ({m.group(1)})", text)
    return html.unescape(_CHANNEL.sub(channel, _USER.sub(user, text)))


def block_lines(blocks: list[dict[str, Any]], emu: Any) -> list[str]:
    """One or more lines per block, the way the Slack client lays them out."""
    lines: list[str] = []
    for block in blocks:
        kind = block.get("type")
        if kind == "header":
            lines.append(f"▌ {block['text']['text']}")
        elif kind == "section":
            if "text" in block:
                lines += readable(block["text"]["text"], emu).splitlines()
            for field in block.get("fields", []):
                label, _, value = readable(field["text"], emu).partition("\n")
                lines.append(f"  {label}: " + value.replace("\n", "\n" + " " * (len(label) + 4)))
        elif kind == "context":
            texts = [readable(e.get("text", ""), emu) for e in block.get("elements", [])]
            lines.append("  " + " ".join(texts))
        elif kind == "actions":
            labels = [f"[{e['text']['text']}]" for e in block.get("elements", []) if "text" in e]
            lines.append("  " + " ".join(labels))
        elif kind == "divider":
            lines.append("  ───")
    return lines


def message_lines(message: Message, emu: Any, *, pinned: bool, indent: str = "") -> list[str]:
    """A message with its author, pin marker, reactions and thread."""
    author = emu.users.get(message.user)
    name = author.name if author else message.user
    marker = " 📌" if pinned else ""
    body = (
        block_lines(message.blocks, emu)
        if message.blocks
        else readable(message.text or "", emu).splitlines()
    )
    lines = [f"{indent}{name}{marker}:"] + [f"{indent}    {line}" for line in body]
    if message.reactions:
        marks = " ".join(f":{emoji}: {len(users)}" for emoji, users in message.reactions.items())
        lines.append(f"{indent}    {marks}")
    for reply in message.replies:
        lines += message_lines(reply, emu, pinned=False, indent=indent + "    ↳ ")
    return lines


def render_workspace(emu: Any) -> str:
    """Every channel with messages, then every private (ephemeral) answer, as text."""
    out: list[str] = []
    for channel in emu.channels.values():
        if not channel.messages and not channel.topic:
            continue
        members = ", ".join(sorted(emu.users[m].name for m in channel.members if m in emu.users))
        if channel.is_im:
            person = next(
                (
                    emu.users[m].name
                    for m in channel.members
                    if m in emu.users and not emu.users[m].is_bot
                ),
                channel.name,
            )
            out.append(f"━━ direct message to @{person}")
        else:
            lock = "🔒" if channel.is_private else "#"
            out.append(f"━━ {lock}{channel.name}  (members: {members})")
        if channel.topic:
            out.append(f"   topic: {readable(channel.topic, emu)}")
        for message in channel.messages:
            out += [
                "   " + line
                for line in message_lines(message, emu, pinned=message.ts in channel.pins)
            ]
        out.append("")
    for canvas in emu.workspace.canvases.values():
        out.append(f"━━ canvas: {canvas.title}")
        out += ["   " + line for line in canvas.markdown.splitlines()]
        out.append("")
    for ephemeral in emu.ephemerals:
        user = emu.users.get(ephemeral.user)
        out.append(f"━━ only visible to @{user.name if user else ephemeral.user}")
        text = block_lines(ephemeral.blocks, emu) if ephemeral.blocks else None
        out += ["   " + line for line in (text or readable(ephemeral.text, emu).splitlines())]
        out.append("")
    return "\n".join(out)
