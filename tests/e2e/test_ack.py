"""The ack rule: a slash command and a button are acknowledged empty at once and answered with
respond() (or in the channel) after; a replayed signed request has no second effect."""

from __future__ import annotations

from urllib.parse import urlencode

from sqlalchemy import select

from bot.app.inbox import DATABASE_DOWN
from bot.commands.help import SUBCOMMANDS
from emulator import SlackEmulator
from emulator.interactions import slash_form
from models.database import make_engine, make_sessions
from models.inbox import InboxEvent
from tests.conftest import RunningBot
from tests.helpers import declare, ephemeral_for


async def test_every_subcommand_is_acked_empty_and_answered_through_its_response_url(
    bot: RunningBot, emu: SlackEmulator
) -> None:
    channel = await declare(emu)
    for subcommand in SUBCOMMANDS:
        text = subcommand.example.removeprefix("/incident").strip()
        answered = _seen(emu)
        ack = await emu.slash_command("/incident", text, channel=channel.id)
        assert (ack.status_code, ack.text) == (200, ""), subcommand.example
        await emu.wait_for(
            lambda before=answered: _seen(emu) > before,
            message=f"(an answer to {subcommand.example})",
        )
        await bot.runtime.inbox.drain()


async def test_a_replayed_slash_command_declares_once(bot: RunningBot, emu: SlackEmulator) -> None:
    general = emu.channel_by_name("general")
    assert general is not None
    user = emu.users["U0ALICE"]
    form = slash_form(
        "/incident",
        "sev2 payments down",
        user,
        general,
        emu.issue_response_url(general.id, user.id),
        emu.issue_trigger(user.id),
    )
    body = urlencode(form).encode()
    first = await emu._post(body, "application/x-www-form-urlencoded")
    again = await emu._post(body, "application/x-www-form-urlencoded")  # the same signed bytes
    await emu.wait_for(lambda: emu.calls_to("conversations.create"))
    await bot.runtime.inbox.drain()

    assert (first.status_code, again.status_code) == (200, 200)
    assert len(emu.calls_to("conversations.create")) == 1


def _seen(emu: SlackEmulator) -> int:
    """Everything anyone could see: private answers, messages anywhere, forms opened."""
    messages = sum(len(c.messages) for c in emu.channels.values())
    return len(emu.ephemerals) + messages + len(emu.views)


async def test_a_command_the_database_cannot_take_is_told_so_and_does_nothing(
    bot: RunningBot, emu: SlackEmulator
) -> None:
    inbox = bot.runtime.inbox
    working, down = inbox.sessions, make_engine("postgresql+asyncpg://postgres@127.0.0.1:9/none")
    inbox.sessions = make_sessions(down)  # the database refuses connections
    try:
        ack = await emu.slash_command("/incident", "sev1 payments down")
    finally:
        inbox.sessions = working
        await down.dispose()

    assert ack.status_code == 200
    assert (await ephemeral_for(emu)).text == DATABASE_DOWN
    assert emu.calls_to("conversations.create") == []


async def test_a_command_answered_with_a_domain_error_is_done_and_not_run_again(
    bot: RunningBot, emu: SlackEmulator
) -> None:
    general = emu.channel_by_name("general")
    assert general is not None
    await emu.slash_command("/incident", "resolve all good", channel=general.id)
    answer = await ephemeral_for(emu)
    await bot.runtime.inbox.drain()

    assert "inside an incident's channel" in answer.text
    async with bot.runtime.deps.sessions() as session:
        [row] = (await session.execute(select(InboxEvent))).scalars().all()
    assert (row.done_at is not None, row.last_error, row.attempts) == (True, None, 1)
    assert len(emu.ephemerals) == 1
