"""What the benchmarks share: a fresh database on either backend."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.settings import async_database_url


async def fresh_database(kind: str, workdir: Path, default_postgres: str) -> str:
    """A new SQLite file, or PostgreSQL (TEST_DATABASE_URL, created if missing) emptied."""
    if kind == "sqlite":
        return f"sqlite+aiosqlite:///{workdir / 'incidents.db'}"
    url = async_database_url(os.environ.get("TEST_DATABASE_URL") or default_postgres)
    admin = create_async_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        found = await connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": url.database}
        )
        if not found:
            quoted = admin.dialect.identifier_preparer.quote(str(url.database))
            await connection.execute(text(f"CREATE DATABASE {quoted}"))
    await admin.dispose()
    engine = create_async_engine(url)
    async with engine.begin() as connection:
        await connection.execute(text("DROP SCHEMA public CASCADE"))
        await connection.execute(text("CREATE SCHEMA public"))
    await engine.dispose()
    return url.render_as_string(hide_password=False)
