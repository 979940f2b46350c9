"""The Alembic migrations produce exactly the models' schema, and walk down and up again."""

from __future__ import annotations

import asyncio

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from models import Base
from models.database import alembic_config, make_engine, migrate


def _differences(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def test_migrating_to_head_gives_exactly_the_models_schema(database_url: str) -> None:
    engine = make_engine(database_url)
    await migrate(engine)
    async with engine.connect() as connection:
        differences = await connection.run_sync(_differences)
    await engine.dispose()
    assert differences == []


async def test_every_revision_goes_down_and_up_again(database_url: str) -> None:
    engine = make_engine(database_url)
    revisions = list(ScriptDirectory.from_config(alembic_config()).walk_revisions("base", "heads"))

    def stairway(connection: Connection) -> None:
        config = alembic_config(connection)
        for revision in reversed(revisions):
            command.upgrade(config, revision.revision)
            command.downgrade(config, revision.down_revision or "base")
            command.upgrade(config, revision.revision)

    async with engine.connect() as connection:
        await connection.run_sync(stairway)
        await connection.commit()
    await engine.dispose()


async def test_replicas_migrating_at_once_take_turns(database_url: str) -> None:
    engines = [make_engine(database_url) for _ in range(3)]
    if engines[0].dialect.name == "sqlite":
        engines = engines[:1]  # one process owns the embedded file
    await asyncio.gather(*(migrate(engine) for engine in engines))
    async with engines[0].connect() as connection:
        differences = await connection.run_sync(_differences)
    for engine in engines:
        await engine.dispose()
    assert differences == []
