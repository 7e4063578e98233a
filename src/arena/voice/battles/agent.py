"""Agent battles: one scenario, two live conversations (Agent A, then Agent B), then one vote.

Generation picks a scenario and two available voice agents (different providers where
possible) and shows only the scenario's user-facing fields. Each label's conversation slot is
reserved by inserting its `agent_conversations` row (UNIQUE per battle and label), so a second
live connection is refused and a held conversation cannot be redone. The battle becomes votable
once both conversations are stored; a provider that cannot be reached fails the battle, and so
does a call the caller ended without saying a word (nothing to judge; see
`ConversationRecord.judgeable`).
"""

from __future__ import annotations

import asyncio
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

from fastapi import APIRouter
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from arena.core.scenarios import SCENARIOS, Scenario
from arena.providers.agent import VoiceAgent
from arena.providers.registry import Registry
from arena.voice.battles.modes import BattleContext, BattleMode
from arena.voice.db.agents import (
    AgentBattle,
    AgentConversation,
    AgentScenario,
    scenario_values,
    to_scenario,
)
from arena.voice.db.models import Battle, Candidate
from arena.voice.db.upsert import upsert
from arena.voice.errors import ArenaError, NotEnoughSystemsError
from arena.voice.live.record import ConversationRecord
from arena.voice.schemas import BattleGenerate

LABELS = ("a", "b")
TRACKS = ("mix", "user", "agent")
INSTALL_ADVICE = (
    "the offline agents need espeak-ng and pocketsphinx (or Piper and faster-whisper); hosted "
    "agents need VAPI_API_KEY or RETELL_API_KEY; `arena systems list` shows what is missing"
)
# A conversation still "live" this long after its scenario's limit was lost in a crash.
STALE_GRACE = timedelta(minutes=2)


class AgentStreamError(ArenaError):
    """A WebSocket connection to a conversation slot that cannot be served; `ws_code` closes it."""

    ws_code = 4400


class UnknownLabelError(AgentStreamError):
    ws_code = 4400

    def __init__(self, label: str) -> None:
        super().__init__(
            f"Unknown agent label {label!r}: connect with ?agent=a or ?agent=b.", allowed=["a", "b"]
        )


class AgentBattleNotFoundError(AgentStreamError):
    status_code = 404
    ws_code = 4404

    def __init__(self, battle_id: str) -> None:
        super().__init__(
            f"No agent battle with id {battle_id!r}: start one with POST /api/v1/battles/generate "
            '{"battle_type": "agent"}.'
        )


class SlotBusyError(AgentStreamError):
    status_code = 409
    ws_code = 4409

    def __init__(self, label: str) -> None:
        super().__init__(
            f"Agent {label.upper()} is already in a live conversation for this battle (another "
            "tab or device); finish it there."
        )


class SlotHeldError(AgentStreamError):
    status_code = 409
    ws_code = 4409

    def __init__(self, label: str) -> None:
        super().__init__(
            f"The conversation with Agent {label.upper()} has already been held; each agent gets "
            "one conversation per battle. Vote, or start a new battle."
        )


class BattleClosedError(AgentStreamError):
    status_code = 409
    ws_code = 4410

    def __init__(self, status: str) -> None:
        super().__init__(
            f"This battle is {status} and takes no more conversations: start a new one."
        )


class UnknownScenarioNameError(ArenaError):
    status_code = 422

    def __init__(self, name: str) -> None:
        names = ", ".join(s.slug for s in SCENARIOS)
        super().__init__(f"Unknown scenario {name!r}: choose one of {names}.")


class MetricsBeforeVoteError(ArenaError):
    status_code = 400

    def __init__(self, battle_status: str) -> None:
        if battle_status == "failed":
            message = "This battle failed before it could be voted on, so it reveals nothing."
        else:
            message = "Agent metrics are revealed after the vote: vote on this battle first."
        super().__init__(message)


def available_agents(registry: Registry) -> list[VoiceAgent]:
    """Voice agents that can run here."""
    return [s for s in registry.of_mode("agent") if isinstance(s, VoiceAgent) and s.available().ok]


