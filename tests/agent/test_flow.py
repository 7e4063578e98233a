"""A whole agent battle over HTTP and WebSockets against a live server and provider emulators."""

from __future__ import annotations

import io

import httpx
import soundfile as sf
from sqlalchemy import select

from arena.cli.battle import simulate_battle
from arena.providers.registry import Registry
from arena.voice.battles.votes import OVERALL
from arena.voice.db.agents import AgentBattle, AgentConversation
from arena.voice.db.models import PairCount
from arena.voice.state import ArenaState
from tests.agent.conftest import assert_blind
from tests.conftest import LiveServer


async def test_simulated_caller_completes_a_battle(
    arena_server: LiveServer, arena_state: ArenaState
) -> None:
    printed: list[str] = []
    result = await simulate_battle(
        arena_server.url, "order-status-check", say=printed.append, metrics_wait_s=30
    )
    assert result.metrics["status"] == "complete"
    a, b = result.metrics["metrics_a"], result.metrics["metrics_b"]
    assert {a["provider"], b["provider"]} == {"vapi", "retell"}
    for m in (a, b):
        assert m["total_turns"] >= 2 and m["ended_by"] == "user"
        assert m["p50_latency_ms"] is not None and m["joint_goal_accuracy"] is not None
    assert result.metrics["automated_eval"]["method"] == "rubric"
    assert any("Agent A =" in line for line in printed)
    async with arena_state.sessions() as session:
        agent_battle = await session.get(AgentBattle, result.battle_id)
        assert agent_battle is not None and agent_battle.eval_attempts == 1
        dimensions = set((await session.execute(select(PairCount.dimension))).scalars())
        assert dimensions == {OVERALL, "understanding", "speed", "helpfulness", "naturalness"}
        conversations = (await session.execute(select(AgentConversation))).scalars().all()
        assert len(conversations) == 2


async def test_conversations_replay_before_the_vote_without_names(
    arena_server: LiveServer, registry: Registry
) -> None:
    async with httpx.AsyncClient(base_url=arena_server.url) as http:
        battle = (await http.post("/api/v1/battles/generate", json={"battle_type": "agent"})).json()
        assert_blind(str(battle), registry)
        from arena.cli.battle import hold_conversation, speak
        from tests.agent.conftest import ws_url

        for label in "ab":
            held = await hold_conversation(
                ws_url(arena_server.url, battle["id"], label), label, [speak("Hello there.")]
            )
            for frame in held.frames:
                assert_blind(str(frame), registry)
        public = (await http.get(f"/api/v1/battles/{battle['id']}")).json()
        assert public["status"] == "ready"
        assert_blind(str(public), registry)
        for label in "ab":
            conversation = public["details"]["conversations"][label]
            assert conversation["transcript"]
            for track, url in conversation["audio"].items():
                assert_blind(url, registry)
                response = await http.get(url)
                assert response.status_code == 200
                assert_blind(str(dict(response.headers)), registry)
                info = sf.info(io.BytesIO(response.content))
                assert info.samplerate == 16000 and info.channels == (2 if track == "mix" else 1)
        early = await http.get(f"/api/v1/battles/{battle['id']}/agent-metrics")
        assert early.status_code == 400
