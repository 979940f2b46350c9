"""resumable declarations: each set-up step marked, the set-up's claim, and the revision drawn

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 07:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNSETTLED = "setup_done_at IS NULL OR drawn_revision < revision"


def upgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("declarer_invited", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("paged", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("setup_done_at", models.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("setup_claimed_at", models.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("setup_claimed_by", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("revision", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(
            sa.Column("drawn_revision", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.create_index(
            "ix_incidents_unsettled",
            ["id"],
            unique=False,
            postgresql_where=sa.text(UNSETTLED),
            sqlite_where=sa.text(UNSETTLED),
        )
    # Incidents declared before this revision were set up as far as they ever will be.
    incidents = sa.table(
        "incidents",
        sa.column("declared_at", models.base.UTCDateTime(timezone=True)),
        sa.column("setup_done_at", models.base.UTCDateTime(timezone=True)),
        sa.column("declarer_invited", sa.Boolean),
        sa.column("paged", sa.Boolean),
    )
    op.execute(
        incidents.update().values(
            setup_done_at=incidents.c.declared_at, declarer_invited=True, paged=True
        )
    )


def downgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index("ix_incidents_unsettled")
        for column in (
            "drawn_revision",
            "revision",
            "setup_claimed_by",
            "setup_claimed_at",
            "setup_done_at",
            "paged",
            "declarer_invited",
        ):
            batch_op.drop_column(column)