def pick_agents(agents: list[VoiceAgent], rng: random.Random) -> list[VoiceAgent]:
    """Two agents from different providers when there are two providers, in random order."""
    by_provider: dict[str, list[VoiceAgent]] = defaultdict(list)
    for agent in agents:
        by_provider[agent.provider].append(agent)
    providers = list(by_provider)
    rng.shuffle(providers)
    if len(providers) >= 2:
        picked = [rng.choice(by_provider[p]) for p in providers[:2]]
    else:
        picked = rng.sample(agents, 2)
    rng.shuffle(picked)
    return picked


async def seed_scenarios(session: AsyncSession) -> int:
    """Insert or refresh one `agent_scenarios` row per catalogue scenario (idempotent)."""
    rows = [scenario_values(s) for s in SCENARIOS]
    columns = [k for k in rows[0] if k != "id"]
    await upsert(
        session,
        AgentScenario,
        rows,
        keys=("id",),
        set_=lambda excluded: {name: excluded[name] for name in columns},
    )
    await session.commit()
    return len(rows)


class AgentMode(BattleMode):
    """Talk to two anonymous voice agents about the same task, then say which handled it better."""

    name = "agent"
    title = "Voice agents"
    template = "battle_agent.html"
    sub_votes: ClassVar[dict[str, str]] = {
        "naturalness": "Which sounded more human?",
        "speed": "Which felt more responsive?",
        "understanding": "Which understood you better?",
        "helpfulness": "Which was more helpful?",
    }
    outcomes = ("tie",)
    metrics = (
        "p50_latency_ms",
        "avg_latency_ms",
        "joint_goal_accuracy",
        "task_success",
        "duration_seconds",
        "total_turns",
    )

    def __init__(self, rng: random.Random | None = None) -> None:
        self._rng = rng or random.SystemRandom()

    async def generate(self, ctx: BattleContext, request: BattleGenerate) -> Battle:
        agents = available_agents(ctx.registry)
        if len(agents) < 2:
            raise NotEnoughSystemsError(
                f"An agent battle needs 2 available voice agents, found {len(agents)}: "
                f"{INSTALL_ADVICE}."
            )
        scenario = await self._pick_scenario(
            ctx.session, (request.model_extra or {}).get("scenario")
        )
        picked = pick_agents(agents, self._rng)
        battle = Battle(
            mode=self.name,
            status="generating",
            candidates=[
                Candidate(label=label, system_id=agent.id, status="pending")
                for label, agent in zip(LABELS, picked, strict=True)
            ],
        )
        ctx.session.add(battle)
        await ctx.session.flush()
        ctx.session.add(AgentBattle(battle_id=battle.id, scenario_id=scenario.id))
        await ctx.session.commit()
        await ctx.session.refresh(battle)
        return battle

    async def _pick_scenario(self, session: AsyncSession, wanted: object) -> AgentScenario:
        if await session.scalar(select(func.count()).select_from(AgentScenario)) == 0:
            await seed_scenarios(session)
        if wanted:
            key = str(wanted).strip().lower()
            row = await session.scalar(
                select(AgentScenario).where(
                    (AgentScenario.id == key) | (func.lower(AgentScenario.name) == key)
                )
            )
            if row is None:
                raise UnknownScenarioNameError(str(wanted))
            return row
        rows = list((await session.execute(select(AgentScenario))).scalars())
        return self._rng.choice(rows)

    def unvotable_reason(self, battle: Battle) -> str | None:
        if battle.status == "failed":
            return (
                f"it failed ({battle.error or 'an agent could not be reached'}); start a new battle"
            )
        if battle.status == "generating":
            return "hold both conversations (Agent A, then Agent B) before voting"
        return None

    async def details(self, ctx: BattleContext, battle: Battle, revealed: bool) -> dict[str, Any]:
        agent_battle = await ctx.session.get(AgentBattle, battle.id)
        if agent_battle is None:
            return {}
        scenario = await ctx.session.get(AgentScenario, agent_battle.scenario_id)
        conversations = await ctx.session.execute(
            select(AgentConversation).where(AgentConversation.battle_id == battle.id)
        )
        return {
            "scenario": to_scenario(scenario).public() if scenario else None,
            "conversations": {
                c.label: conversation_public(battle.id, c)
                for c in conversations.scalars()
                if c.status == "ended"
            },
        }

    def router(self) -> APIRouter | None:
        from arena.voice.api.agent import router  # the API layer depends on battles, not back

        return router


