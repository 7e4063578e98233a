"""Tables for live agent battles: scenarios, one conversation per label, and battle evaluation.

A conversation row doubles as the slot lock: UNIQUE(battle_id, label) lets exactly one
connection insert it (`status="live"`), and it stays behind as the stored conversation once it
ends (`status="ended"`), so a finished slot cannot be held again.
"""

from __future__ import annotations

from datetime import datetime
from types import MappingProxyType
from typing import Any, cast

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from arena.core.scenarios import SCENARIOS, Category, Difficulty, Scenario, Tool
from arena.voice.db.models import Base, new_id, utcnow

EVAL_STATUSES = ("pending", "running", "partial", "complete", "failed")


class AgentScenario(Base):
    """A task scenario, seeded from `arena.core.scenarios.SCENARIOS` (id = the scenario slug)."""

    __tablename__ = "agent_scenarios"
    __table_args__ = (
        CheckConstraint(
            "category IN ('booking', 'support', 'info_retrieval')", name="category_known"
        ),
    )

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    category: Mapped[str] = mapped_column(String(20))
    difficulty: Mapped[str] = mapped_column(String(10))
    description: Mapped[str] = mapped_column(Text)
    system_prompt: Mapped[str] = mapped_column(Text)
    required_slots: Mapped[dict[str, Any]] = mapped_column(default=dict)
    success_criteria: Mapped[str] = mapped_column(Text)
    tools: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    max_turns: Mapped[int] = mapped_column(Integer)
    max_duration_seconds: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class AgentBattle(Base):
    """The agent-specific half of a battle: its scenario and the post-vote evaluation job."""

    __tablename__ = "agent_battles"
    __table_args__ = (
        CheckConstraint(
            "eval_status IS NULL OR eval_status IN "
            "('pending', 'running', 'partial', 'complete', 'failed')",
            name="eval_status_known",
        ),
    )

    battle_id: Mapped[str] = mapped_column(
        ForeignKey("battles.id", ondelete="CASCADE"), primary_key=True
    )
    scenario_id: Mapped[str] = mapped_column(ForeignKey("agent_scenarios.id"), index=True)
    # None until the vote; then pending → running → partial (rubric done, judge running) →
    # complete, or failed. `eval_claimed_at` is the running job's lease.
    eval_status: Mapped[str | None] = mapped_column(String(16), default=None, index=True)
    eval_claimed_at: Mapped[datetime | None] = mapped_column(default=None)
    eval_attempts: Mapped[int] = mapped_column(Integer, default=0)
    automated_eval: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)


class AgentConversation(Base):
    """One live conversation of a battle (label a or b), stored however it ended."""

    __tablename__ = "agent_conversations"
    __table_args__ = (
        UniqueConstraint("battle_id", "label", name="uq_agent_conversations_battle_label"),
        CheckConstraint("status IN ('live', 'ended')", name="status_known"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    battle_id: Mapped[str] = mapped_column(ForeignKey("battles.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(1))
    system_id: Mapped[str] = mapped_column(ForeignKey("systems.id"), index=True)
    scenario_id: Mapped[str] = mapped_column(ForeignKey("agent_scenarios.id"))
    status: Mapped[str] = mapped_column(String(8), default="live")
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(default=None)
    ended_by: Mapped[str | None] = mapped_column(String(32), default=None)
    end_reason: Mapped[str | None] = mapped_column(Text, default=None)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    turns: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    tool_calls: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    total_turns: Mapped[int] = mapped_column(Integer, default=0)
    duration_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    user_audio_path: Mapped[str | None] = mapped_column(Text, default=None)
    agent_audio_path: Mapped[str | None] = mapped_column(Text, default=None)
    mix_audio_path: Mapped[str | None] = mapped_column(Text, default=None)
    latencies_ms: Mapped[list[float]] = mapped_column(JSON, default=list)
    avg_latency_ms: Mapped[float | None] = mapped_column(Float, default=None)
    p50_latency_ms: Mapped[float | None] = mapped_column(Float, default=None)
    p95_latency_ms: Mapped[float | None] = mapped_column(Float, default=None)
    ttfb_ms: Mapped[float | None] = mapped_column(Float, default=None)
    task_success: Mapped[bool | None] = mapped_column(Boolean, default=None)
    joint_goal_accuracy: Mapped[float | None] = mapped_column(Float, default=None)
    slot_accuracy: Mapped[float | None] = mapped_column(Float, default=None)
    containment: Mapped[bool | None] = mapped_column(Boolean, default=None)


def scenario_values(scenario: Scenario) -> dict[str, Any]:
    """The `agent_scenarios` row for a catalogue scenario."""
    return {
        "id": scenario.slug,
        "name": scenario.name,
        "category": scenario.category,
        "difficulty": scenario.difficulty,
        "description": scenario.description,
        "system_prompt": scenario.system_prompt,
        "required_slots": dict(scenario.required_slots),
        "success_criteria": scenario.success_criteria,
        "tools": [
            {"name": t.name, "description": t.description, "result": dict(t.result)}
            for t in scenario.tools
        ],
        "max_turns": scenario.max_turns,
        "max_duration_seconds": scenario.max_duration_seconds,
        "updated_at": utcnow(),
    }


def to_scenario(row: AgentScenario) -> Scenario:
    """The scenario a stored row describes (the caller script comes from the catalogue)."""
    known = next((s for s in SCENARIOS if s.slug == row.id), None)
    return Scenario(
        name=row.name,
        category=cast(Category, row.category),  # the CHECK constraint guarantees it
        difficulty=cast(Difficulty, row.difficulty),
        description=row.description,
        system_prompt=row.system_prompt,
        required_slots=MappingProxyType({str(k): str(v) for k, v in row.required_slots.items()}),
        success_criteria=row.success_criteria,
        tools=tuple(
            Tool(t["name"], t.get("description", ""), MappingProxyType(dict(t.get("result", {}))))
            for t in row.tools
        ),
        max_turns=row.max_turns,
        max_duration_seconds=row.max_duration_seconds,
        caller_lines=known.caller_lines if known else (),
    )
