"""drills: incidents run for practice, and the scenario they play

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 21:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("is_drill", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("scenario", sa.String(length=80), nullable=True))
    # The figures leave out the items of drills: the index covers the incident too.
    with op.batch_alter_table("action_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_items_created_at"))
        batch_op.create_index(
            batch_op.f("ix_action_items_created_at"),
            ["created_at", "status", "completed_at", "incident_id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("action_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_items_created_at"))
        batch_op.create_index(
            batch_op.f("ix_action_items_created_at"), ["created_at", "status", "completed_at"]
        )
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_column("scenario")
        batch_op.drop_column("is_drill")