def conversation_public(battle_id: str, c: AgentConversation) -> dict[str, Any]:
    """A held conversation as the caller may see it before the vote (no system named)."""
    audio = {
        track: f"/api/v1/battles/{battle_id}/agent-audio/{c.label}/{track}"
        for track, path in (
            ("mix", c.mix_audio_path),
            ("user", c.user_audio_path),
            ("agent", c.agent_audio_path),
        )
        if path
    }
    return {
        "label": c.label,
        "ended_by": c.ended_by,
        "total_turns": c.total_turns,
        "duration_seconds": round(c.duration_seconds, 2),
        "transcript": c.turns,
        "audio": audio,
    }


@dataclass(frozen=True)
class Reservation:
    """A conversation slot this connection holds: the row id, who to call, and the task."""

    battle_id: str
    label: str
    conversation_id: str
    system_id: str
    scenario: Scenario


async def reserve_slot(session: AsyncSession, battle_id: str, label: str) -> Reservation:
    """Claim the (battle, label) conversation slot or raise the reason it cannot be held."""
    battle = await session.get(Battle, battle_id)
    if battle is None or battle.mode != AgentMode.name:
        raise AgentBattleNotFoundError(battle_id)
    if label not in LABELS:
        raise UnknownLabelError(label)
    agent_battle = await session.get(AgentBattle, battle_id)
    candidate = next((c for c in battle.candidates if c.label == label), None)
    if agent_battle is None or candidate is None:
        raise AgentBattleNotFoundError(battle_id)
    existing = await _conversation(session, battle_id, label)
    if existing is not None:
        raise SlotBusyError(label) if existing.status == "live" else SlotHeldError(label)
    if battle.status != "generating":
        raise BattleClosedError(battle.status)
    scenario_row = await session.get(AgentScenario, agent_battle.scenario_id)
    assert scenario_row is not None
    conversation = AgentConversation(
        battle_id=battle_id,
        label=label,
        system_id=candidate.system_id,
        scenario_id=scenario_row.id,
        status="live",
    )
    session.add(conversation)
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        raced = await _conversation(session, battle_id, label)
        busy = raced is not None and raced.status == "live"
        raise (SlotBusyError(label) if busy else SlotHeldError(label)) from None
    return Reservation(
        battle_id, label, conversation.id, candidate.system_id, to_scenario(scenario_row)
    )


async def _conversation(
    session: AsyncSession, battle_id: str, label: str
) -> AgentConversation | None:
    return await session.scalar(
        select(AgentConversation).where(
            AgentConversation.battle_id == battle_id, AgentConversation.label == label
        )
    )


