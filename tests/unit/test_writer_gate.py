"""The inbox's writes on SQLite take turns in the process, the acks' stores first."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import create_async_engine

from bot.app.inbox import WriterGate

SQLITE = create_async_engine("sqlite+aiosqlite:///:memory:")
POSTGRES = create_async_engine("postgresql+asyncpg://postgres@127.0.0.1:9/none")


async def test_stores_waiting_go_before_other_writes_that_waited_longer() -> None:
    gate, order = WriterGate(), list[str]()
    holding = asyncio.Event()

    async def write(name: str, *, store: bool = False) -> None:
        async with gate.turn(SQLITE, store=store):
            order.append(name)
            if name == "first":
                await holding.wait()

    first = asyncio.create_task(write("first"))
    await asyncio.sleep(0)
    waiting = [asyncio.create_task(write("claim")), asyncio.create_task(write("mark done"))]
    await asyncio.sleep(0)
    waiting.append(asyncio.create_task(write("ack store", store=True)))
    await asyncio.sleep(0)
    holding.set()
    await asyncio.gather(first, *waiting)

    assert order == ["first", "ack store", "claim", "mark done"]
    assert not gate.busy


async def test_a_writer_cancelled_as_its_turn_came_passes_the_turn_on() -> None:
    gate, order = WriterGate(), list[str]()
    holding = asyncio.Event()

    async def write(name: str) -> None:
        async with gate.turn(SQLITE):
            order.append(name)
            if name == "first":
                await holding.wait()

    first = asyncio.create_task(write("first"))
    await asyncio.sleep(0)
    cancelled = asyncio.create_task(write("cancelled"))
    after = asyncio.create_task(write("after"))
    await asyncio.sleep(0)
    holding.set()
    await asyncio.sleep(0)  # first hands the turn to `cancelled`, not yet running
    cancelled.cancel()
    await asyncio.gather(first, cancelled, after, return_exceptions=True)

    assert order == ["first", "after"]
    assert not gate.busy


async def test_postgresql_writes_go_straight_in() -> None:
    gate, inside = WriterGate(), list[int]()

    async def write(n: int) -> None:
        async with gate.turn(POSTGRES):
            inside.append(n)
            await asyncio.sleep(0.01)
            assert len(inside) == 3  # all three are in at once

    await asyncio.gather(*(write(n) for n in range(3)))
    assert not gate.busy
