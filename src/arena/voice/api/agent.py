"""Agent battle routes: the live conversation WebSocket, conversation audio, post-vote metrics.

The router's lifespan (merged into the app's) seeds the scenarios, closes conversations a
crashed process left open, runs the evaluation worker, and on shutdown tells every live
conversation to end and waits until each one is stored.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from fastapi import APIRouter, FastAPI, WebSocket
from fastapi.responses import FileResponse
from sqlalchemy import select
from starlette.websockets import WebSocketDisconnect

from arena.core.scenarios import Scenario
from arena.providers.agent import AgentConnectError, AgentSession, VoiceAgent
from arena.providers.registry import UnknownSystemError
from arena.voice.api.agent_schemas import AgentMetricsPublic, AgentSystemMetrics
from arena.voice.battles.agent import (
    LABELS,
    TRACKS,
    AgentBattleNotFoundError,
    AgentStreamError,
    MetricsBeforeVoteError,
    Reservation,
    reserve_slot,
    seed_scenarios,
    store_conversation,
    sweep_lost_conversations,
)
from arena.voice.db.agents import AgentBattle, AgentConversation, AgentScenario
from arena.voice.db.models import Battle, SystemRow
from arena.voice.deps import SessionDep
from arena.voice.errors import CandidateNotFoundError
from arena.voice.evaluation.jobs import EvaluationJobs
from arena.voice.evaluation.judge import JudgeConfig
from arena.voice.live.bridge import run_conversation
from arena.voice.live.channel import ClientDisconnected
from arena.voice.live.record import ConversationRecord
from arena.voice.state import ArenaState

logger = logging.getLogger("arena.api.agent")

# uvicorn closes open WebSockets with 1012 when the server stops, before the lifespan ends.
SERVER_RESTART_CODE = 1012
SHUTDOWN_WAIT_S = 15.0
SEND_FAILURE_GRACE_S = 1.0
PROVIDER_FAILED_CODE = 4502


@dataclass
class AgentRuntime:
    """Per-app state of agent battles: the shutdown signal, live conversations, the worker."""

    shutdown: asyncio.Event = field(default_factory=asyncio.Event)
    live: set[asyncio.Task[Any]] = field(default_factory=set)
    jobs: EvaluationJobs | None = None


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    state: ArenaState = app.state.arena
    runtime = AgentRuntime()
    app.state.agent_runtime = runtime
    async with state.sessions() as session:
        await seed_scenarios(session)
    await sweep_lost_conversations(state.sessions)
    runtime.jobs = EvaluationJobs(state.sessions, JudgeConfig.from_settings(state.settings))
    worker = asyncio.create_task(runtime.jobs.run_forever())
    try:
        yield
    finally:
        runtime.shutdown.set()
        if runtime.live:
            await asyncio.wait(set(runtime.live), timeout=SHUTDOWN_WAIT_S)
        worker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await worker


router = APIRouter(prefix="/api/v1/battles", tags=["agent battles"], lifespan=lifespan)


class ShutdownAwareChannel:
    """The bridge's client channel over an accepted socket; a 1012 close means server shutdown.

    Keeps the call blind: once the session has started, `error` messages (which quote provider
    failures) have the agent's id, name, provider and components replaced by "the agent". Only
    a connect failure — which fails the battle, so no vote can follow — names the provider.
    """

    def __init__(
        self, websocket: WebSocket, shutdown: asyncio.Event, names: Sequence[str] = ()
    ) -> None:
        self._ws = websocket
        self._shutdown = shutdown
        self._names = sorted({n for n in names if n}, key=len, reverse=True)
        self._started = False
        self._receiving = False

    async def receive(self) -> bytes | str:
        self._receiving = True
        try:
            message = await self._ws.receive()
        except (WebSocketDisconnect, RuntimeError) as exc:
            raise ClientDisconnected(str(exc)) from exc
        finally:
            self._receiving = False
        if message["type"] == "websocket.disconnect":
            await self._closed(message.get("code"))
        data = message.get("bytes")
        if data is not None:
            return bytes(data)
        return str(message.get("text") or "")

    async def _closed(self, code: object) -> NoReturn:
        if code == SERVER_RESTART_CODE:
            self._shutdown.set()
            for _ in range(3):  # let the bridge's shutdown watcher record it first
                await asyncio.sleep(0)
        raise ClientDisconnected(f"client closed with code {code}")

    async def send_bytes(self, data: bytes) -> None:
        try:
            await self._ws.send_bytes(data)
        except Exception as exc:  # starlette/uvicorn raise several types once the peer is gone
            raise await self._gone(exc) from exc

    async def send_json(self, data: Mapping[str, Any]) -> None:
        frame = dict(data)
        if frame.get("type") == "session_started":
            self._started = True
        elif frame.get("type") == "error" and self._started:
            frame["message"] = self._blind(str(frame.get("message", "")))
        try:
            await self._ws.send_json(frame)
        except Exception as exc:
            raise await self._gone(exc) from exc

    def _blind(self, text: str) -> str:
        for name in self._names:
            text = re.sub(re.escape(name), "the agent", text, flags=re.IGNORECASE)
        return text

    async def _gone(self, exc: Exception) -> ClientDisconnected:
        """A failed send: find out whether the server is stopping (a queued 1012 close).

        Reads the close itself when nothing else is reading (e.g. the send of
        `session_started` right after connecting), else lets the reader's 1012 land first.
        """
        with contextlib.suppress(TimeoutError, WebSocketDisconnect, RuntimeError):
            if self._receiving:
                await asyncio.wait_for(self._shutdown.wait(), SEND_FAILURE_GRACE_S)
            else:
                message = await asyncio.wait_for(self._ws.receive(), SEND_FAILURE_GRACE_S)
                if message["type"] == "websocket.disconnect":
                    with contextlib.suppress(ClientDisconnected):
                        await self._closed(message.get("code"))
        return ClientDisconnected(str(exc))


def _runtime(app: Any) -> AgentRuntime:
    runtime: AgentRuntime | None = getattr(app.state, "agent_runtime", None)
    if runtime is None:  # served without lifespan (a bare test client): no worker, still safe
        runtime = AgentRuntime()
        app.state.agent_runtime = runtime
    return runtime


@router.websocket("/{battle_id}/agent-stream")
async def agent_stream(websocket: WebSocket, battle_id: str) -> None:
    """Hold the live conversation for one label: PCM s16le 16 kHz both ways plus JSON frames."""
    await websocket.accept()
    state: ArenaState = websocket.app.state.arena
    runtime = _runtime(websocket.app)
    label = websocket.query_params.get("agent", "")
    try:
        async with state.sessions() as session:
            reservation = await reserve_slot(session, battle_id, label)
    except AgentStreamError as exc:
        await _refuse(websocket, exc.message, exc.ws_code)
        return
    task = asyncio.current_task()
    assert task is not None
    runtime.live.add(task)
    try:
        record = await _converse(websocket, state, runtime, reservation)
    finally:
        runtime.live.discard(task)
    code = PROVIDER_FAILED_CODE if record.ended_by == "connect_failed" else 1000
    with contextlib.suppress(Exception):
        await websocket.close(code=code)


async def _converse(
    websocket: WebSocket, state: ArenaState, runtime: AgentRuntime, reservation: Reservation
) -> ConversationRecord:
    async def store(record: ConversationRecord) -> None:
        await store_conversation(state.sessions, reservation, record, state.settings.audio_dir)

    agent = _agent(state, reservation.system_id)
    return await run_conversation(
        ShutdownAwareChannel(websocket, runtime.shutdown, identifying_names(agent)),
        agent,
        reservation.scenario,
        conversation_id=reservation.conversation_id,
        max_duration_seconds=min(
            reservation.scenario.max_duration_seconds, state.settings.agent_conversation_timeout
        ),
        on_finished=store,
        shutdown=runtime.shutdown,
    )


def identifying_names(system: VoiceAgent) -> list[str]:
    """Everything that would name the system: id, display name, provider, components."""
    components = system.config.get("components")
    values = list(components.values()) if isinstance(components, dict) else []
    return [system.id, system.display_name, system.provider, *map(str, values)]


def _agent(state: ArenaState, system_id: str) -> VoiceAgent:
    """The registry's agent; one no longer installed fails to connect like an unreachable one."""
    try:
        system = state.registry.get(system_id)
    except UnknownSystemError:
        system = None
    if isinstance(system, VoiceAgent):
        return system
    return _MissingAgent(
        id=system_id, mode="agent", display_name=system_id, provider="unknown provider"
    )


