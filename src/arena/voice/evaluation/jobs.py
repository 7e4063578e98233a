"""The post-vote evaluation of agent battles, run once per battle as a background job.

The job queue is the `agent_battles` table itself: a worker loop finds voted battles whose
`eval_status` is unset (or pending, or held by a lease that expired — a crashed worker), claims
one with a conditional UPDATE that only one worker can win, and runs it: the deterministic part
first (status `partial` while a judge still runs, else `complete`), then the LLM judge. Reading
results never starts or repeats a job, and a restart resumes whatever was left unfinished.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import CursorResult, and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from arena.voice.db.agents import AgentBattle, AgentConversation, AgentScenario, to_scenario
from arena.voice.db.models import Battle, Candidate
from arena.voice.evaluation.conversation import (
    ConversationEvaluation,
    add_judgement,
    evaluate_deterministic,
)
from arena.voice.evaluation.judge import JudgeConfig

logger = logging.getLogger("arena.evaluation.jobs")

LEASE = timedelta(minutes=5)
POLL_INTERVAL_S = 0.5


class EvaluationJobs:
    """Claims and runs agent-battle evaluations; `run_forever` is the worker loop."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        judge: JudgeConfig | None,
        poll_interval_s: float = POLL_INTERVAL_S,
    ) -> None:
        self._sessions = sessions
        self._judge = judge
        self._poll_interval_s = poll_interval_s
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Look for work now instead of at the next poll (e.g. right after a vote)."""
        self._wake.set()

    async def run_forever(self) -> None:
        """Evaluate claimable battles until cancelled."""
        while True:
            try:
                while await self.run_next():
                    pass
            except Exception:  # a broken database must not kill the worker loop
                logger.exception("agent evaluation worker failed; retrying")
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._poll_interval_s)

    async def run_next(self) -> bool:
        """Claim and evaluate one battle; False when nothing is waiting."""
        battle_id = await self._claim()
        if battle_id is None:
            return False
        try:
            await self.evaluate(battle_id)
        except Exception as exc:
            logger.exception("evaluation of agent battle %s failed", battle_id)
            await self._set(battle_id, "failed", {"error": f"evaluation failed: {exc!r}"})
        return True

    async def _claim(self) -> str | None:
        now = datetime.now(UTC)
        async with self._sessions() as session:
            candidates = (
                (
                    await session.execute(
                        select(AgentBattle.battle_id)
                        .join(Battle, Battle.id == AgentBattle.battle_id)
                        .where(Battle.status == "voted", _claimable(now))
                        .limit(5)
                    )
                )
                .scalars()
                .all()
            )
            for battle_id in candidates:
                result = await session.execute(
                    update(AgentBattle)
                    .where(AgentBattle.battle_id == battle_id, _claimable(now))
                    .values(
                        eval_status="running",
                        eval_claimed_at=now,
                        eval_attempts=AgentBattle.eval_attempts + 1,
                    )
                    .execution_options(synchronize_session=False)
                )
                await session.commit()
                assert isinstance(result, CursorResult)
                if result.rowcount == 1:
                    return battle_id
        return None

    async def evaluate(self, battle_id: str) -> None:
        """Evaluate a claimed battle and store the results (deterministic first, then judge)."""
        async with self._sessions() as session:
            agent_battle = await session.get(AgentBattle, battle_id)
            assert agent_battle is not None
            row = await session.get(AgentScenario, agent_battle.scenario_id)
            assert row is not None
            scenario = to_scenario(row)
            conversations = await _conversations(session, battle_id)
            evaluations = {
                c.label: evaluate_deterministic(scenario, c.label, c.turns, c.ended_by)
                for c in conversations
            }
            await _apply(session, battle_id, conversations, evaluations)
            await session.commit()
        status = "partial" if self._judge else "complete"
        await self._set(battle_id, status, _summary(evaluations, self._judge is not None))
        if self._judge is None:
            return
        async with httpx.AsyncClient(timeout=self._judge.timeout_s) as client:
            for conversation in conversations:
                evaluations[conversation.label] = await add_judgement(
                    self._judge,
                    scenario,
                    evaluations[conversation.label],
                    conversation.turns,
                    client,
                )
        async with self._sessions() as session:
            conversations = await _conversations(session, battle_id)
            await _apply(session, battle_id, conversations, evaluations)
            await session.commit()
        await self._set(battle_id, "complete", _summary(evaluations, True))

    async def _set(self, battle_id: str, status: str, result: dict[str, Any]) -> None:
        async with self._sessions() as session:
            await session.execute(
                update(AgentBattle)
                .where(AgentBattle.battle_id == battle_id)
                .values(
                    eval_status=status, automated_eval=result, eval_claimed_at=datetime.now(UTC)
                )
                .execution_options(synchronize_session=False)
            )
            await session.commit()


def _claimable(now: datetime) -> Any:
    stale = now - LEASE
    return or_(
        AgentBattle.eval_status.is_(None),
        AgentBattle.eval_status == "pending",
        and_(
            AgentBattle.eval_status.in_(("running", "partial")),
            AgentBattle.eval_claimed_at < stale,
        ),
    )


async def _conversations(session: AsyncSession, battle_id: str) -> list[AgentConversation]:
    rows = await session.execute(
        select(AgentConversation)
        .where(AgentConversation.battle_id == battle_id)
        .order_by(AgentConversation.label)
    )
    return list(rows.scalars())


async def _apply(
    session: AsyncSession,
    battle_id: str,
    conversations: list[AgentConversation],
    evaluations: dict[str, ConversationEvaluation],
) -> None:
    """Store the results on each conversation, and on its candidate for leaderboard averages."""
    candidates = {
        c.label: c
        for c in (
            await session.execute(select(Candidate).where(Candidate.battle_id == battle_id))
        ).scalars()
    }
    for conversation in conversations:
        evaluation = evaluations[conversation.label]
        conversation.joint_goal_accuracy = evaluation.goal.joint_goal_accuracy
        conversation.slot_accuracy = evaluation.goal.slot_accuracy
        conversation.containment = evaluation.containment
        conversation.task_success = evaluation.assessment.task_success
        candidate = candidates.get(conversation.label)
        if candidate is not None:
            candidate.metrics = {
                **candidate.metrics,
                "joint_goal_accuracy": evaluation.goal.joint_goal_accuracy,
                "task_success": 1.0 if evaluation.assessment.task_success else 0.0,
            }


def _summary(evaluations: dict[str, ConversationEvaluation], judged: bool) -> dict[str, Any]:
    per_label = {label: e.as_dict() for label, e in sorted(evaluations.items())}
    methods = {e.assessment.method for e in evaluations.values()}
    method = "llm_judge" if methods == {"llm_judge"} else "rubric"
    return {"method": method, "judge_configured": judged, "agents": per_label}
