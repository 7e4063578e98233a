"""The post-vote evaluation job: once per battle, resumable, judge or rubric, agents anonymous."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from arena.providers.registry import Registry
from arena.voice.battles.agent import seed_scenarios
from arena.voice.db.agents import AgentBattle, AgentConversation
from arena.voice.db.models import Battle, Candidate
from arena.voice.evaluation.jobs import EvaluationJobs
from arena.voice.evaluation.judge import JudgeConfig
from arena.voice.state import ArenaState
from tests.agent.conftest import system_words
from tests.fakes.openai_api import OpenAIEmulator

GOOD = [
    {"role": "agent", "text": "ShopFast support."},
    {"role": "user", "text": "Where is order 78432?"},
    {"role": "agent", "text": "Order 78432 shipped yesterday, tracking FX9876543."},
]
POOR = [
    {"role": "agent", "text": "Hello."},
    {"role": "user", "text": "Where is order 78432?"},
    {"role": "agent", "text": "Sorry, I can't help with that."},
]
VERDICT = {
    "task_success": True,
    "coherence": 1.0,
    "instruction_following": 1.0,
    "hallucination_count": 0,
    "explanation": "fine",
}


async def voted_battle(state: ArenaState, status: str = "voted") -> str:
    """A stored agent battle with two held conversations (good as a, poor as b)."""
    async with state.sessions() as session:
        await seed_scenarios(session)
        systems = ["agent-vapi-default", "agent-retell-default"]
        battle = Battle(
            mode="agent",
            status=status,
            candidates=[
                Candidate(label=label, system_id=system, status="ready")
                for label, system in zip("ab", systems, strict=True)
            ],
        )
        session.add(battle)
        await session.flush()
        session.add(AgentBattle(battle_id=battle.id, scenario_id="order-status-check"))
        for label, system, turns in (("a", systems[0], GOOD), ("b", systems[1], POOR)):
            session.add(
                AgentConversation(
                    battle_id=battle.id,
                    label=label,
                    system_id=system,
                    scenario_id="order-status-check",
                    status="ended",
                    ended_by="user",
                    turns=turns,
                )
            )
        await session.commit()
        return battle.id


async def agent_battle(state: ArenaState, battle_id: str) -> AgentBattle:
    async with state.sessions() as session:
        row = await session.get(AgentBattle, battle_id)
        assert row is not None
        return row


@pytest.fixture
def openai() -> Iterator[OpenAIEmulator]:
    with OpenAIEmulator() as emulator:
        yield emulator


async def test_rubric_evaluation_runs_once(arena_state: ArenaState) -> None:
    battle_id = await voted_battle(arena_state)
    jobs = EvaluationJobs(arena_state.sessions, judge=None)
    assert await jobs.run_next()
    assert not await jobs.run_next()
    row = await agent_battle(arena_state, battle_id)
    assert row.eval_status == "complete" and row.eval_attempts == 1
    assert row.automated_eval is not None and row.automated_eval["method"] == "rubric"
    agents: dict[str, Any] = row.automated_eval["agents"]
    assert agents["a"]["task_success"] and not agents["b"]["task_success"]
    assert agents["a"]["joint_goal_accuracy"] == 1.0 and agents["b"]["joint_goal_accuracy"] == 0.0
    async with arena_state.sessions() as session:
        rows = await session.execute(
            select(AgentConversation).where(AgentConversation.battle_id == battle_id)
        )
        stored = {c.label: (c.task_success, c.joint_goal_accuracy) for c in rows.scalars()}
    assert stored == {"a": (True, 1.0), "b": (False, 0.0)}


async def test_unvoted_battles_wait(arena_state: ArenaState) -> None:
    battle_id = await voted_battle(arena_state, status="ready")
    assert not await EvaluationJobs(arena_state.sessions, judge=None).run_next()
    assert (await agent_battle(arena_state, battle_id)).eval_status is None


async def test_a_crashed_job_is_resumed_after_its_lease_but_a_live_one_is_not(
    arena_state: ArenaState,
) -> None:
    battle_id = await voted_battle(arena_state)
    jobs = EvaluationJobs(arena_state.sessions, judge=None)
    async with arena_state.sessions() as session:
        row = await session.get(AgentBattle, battle_id)
        assert row is not None
        row.eval_status, row.eval_claimed_at = "running", datetime.now(UTC)
        await session.commit()
    assert not await jobs.run_next()
    async with arena_state.sessions() as session:
        row = await session.get(AgentBattle, battle_id)
        assert row is not None
        row.eval_claimed_at = datetime.now(UTC) - timedelta(hours=1)
        await session.commit()
    assert await jobs.run_next()
    assert (await agent_battle(arena_state, battle_id)).eval_status == "complete"


async def test_the_judge_sees_anonymous_agents(
    arena_state: ArenaState, openai: OpenAIEmulator, registry: Registry
) -> None:
    openai.respond_chat_with(lambda body: json.dumps(VERDICT))
    battle_id = await voted_battle(arena_state)
    judge = JudgeConfig(openai.base_url, openai.api_key, "judge", backoff_s=0.01)
    assert await EvaluationJobs(arena_state.sessions, judge).run_next()
    row = await agent_battle(arena_state, battle_id)
    assert row.eval_status == "complete" and row.automated_eval is not None
    assert row.automated_eval["method"] == "llm_judge"
    assert row.automated_eval["agents"]["b"]["task_success"] is True  # the judge's word counts
    assert row.automated_eval["agents"]["b"]["rubric"]["task_success"] is False
    prompts = [json.dumps(r.body) for r in openai.requests_to("/chat/completions")]
    assert len(prompts) == 2
    assert "AGENT A" in prompts[0] and "AGENT B" in prompts[1]
    for prompt in prompts:
        leaked = [w for w in system_words(registry) if w in prompt.lower()]
        assert not leaked


async def test_a_failing_judge_falls_back_to_the_rubric(
    arena_state: ArenaState, openai: OpenAIEmulator
) -> None:
    for _ in range(4):
        openai.fail_next(500, path_contains="chat")
    battle_id = await voted_battle(arena_state)
    judge = JudgeConfig(openai.base_url, openai.api_key, "judge", attempts=2, backoff_s=0.01)
    assert await EvaluationJobs(arena_state.sessions, judge).run_next()
    row = await agent_battle(arena_state, battle_id)
    assert row.eval_status == "complete" and row.automated_eval is not None
    assert row.automated_eval["method"] == "rubric"
    assert "HTTP 500" in row.automated_eval["agents"]["a"]["judge_error"]