@dataclass
class _MissingAgent(VoiceAgent):
    """Stands in for an agent that left the registry: connecting always fails."""

    async def connect(self, scenario: Scenario) -> AgentSession:
        raise AgentConnectError(self.id, self.provider, "this agent is no longer installed")


async def _refuse(websocket: WebSocket, message: str, code: int) -> None:
    with contextlib.suppress(Exception):
        await websocket.send_json({"type": "error", "message": message})
        await websocket.close(code=code)


@router.get("/{battle_id}/agent-audio/{label}/{track}", response_class=FileResponse)
async def agent_audio(battle_id: str, label: str, track: str, session: SessionDep) -> FileResponse:
    """A held conversation's recording (mix, user or agent) under an opaque battle-scoped URL."""
    conversation = await session.scalar(
        select(AgentConversation).where(
            AgentConversation.battle_id == battle_id, AgentConversation.label == label
        )
    )
    paths = {
        "mix": conversation.mix_audio_path if conversation else None,
        "user": conversation.user_audio_path if conversation else None,
        "agent": conversation.agent_audio_path if conversation else None,
    }
    path = paths.get(track) if track in TRACKS else None
    if path is None or not await asyncio.to_thread(Path(path).is_file):
        raise CandidateNotFoundError(f"{label}/{track}")
    return FileResponse(
        path, media_type="audio/wav", headers={"Cache-Control": "private, max-age=86400"}
    )


