"""Foundation tables: systems, prompts, battles, candidates, votes, pair_counts.

Revision ID: 0001_foundation
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001_foundation"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "systems",
        sa.Column("id", sa.String(200), nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("provider", sa.String(100), nullable=False),
        sa.Column("engine", sa.String(100), nullable=False),
        sa.Column("config", sa.JSON(), nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_systems"),
    )
    op.create_index("ix_systems_mode", "systems", ["mode"])
    op.create_table(
        "prompts",
        sa.Column("id", sa.String(100), nullable=False),
        sa.Column("category", sa.String(50), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_prompts"),
    )
    op.create_index("ix_prompts_category", "prompts", ["category"])
    op.create_table(
        "battles",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("prompt_id", sa.String(100), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("completed_at", TIMESTAMP, nullable=True),
        sa.Column("voted_at", TIMESTAMP, nullable=True),
        sa.CheckConstraint(
            "status IN ('generating', 'ready', 'voted', 'failed')",
            name="ck_battles_status_known",
        ),
        sa.ForeignKeyConstraint(["prompt_id"], ["prompts.id"], name="fk_battles_prompt_id_prompts"),
        sa.PrimaryKeyConstraint("id", name="pk_battles"),
    )
    op.create_index("ix_battles_mode", "battles", ["mode"])
    op.create_table(
        "candidates",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("battle_id", sa.String(36), nullable=False),
        sa.Column("label", sa.String(1), nullable=False),
        sa.Column("system_id", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("audio_path", sa.Text(), nullable=True),
        sa.Column("transcript", sa.Text(), nullable=True),
        sa.Column("duration_s", sa.Float(), nullable=True),
        sa.Column("metrics", sa.JSON(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["battle_id"],
            ["battles.id"],
            name="fk_candidates_battle_id_battles",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["system_id"], ["systems.id"], name="fk_candidates_system_id_systems"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_candidates"),
        sa.UniqueConstraint("battle_id", "label", name="uq_candidates_battle_label"),
    )
    op.create_index("ix_candidates_system_id", "candidates", ["system_id"])
    op.create_table(
        "votes",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("battle_id", sa.String(36), nullable=False),
        sa.Column("winner", sa.String(16), nullable=False),
        sa.Column("sub_votes", sa.JSON(), nullable=False),
        sa.Column("voter_session", sa.String(100), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["battle_id"], ["battles.id"], name="fk_votes_battle_id_battles", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_votes"),
        sa.UniqueConstraint("battle_id", name="uq_votes_battle_id"),
    )
    op.create_table(
        "pair_counts",
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("dimension", sa.String(50), nullable=False),
        sa.Column("system_a", sa.String(200), nullable=False),
        sa.Column("system_b", sa.String(200), nullable=False),
        sa.Column("wins_a", sa.Integer(), nullable=False),
        sa.Column("wins_b", sa.Integer(), nullable=False),
        sa.Column("ties", sa.Integer(), nullable=False),
        sa.CheckConstraint("system_a < system_b", name="ck_pair_counts_ordered_pair"),
        sa.PrimaryKeyConstraint("mode", "dimension", "system_a", "system_b", name="pk_pair_counts"),
    )


def downgrade() -> None:
    op.drop_table("pair_counts")
    op.drop_table("votes")
    op.drop_index("ix_candidates_system_id", table_name="candidates")
    op.drop_table("candidates")
    op.drop_index("ix_battles_mode", table_name="battles")
    op.drop_table("battles")
    op.drop_index("ix_prompts_category", table_name="prompts")
    op.drop_table("prompts")
    op.drop_index("ix_systems_mode", table_name="systems")
    op.drop_table("systems")
