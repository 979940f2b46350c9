"""near-misses: what nearly broke, and what stopped it

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 13:05:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "near_misses",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("title", sa.String(length=150), nullable=False),
        sa.Column("what_happened", sa.Text(), nullable=False),
        sa.Column("what_prevented", sa.Text(), nullable=False),
        sa.Column("services", sa.JSON(), nullable=False),
        sa.Column("recorded_by", sa.String(length=32), nullable=False),
        sa.Column("recorded_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("announcement_channel_id", sa.String(length=32), nullable=True),
        sa.Column("announcement_ts", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_near_misses")),
    )
    op.create_index(op.f("ix_near_misses_recorded_at"), "near_misses", ["recorded_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_near_misses_recorded_at"), table_name="near_misses")
    op.drop_table("near_misses")
