"""Database engine, sessions, health check, and schema migration under a lock."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import event, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

import migrations

logger = logging.getLogger(__name__)
# Long enough for a busy database, short enough for a load balancer's probe.
HEALTH_TIMEOUT_SECONDS = 3.0

# Any constant works; it only has to be the same in every replica.
MIGRATION_LOCK_ID = 7_140_305_221

MIGRATIONS_DIR = Path(migrations.__file__).parent


def make_engine(url: str) -> AsyncEngine:
    """Create the async engine for a (normalised) database URL."""
    if url.startswith("sqlite"):
        engine = create_async_engine(url, connect_args={"timeout": 30})
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # In WAL mode NORMAL loses no commit when the process dies (only on a power cut) and
    # spares every commit an fsync; PostgreSQL is the database for durability.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Session factory; objects stay readable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)


async def is_reachable(engine: AsyncEngine, *, within: float = HEALTH_TIMEOUT_SECONDS) -> bool:
    """Tell whether the database answers a trivial query in time.

    Any failure means "no", whatever raised it: drivers refuse in their own types (asyncpg's
    InvalidCatalogNameError, say, is no SQLAlchemyError), and a health check that raises is
    answered 500, which a load balancer reads as broken rather than down.
    """
    try:
        async with asyncio.timeout(within), engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception as error:
        logger.warning(
            "health check: the database does not answer (%s: %s)", type(error).__name__, error
        )
        return False
    return True


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic configuration pointing at the packaged migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


async def migrate(engine: AsyncEngine) -> None:
    """Bring the schema to head; on PostgreSQL under an advisory lock so replicas take turns."""
    async with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            await connection.execute(
                text("SELECT pg_advisory_lock(:id)"), {"id": MIGRATION_LOCK_ID}
            )
            await connection.commit()
        try:
            await connection.run_sync(_upgrade)
            await connection.commit()
        finally:
            if connection.dialect.name == "postgresql":
                await connection.execute(
                    text("SELECT pg_advisory_unlock(:id)"), {"id": MIGRATION_LOCK_ID}
                )
                await connection.commit()


def _upgrade(connection: Connection) -> None:
    command.upgrade(alembic_config(connection), "head")