async def store_conversation(
    sessions: async_sessionmaker[AsyncSession],
    reservation: Reservation,
    record: ConversationRecord,
    audio_dir: Path,
) -> None:
    """Persist a finished conversation (audio files, transcript, timings, how it ended)."""
    folder = audio_dir / "agent" / reservation.conversation_id
    paths = await asyncio.to_thread(_write_audio, folder, record)
    unreachable = record.ended_by == "connect_failed"
    failed = unreachable or not record.judgeable
    name = f"Agent {reservation.label.upper()}"
    if unreachable:
        battle_error = f"{name} could not be reached"
    else:
        battle_error = f"the call with {name} ended before you said anything, so it can't be judged"
    async with sessions() as session:
        conversation = await session.get(AgentConversation, reservation.conversation_id)
        assert conversation is not None
        conversation.status = "ended"
        conversation.ended_at = datetime.now(UTC)
        conversation.ended_by = record.ended_by
        conversation.end_reason = record.end_reason
        conversation.error = record.error
        conversation.turns = record.transcript()
        conversation.tool_calls = [
            {"name": t.name, "arguments": dict(t.arguments), "result": t.result}
            for t in record.tool_calls
        ]
        conversation.total_turns = record.total_turns
        conversation.duration_seconds = record.duration_seconds
        conversation.user_audio_path = paths.get("user")
        conversation.agent_audio_path = paths.get("agent")
        conversation.mix_audio_path = paths.get("mix")
        conversation.latencies_ms = list(record.latencies_ms)
        conversation.avg_latency_ms = record.avg_latency_ms
        conversation.p50_latency_ms = record.p50_latency_ms
        conversation.p95_latency_ms = record.p95_latency_ms
        conversation.ttfb_ms = record.ttfb_ms
        candidate = await session.scalar(
            select(Candidate).where(
                Candidate.battle_id == reservation.battle_id,
                Candidate.label == reservation.label,
            )
        )
        assert candidate is not None
        candidate.status = "failed" if failed else "ready"
        candidate.error = (record.error or "the caller never spoke") if failed else None
        candidate.audio_path = paths.get("mix")
        candidate.duration_s = record.duration_seconds
        candidate.transcript = "\n".join(f"{t.role}: {t.text}" for t in record.turns if t.text)
        candidate.metrics = _metrics(record)
        if failed:
            await session.execute(
                update(Battle)
                .where(Battle.id == reservation.battle_id, Battle.status == "generating")
                .values(status="failed", error=battle_error)
                .execution_options(synchronize_session=False)
            )
        await session.commit()
    if not failed:
        await _mark_ready_when_both_held(sessions, reservation.battle_id)


def _write_audio(folder: Path, record: ConversationRecord) -> dict[str, str]:
    recording = record.recording
    folder.mkdir(parents=True, exist_ok=True)
    paths: dict[str, str] = {}
    for track, data in (
        ("user", recording.user_wav),
        ("agent", recording.agent_wav),
        ("mix", recording.mix_wav),
    ):
        path = folder / f"{track}.wav"
        path.write_bytes(data)
        paths[track] = str(path)
    return paths


def _metrics(record: ConversationRecord) -> dict[str, Any]:
    return {
        "avg_latency_ms": record.avg_latency_ms,
        "p50_latency_ms": record.p50_latency_ms,
        "p95_latency_ms": record.p95_latency_ms,
        "ttfb_ms": record.ttfb_ms,
        "duration_seconds": round(record.duration_seconds, 2),
        "total_turns": record.total_turns,
    }


async def _mark_ready_when_both_held(
    sessions: async_sessionmaker[AsyncSession], battle_id: str
) -> None:
    """generating → ready once both candidates are ready (run after this slot's commit)."""
    ready = (
        select(func.count())
        .select_from(Candidate)
        .where(Candidate.battle_id == battle_id, Candidate.status == "ready")
        .scalar_subquery()
    )
    async with sessions() as session:
        await session.execute(
            update(Battle)
            .where(Battle.id == battle_id, Battle.status == "generating", ready == len(LABELS))
            .values(status="ready", completed_at=datetime.now(UTC))
            .execution_options(synchronize_session=False)
        )
        await session.commit()


async def sweep_lost_conversations(sessions: async_sessionmaker[AsyncSession]) -> int:
    """Close conversations a crashed process left `live`; their battles fail. Returns how many."""
    now = datetime.now(UTC)
    async with sessions() as session:
        rows = await session.execute(
            select(AgentConversation, AgentScenario.max_duration_seconds)
            .join(AgentScenario, AgentScenario.id == AgentConversation.scenario_id)
            .where(AgentConversation.status == "live")
        )
        lost = [
            conversation
            for conversation, limit in rows.all()
            if _aware(conversation.started_at) + timedelta(seconds=limit) + STALE_GRACE < now
        ]
        for conversation in lost:
            conversation.status = "ended"
            conversation.ended_at = now
            conversation.ended_by = "server_shutdown"
            conversation.end_reason = "the server stopped before the conversation was saved"
            await session.execute(
                update(Battle)
                .where(Battle.id == conversation.battle_id, Battle.status == "generating")
                .values(status="failed", error="the server stopped during a conversation")
                .execution_options(synchronize_session=False)
            )
        await session.commit()
    return len(lost)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


MODE = AgentMode()
