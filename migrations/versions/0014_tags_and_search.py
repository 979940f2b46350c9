"""tags, and the search archive: a document per incident, indexed by the database's engine

SQLite: an FTS5 external-content table over search_documents (porter stemming), kept in step
by triggers. PostgreSQL: a tsvector column under a GIN index, set by a trigger. Every incident
already recorded gets a document to be built (the bot builds dirty documents).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 21:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import models.base

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_INDEX = [
    "CREATE VIRTUAL TABLE search_fts USING fts5(title, body, content='search_documents', "
    "content_rowid='incident_id', tokenize='porter unicode61')",
    "CREATE TRIGGER search_documents_ai AFTER INSERT ON search_documents BEGIN "
    "INSERT INTO search_fts(rowid, title, body) VALUES (new.incident_id, new.title, new.body); "
    "END",
    "CREATE TRIGGER search_documents_ad AFTER DELETE ON search_documents BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title, body) "
    "VALUES ('delete', old.incident_id, old.title, old.body); END",
    "CREATE TRIGGER search_documents_au AFTER UPDATE OF title, body ON search_documents BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title, body) "
    "VALUES ('delete', old.incident_id, old.title, old.body); "
    "INSERT INTO search_fts(rowid, title, body) VALUES (new.incident_id, new.title, new.body); "
    "END",
]
POSTGRES_INDEX = [
    # Ranking reads the tsvector of every match: kept uncompressed, it is read ten times faster.
    "ALTER TABLE search_documents ALTER COLUMN document SET STORAGE EXTERNAL",
    "CREATE FUNCTION search_documents_tsvector() RETURNS trigger AS $$ BEGIN "
    "NEW.document := setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A') "
    "|| setweight(to_tsvector('english', coalesce(NEW.body, '')), 'B'); "
    "RETURN NEW; END $$ LANGUAGE plpgsql",
    "CREATE TRIGGER search_documents_tsvector BEFORE INSERT OR UPDATE OF title, body "
    "ON search_documents FOR EACH ROW EXECUTE FUNCTION search_documents_tsvector()",
]


def upgrade() -> None:
    op.create_table(
        "incident_tags",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=40), nullable=False),
        sa.Column("added_by", sa.String(length=32), nullable=False),
        sa.Column("added_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_incident_tags_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_tags")),
        sa.UniqueConstraint("incident_id", "tag", name=op.f("uq_incident_tags_incident_id")),
    )
    op.create_index("ix_incident_tags_tag", "incident_tags", ["tag"])
    op.create_table(
        "search_documents",
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("dirty", sa.Boolean(), nullable=False),
        sa.Column("indexed_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "document", sa.Text().with_variant(postgresql.TSVECTOR(), "postgresql"), nullable=True
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_search_documents_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("incident_id", name=op.f("pk_search_documents")),
    )
    op.create_index("ix_search_documents_dirty", "search_documents", ["dirty"])
    op.create_index(
        "ix_search_documents_document",
        "search_documents",
        ["document"],
        postgresql_using="gin",
    )
    sqlite = op.get_bind().dialect.name == "sqlite"
    for statement in SQLITE_INDEX if sqlite else POSTGRES_INDEX:
        op.execute(statement)
    op.execute(
        "INSERT INTO search_documents (incident_id, title, body, dirty) "
        "SELECT id, title, '', true FROM incidents"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("search_documents_ai", "search_documents_ad", "search_documents_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS search_fts")
    op.drop_index("ix_search_documents_document", table_name="search_documents")
    op.drop_index("ix_search_documents_dirty", table_name="search_documents")
    op.drop_table("search_documents")
    if op.get_bind().dialect.name != "sqlite":
        op.execute("DROP FUNCTION IF EXISTS search_documents_tsvector()")
    op.drop_index("ix_incident_tags_tag", table_name="incident_tags")
    op.drop_table("incident_tags")
