"""What the agent battle routes return after the vote."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel


class AgentSystemMetrics(BaseModel):
    """One label's agent, revealed, with its conversation's measurements and evaluation."""

    agent_label: str
    system_id: str
    config_name: str
    provider: str
    components: dict[str, str] = {}
    total_turns: int | None = None
    duration_seconds: float | None = None
    avg_latency_ms: float | None = None
    p50_latency_ms: float | None = None
    p95_latency_ms: float | None = None
    ttfb_ms: float | None = None
    ended_by: str | None = None
    task_success: bool | None = None
    joint_goal_accuracy: float | None = None
    slot_accuracy: float | None = None
    containment: bool | None = None


class AgentMetricsPublic(BaseModel):
    """`GET /api/v1/battles/{id}/agent-metrics`: progressive, `complete` once evaluated."""

    battle_id: str
    status: Literal["computing", "partial", "complete"]
    scenario_name: str | None = None
    metrics_a: AgentSystemMetrics | None = None
    metrics_b: AgentSystemMetrics | None = None
    automated_eval: dict[str, Any] | None = None