@router.get("/{battle_id}/agent-metrics", response_model=AgentMetricsPublic)
async def agent_metrics(battle_id: str, session: SessionDep) -> AgentMetricsPublic:
    """Who the agents were and how they did; 400 until the battle has its vote."""
    battle = await session.get(Battle, battle_id)
    agent_battle = await session.get(AgentBattle, battle_id)
    if battle is None or agent_battle is None:
        raise AgentBattleNotFoundError(battle_id)
    if battle.status != "voted":
        raise MetricsBeforeVoteError(battle.status)
    scenario = await session.get(AgentScenario, agent_battle.scenario_id)
    conversations = {
        c.label: c
        for c in (
            await session.execute(
                select(AgentConversation).where(AgentConversation.battle_id == battle_id)
            )
        ).scalars()
    }
    systems = {
        s.id: s
        for s in (
            await session.execute(
                select(SystemRow).where(SystemRow.id.in_([c.system_id for c in battle.candidates]))
            )
        ).scalars()
    }
    agents = {
        c.label: _system_metrics(c.label, systems.get(c.system_id), conversations.get(c.label))
        for c in battle.candidates
        if c.label in LABELS
    }
    return AgentMetricsPublic(
        battle_id=battle_id,
        status=_status(agent_battle.eval_status),
        scenario_name=scenario.name if scenario else None,
        metrics_a=agents.get("a"),
        metrics_b=agents.get("b"),
        automated_eval=agent_battle.automated_eval,
    )


def _status(eval_status: str | None) -> str:
    if eval_status == "partial":
        return "partial"
    if eval_status in ("complete", "failed"):
        return "complete"
    return "computing"


def _system_metrics(
    label: str, system: SystemRow | None, c: AgentConversation | None
) -> AgentSystemMetrics:
    config = system.config if system else {}
    components = config.get("components") if isinstance(config.get("components"), dict) else {}
    return AgentSystemMetrics(
        agent_label=label,
        system_id=system.id if system else "",
        config_name=system.display_name if system else "",
        provider=system.provider if system else "",
        components={str(k): str(v) for k, v in (components or {}).items()},
        total_turns=c.total_turns if c else None,
        duration_seconds=round(c.duration_seconds, 2) if c else None,
        avg_latency_ms=c.avg_latency_ms if c else None,
        p50_latency_ms=c.p50_latency_ms if c else None,
        p95_latency_ms=c.p95_latency_ms if c else None,
        ttfb_ms=c.ttfb_ms if c else None,
        ended_by=c.ended_by if c else None,
        task_success=c.task_success if c else None,
        joint_goal_accuracy=c.joint_goal_accuracy if c else None,
        slot_accuracy=c.slot_accuracy if c else None,
        containment=c.containment if c else None,
    )
