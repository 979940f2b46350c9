"""The inbox's own stores (SQLite: a thread and a connection; PostgreSQL: a connection) keep
rows exactly as the models read them, once per key."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from models import inbox
from models.database import make_engine, make_sessions, migrate

NOW = datetime(2025, 1, 15, 14, 2, 0, 123456, tzinfo=UTC)


async def test_a_batch_is_kept_once_per_key_and_read_back_as_stored(database_url: str) -> None:
    engine = make_engine(database_url)
    await migrate(engine)
    store = inbox.dedicated_store(engine)
    assert store is not None
    try:
        first = [
            inbox.Arrival("Ev1", "reaction_added", '{"a": 1}'),
            inbox.Arrival("trigger:1.2.3", "/incident", "command=%2Fincident", done=True),
            inbox.Arrival("Ev1", "reaction_added", '{"a": "again"}'),  # a retry in the same batch
        ]
        assert await store.store_many(arrivals=first, now=NOW) == {"Ev1", "trigger:1.2.3"}
        again = [inbox.Arrival("Ev1", "reaction_added", "{}"), inbox.Arrival("Ev2", "x", "{}")]
        later = NOW + timedelta(seconds=1)
        assert await store.store_many(arrivals=again, now=later) == {"Ev2"}
    finally:
        await store.close()

    async with make_sessions(engine)() as session:
        rows = {r.event_id: r for r in (await session.execute(select(inbox.InboxEvent))).scalars()}
    await engine.dispose()
    assert sorted(rows) == ["Ev1", "Ev2", "trigger:1.2.3"]
    assert rows["Ev1"].body == '{"a": 1}'  # the first copy is kept
    assert rows["Ev1"].received_at == NOW and rows["Ev1"].done_at is None
    assert rows["Ev1"].attempts == 0 and rows["Ev1"].claimed_at is None
    assert rows["trigger:1.2.3"].done_at == NOW  # answered in the ack: kept for replays only
    assert rows["Ev2"].received_at == later
