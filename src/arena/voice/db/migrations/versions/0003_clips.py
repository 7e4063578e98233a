"""STT and S2S tables: clips, recordings, battle_inputs.

Revision ID: 0003_clips
Revises: 0001_foundation
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_clips"
down_revision: str | Sequence[str] | None = "0001_foundation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "clips",
        sa.Column("id", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("category", sa.String(20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("voice", sa.String(200), nullable=False),
        sa.Column("augmentation", sa.JSON(), nullable=False),
        sa.Column("audio_path", sa.Text(), nullable=False),
        sa.Column("duration_s", sa.Float(), nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.CheckConstraint("kind IN ('stt', 's2s')", name="ck_clips_kind_known"),
        sa.PrimaryKeyConstraint("id", name="pk_clips"),
    )
    op.create_index("ix_clips_kind", "clips", ["kind"])
    op.create_index("ix_clips_category", "clips", ["category"])
    op.create_table(
        "recordings",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("consent", sa.Boolean(), nullable=False),
        sa.Column("intended_text", sa.Text(), nullable=True),
        sa.Column("audio_path", sa.Text(), nullable=True),
        sa.Column("duration_s", sa.Float(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_recordings"),
    )
    op.create_table(
        "battle_inputs",
        sa.Column("battle_id", sa.String(36), nullable=False),
        sa.Column("clip_id", sa.String(100), nullable=True),
        sa.Column("recording_id", sa.String(36), nullable=True),
        sa.Column("ground_truth", sa.Text(), nullable=True),
        sa.Column("transcript", sa.Text(), nullable=True),
        sa.Column("metrics_status", sa.String(16), nullable=False),
        sa.Column("metrics", sa.JSON(), nullable=False),
        sa.Column("received_at", TIMESTAMP, nullable=True),
        sa.Column("metrics_heartbeat_at", TIMESTAMP, nullable=True),
        sa.CheckConstraint(
            "metrics_status IN ('pending', 'computing', 'partial', 'complete')",
            name="ck_battle_inputs_metrics_status_known",
        ),
        sa.ForeignKeyConstraint(
            ["battle_id"],
            ["battles.id"],
            name="fk_battle_inputs_battle_id_battles",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["clip_id"], ["clips.id"], name="fk_battle_inputs_clip_id_clips"),
        sa.ForeignKeyConstraint(
            ["recording_id"],
            ["recordings.id"],
            name="fk_battle_inputs_recording_id_recordings",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("battle_id", name="pk_battle_inputs"),
    )


def downgrade() -> None:
    op.drop_table("battle_inputs")
    op.drop_table("recordings")
    op.drop_index("ix_clips_category", table_name="clips")
    op.drop_index("ix_clips_kind", table_name="clips")
    op.drop_table("clips")
