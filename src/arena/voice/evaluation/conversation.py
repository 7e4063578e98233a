"""Evaluate one agent conversation: goal tracking, rubric, and the LLM judge when configured."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import httpx

from arena.core.scenarios import Scenario
from arena.voice.evaluation.assessment import Assessment
from arena.voice.evaluation.jga import GoalTracking, track_goal
from arena.voice.evaluation.judge import JudgeConfig, JudgeError, Label, judge_conversation
from arena.voice.evaluation.rubric import assess, contained


@dataclass(frozen=True)
class ConversationEvaluation:
    """Everything automated about one conversation; `assessment` is the judge's when it ran."""

    label: str
    goal: GoalTracking
    rubric: Assessment
    containment: bool
    judge: Assessment | None = None
    judge_error: str | None = None

    @property
    def assessment(self) -> Assessment:
        return self.judge or self.rubric

    def as_dict(self) -> dict[str, Any]:
        final = self.assessment
        return {
            "method": final.method,
            "task_success": final.task_success,
            "coherence": final.coherence,
            "instruction_following": final.instruction_following,
            "hallucination_count": final.hallucination_count,
            "explanation": final.explanation,
            "joint_goal_accuracy": self.goal.joint_goal_accuracy,
            "slot_accuracy": self.goal.slot_accuracy,
            "slots": [
                {
                    "slot": s.slot,
                    "expected": s.expected,
                    "disclosed": s.disclosed,
                    "agent_value": s.agent_value,
                    "correct": s.correct,
                }
                for s in self.goal.slots
            ],
            "containment": self.containment,
            "rubric": self.rubric.as_dict(),
            "judge_error": self.judge_error,
        }


def evaluate_deterministic(
    scenario: Scenario, label: str, turns: Sequence[Mapping[str, Any]], ended_by: str | None
) -> ConversationEvaluation:
    """Goal tracking, rubric and containment: no network, same answer every time."""
    goal = track_goal(scenario.required_slots, turns)
    return ConversationEvaluation(
        label=label,
        goal=goal,
        rubric=assess(scenario, turns, goal),
        containment=contained(turns, ended_by),
    )


async def add_judgement(
    config: JudgeConfig,
    scenario: Scenario,
    evaluation: ConversationEvaluation,
    turns: Sequence[Mapping[str, Any]],
    client: httpx.AsyncClient | None = None,
) -> ConversationEvaluation:
    """The evaluation with the judge's assessment, or with `judge_error` if the judge failed."""
    label: Label = "A" if evaluation.label == "a" else "B"
    try:
        verdict = await judge_conversation(config, scenario, label, turns, client)
    except JudgeError as exc:
        return replace(evaluation, judge_error=str(exc))
    return replace(evaluation, judge=verdict)
