"""postmortem document IDs: fill canvas_id and file_id from the links shared before they were kept

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 04:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

postmortems = sa.table(
    "postmortems",
    sa.column("id", sa.Integer),
    sa.column("link", sa.Text),
    sa.column("canvas_id", sa.String),
    sa.column("file_id", sa.String),
)


def document_ids(link: str) -> tuple[str | None, str | None]:
    """(canvas ID, file ID) read from `…/docs/<team>/<canvas>` or `…/files/<user>/<file>/…`."""
    parts = link.rstrip("/").split("/")
    if "docs" in parts and parts.index("docs") + 2 < len(parts):
        return parts[parts.index("docs") + 2], None
    if "files" in parts and parts.index("files") + 2 < len(parts):
        return None, parts[parts.index("files") + 2]
    return None, None


def upgrade() -> None:
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(postmortems.c.id, postmortems.c.link).where(
            postmortems.c.link.is_not(None),
            postmortems.c.canvas_id.is_(None),
            postmortems.c.file_id.is_(None),
        )
    ).all()
    for number, link in rows:
        canvas_id, file_id = document_ids(link)
        if canvas_id or file_id:
            connection.execute(
                postmortems.update()
                .where(postmortems.c.id == number)
                .values(canvas_id=canvas_id, file_id=file_id)
            )


def downgrade() -> None:
    # The IDs were read from the links, which stay: nothing to undo.
    pass
