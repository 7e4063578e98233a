"""Vote totals per mode, backfilled from the votes.

Revision ID: 0004_vote_totals
Revises: 0001_foundation
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_vote_totals"
down_revision: str | Sequence[str] | None = "0001_foundation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "vote_totals",
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("votes", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("mode", name="pk_vote_totals"),
    )
    op.execute(
        "INSERT INTO vote_totals (mode, votes) "
        "SELECT battles.mode, COUNT(*) FROM votes JOIN battles ON votes.battle_id = battles.id "
        "GROUP BY battles.mode"
    )


def downgrade() -> None:
    op.drop_table("vote_totals")
