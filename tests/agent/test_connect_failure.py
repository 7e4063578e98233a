"""A provider that refuses the call: error frame naming it, battle failed, nothing rated."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from arena.providers.registry import Registry
from arena.voice.db.agents import AgentConversation
from arena.voice.db.models import Battle, PairCount
from arena.voice.state import ArenaState
from tests.agent.conftest import Emulators, hosted_agents, ws_url
from tests.agent.test_stream import generate, refusal
from tests.conftest import LiveServer


@pytest.fixture
def registry(emulators: Emulators) -> Registry:
    """A Vapi agent with a key the emulator refuses, next to a working Retell agent."""
    refused = emulators.settings(vapi_key="wrong-key")
    working = emulators.settings()
    return Registry(
        hosted_agents(refused, ("agent-vapi-default",))
        + hosted_agents(working, ("agent-retell-default",))
    )


async def test_provider_connect_failure_names_it_and_fails_the_battle(
    arena_server: LiveServer, arena_state: ArenaState
) -> None:
    async with httpx.AsyncClient(base_url=arena_server.url) as http:
        battle = await generate(http)
        public = (await http.get(f"/api/v1/battles/{battle['id']}")).json()
        async with arena_state.sessions() as session:
            b = await session.get(Battle, battle["id"])
            assert b is not None
            label = next(c.label for c in b.candidates if c.system_id == "agent-vapi-default")
        frame, code = await refusal(ws_url(arena_server.url, battle["id"], label))
        assert frame["type"] == "error" and "vapi" in frame["message"] and code == 4502
        other = "b" if label == "a" else "a"
        frame, code = await refusal(ws_url(arena_server.url, battle["id"], other))
        assert "failed" in frame["message"] and code == 4410
        vote = await http.post(f"/api/v1/battles/{battle['id']}/vote", json={"winner": "tie"})
        assert vote.status_code in (409, 422)
        assert public["status"] == "generating"
        assert (await http.get(f"/api/v1/battles/{battle['id']}")).json()["status"] == "failed"
        metrics = await http.get(f"/api/v1/battles/{battle['id']}/agent-metrics")
        assert metrics.status_code == 400 and "failed" in metrics.json()["detail"]
    async with arena_state.sessions() as session:
        conversation = (await session.execute(select(AgentConversation))).scalar_one()
        assert conversation.ended_by == "connect_failed"
        assert (await session.execute(select(PairCount))).first() is None
