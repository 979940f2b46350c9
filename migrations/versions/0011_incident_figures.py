"""incident figures: recurrences linked, and the time columns the windows read indexed

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 12:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recurrence_of", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_incidents_recurrence_of_incidents"),
            "incidents",
            ["recurrence_of"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_index(batch_op.f("ix_incidents_declared_at"), ["declared_at"])
        batch_op.create_index(batch_op.f("ix_incidents_resolved_at"), ["resolved_at"])
    with op.batch_alter_table("action_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_action_items_created_at"), ["created_at", "status", "completed_at"]
        )


def downgrade() -> None:
    with op.batch_alter_table("action_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_items_created_at"))
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incidents_resolved_at"))
        batch_op.drop_index(batch_op.f("ix_incidents_declared_at"))
        batch_op.drop_constraint(
            batch_op.f("fk_incidents_recurrence_of_incidents"), type_="foreignkey"
        )
        batch_op.drop_column("recurrence_of")
