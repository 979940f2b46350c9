"""The Alembic migrations produce exactly the models' schema, and walk down and up again."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection

from models import Base
from models.database import alembic_config, make_engine, migrate
from models.search import made_by_migrations

DECLARED = datetime(2025, 1, 15, 14, 2, tzinfo=UTC)


def _differences(connection: Connection) -> list[object]:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "include_name": made_by_migrations}
    )
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


async def test_postmortems_shared_before_0006_get_their_canvas_and_file_ids(
    database_url: str,
) -> None:
    engine = make_engine(database_url)
    links = {
        1: "https://acme.slack.com/docs/T0TEAM/F010000005",
        2: "https://acme.slack.com/files/U0BOT/F0FILE7/incident-2-postmortem.md",
        3: None,
    }

    def upgrade_with_shared_postmortems(connection: Connection) -> list[tuple[object, ...]]:
        config = alembic_config(connection)
        command.upgrade(config, "0005")
        for number, link in links.items():
            connection.execute(
                text(
                    "INSERT INTO incidents (id, title, severity, status, is_private, declared_by,"
                    " declared_at, started_at, detected_at, topic_set, card_pinned,"
                    " setup_problems) VALUES (:n, 't', 'sev1', 'postmortem', false, 'U1',"
                    " :at, :at, :at, true, true, '[]')"
                ),
                {"n": number, "at": DECLARED},
            )
            connection.execute(
                text(
                    "INSERT INTO postmortems (id, incident_id, owner, status, due_on, created_at,"
                    " sections, findings, link) VALUES (:n, :n, 'U1', 'draft', :due, :at,"
                    " '{}', '[]', :link)"
                ),
                {"n": number, "at": DECLARED, "due": date(2025, 1, 17), "link": link},
            )
        command.upgrade(config, "0006")
        rows = connection.execute(
            text("SELECT id, canvas_id, file_id FROM postmortems ORDER BY id")
        ).all()
        return [tuple(row) for row in rows]

    async with engine.connect() as connection:
        ids = await connection.run_sync(upgrade_with_shared_postmortems)
        await connection.commit()
    await engine.dispose()
    assert ids == [(1, "F010000005", None), (2, None, "F0FILE7"), (3, None, None)]
