"""Metric totals per system, backfilled from the ready candidates.

Revision ID: 0005_metric_totals
Revises: 0001_foundation
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_metric_totals"
down_revision: str | Sequence[str] | None = "0001_foundation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    metric_totals = op.create_table(
        "metric_totals",
        sa.Column("system_id", sa.String(200), nullable=False),
        sa.Column("metric", sa.String(100), nullable=False),
        sa.Column("total", sa.Float(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("system_id", "metric", name="pk_metric_totals"),
    )
    # The same rule as arena.voice.db.metric_totals.contribution, frozen here: numbers count.
    candidates = sa.table(
        "candidates",
        sa.column("system_id", sa.String()),
        sa.column("status", sa.String()),
        sa.column("metrics", sa.JSON()),
    )
    totals: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0])
    ready = sa.select(candidates.c.system_id, candidates.c.metrics).where(
        candidates.c.status == "ready"
    )
    for system_id, metrics in op.get_bind().execute(ready):
        for key, value in (metrics or {}).items():
            if isinstance(value, int | float) and not isinstance(value, bool):
                entry = totals[(system_id, key)]
                entry[0] += float(value)
                entry[1] += 1
    if totals:
        op.bulk_insert(
            metric_totals,
            [
                {"system_id": system, "metric": key, "total": total, "count": int(count)}
                for (system, key), (total, count) in sorted(totals.items())
            ],
        )


def downgrade() -> None:
    op.drop_table("metric_totals")
