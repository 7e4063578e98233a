"""Agent battle tables: agent_scenarios, agent_battles, agent_conversations.

Revision ID: 0002_agents
Revises: 0001_foundation
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_agents"
down_revision: str | Sequence[str] | None = "0001_foundation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "agent_scenarios",
        sa.Column("id", sa.String(100), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("category", sa.String(20), nullable=False),
        sa.Column("difficulty", sa.String(10), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("system_prompt", sa.Text(), nullable=False),
        sa.Column("required_slots", sa.JSON(), nullable=False),
        sa.Column("success_criteria", sa.Text(), nullable=False),
        sa.Column("tools", sa.JSON(), nullable=False),
        sa.Column("max_turns", sa.Integer(), nullable=False),
        sa.Column("max_duration_seconds", sa.Integer(), nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.CheckConstraint(
            "category IN ('booking', 'support', 'info_retrieval')",
            name="ck_agent_scenarios_category_known",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_agent_scenarios"),
        sa.UniqueConstraint("name", name="uq_agent_scenarios_name"),
    )
    op.create_table(
        "agent_battles",
        sa.Column("battle_id", sa.String(36), nullable=False),
        sa.Column("scenario_id", sa.String(100), nullable=False),
        sa.Column("eval_status", sa.String(16), nullable=True),
        sa.Column("eval_claimed_at", TIMESTAMP, nullable=True),
        sa.Column("eval_attempts", sa.Integer(), nullable=False),
        sa.Column("automated_eval", sa.JSON(), nullable=True),
        sa.CheckConstraint(
            "eval_status IS NULL OR eval_status IN "
            "('pending', 'running', 'partial', 'complete', 'failed')",
            name="ck_agent_battles_eval_status_known",
        ),
        sa.ForeignKeyConstraint(
            ["battle_id"],
            ["battles.id"],
            name="fk_agent_battles_battle_id_battles",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["scenario_id"],
            ["agent_scenarios.id"],
            name="fk_agent_battles_scenario_id_agent_scenarios",
        ),
        sa.PrimaryKeyConstraint("battle_id", name="pk_agent_battles"),
    )
    op.create_index("ix_agent_battles_scenario_id", "agent_battles", ["scenario_id"])
    op.create_index("ix_agent_battles_eval_status", "agent_battles", ["eval_status"])
    op.create_table(
        "agent_conversations",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("battle_id", sa.String(36), nullable=False),
        sa.Column("label", sa.String(1), nullable=False),
        sa.Column("system_id", sa.String(200), nullable=False),
        sa.Column("scenario_id", sa.String(100), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("started_at", TIMESTAMP, nullable=False),
        sa.Column("ended_at", TIMESTAMP, nullable=True),
        sa.Column("ended_by", sa.String(32), nullable=True),
        sa.Column("end_reason", sa.Text(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("turns", sa.JSON(), nullable=False),
        sa.Column("tool_calls", sa.JSON(), nullable=False),
        sa.Column("total_turns", sa.Integer(), nullable=False),
        sa.Column("duration_seconds", sa.Float(), nullable=False),
        sa.Column("user_audio_path", sa.Text(), nullable=True),
        sa.Column("agent_audio_path", sa.Text(), nullable=True),
        sa.Column("mix_audio_path", sa.Text(), nullable=True),
        sa.Column("latencies_ms", sa.JSON(), nullable=False),
        sa.Column("avg_latency_ms", sa.Float(), nullable=True),
        sa.Column("p50_latency_ms", sa.Float(), nullable=True),
        sa.Column("p95_latency_ms", sa.Float(), nullable=True),
        sa.Column("ttfb_ms", sa.Float(), nullable=True),
        sa.Column("task_success", sa.Boolean(), nullable=True),
        sa.Column("joint_goal_accuracy", sa.Float(), nullable=True),
        sa.Column("slot_accuracy", sa.Float(), nullable=True),
        sa.Column("containment", sa.Boolean(), nullable=True),
        sa.CheckConstraint(
            "status IN ('live', 'ended')", name="ck_agent_conversations_status_known"
        ),
        sa.ForeignKeyConstraint(
            ["battle_id"],
            ["battles.id"],
            name="fk_agent_conversations_battle_id_battles",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["system_id"], ["systems.id"], name="fk_agent_conversations_system_id_systems"
        ),
        sa.ForeignKeyConstraint(
            ["scenario_id"],
            ["agent_scenarios.id"],
            name="fk_agent_conversations_scenario_id_agent_scenarios",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_agent_conversations"),
        sa.UniqueConstraint("battle_id", "label", name="uq_agent_conversations_battle_label"),
    )
    op.create_index("ix_agent_conversations_system_id", "agent_conversations", ["system_id"])


def downgrade() -> None:
    op.drop_index("ix_agent_conversations_system_id", table_name="agent_conversations")
    op.drop_table("agent_conversations")
    op.drop_index("ix_agent_battles_eval_status", table_name="agent_battles")
    op.drop_index("ix_agent_battles_scenario_id", table_name="agent_battles")
    op.drop_table("agent_battles")
    op.drop_table("agent_scenarios")
