"""The agent-stream WebSocket: slot locking, bad input, refusals, provider failure, vote rules."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from arena.cli.battle import speak
from arena.providers.registry import Registry
from arena.voice.db.agents import AgentConversation
from arena.voice.db.models import PairCount
from arena.voice.state import ArenaState
from tests.agent.conftest import Emulators, assert_blind, next_json, silence, ws_url
from tests.conftest import LiveServer


async def generate(http: httpx.AsyncClient, **extra: Any) -> dict[str, Any]:
    response = await http.post("/api/v1/battles/generate", json={"battle_type": "agent", **extra})
    assert response.status_code == 200, response.text
    battle: dict[str, Any] = response.json()
    return battle


async def refusal(url: str) -> tuple[dict[str, Any], int | None]:
    """Connect, read the error frame, and return it with the close code."""
    async with connect(url) as ws:
        frame = json.loads(await asyncio.wait_for(ws.recv(), 10))
        with pytest.raises(ConnectionClosed):
            await asyncio.wait_for(ws.recv(), 10)
        code = ws.close_code
    return frame, code


async def hold_briefly(url: str) -> dict[str, Any]:
    """Say one short line, end the call, and return the conversation_ended frame."""
    async with connect(url) as ws:
        await next_json(ws, "session_started")
        pcm = speak("Hello.") + silence(600)
        for start in range(0, len(pcm), 640):
            await ws.send(pcm[start : start + 640])
        await ws.send(json.dumps({"type": "end_conversation"}))
        return await next_json(ws, "conversation_ended")


async def test_generate_shows_only_the_scenario_and_honours_a_named_one(
    arena_server: LiveServer,
) -> None:
    async with httpx.AsyncClient(base_url=arena_server.url) as http:
        battle = await generate(http, scenario="flight-rebooking")
        scenario = battle["details"]["scenario"]
        assert scenario["name"] == "Flight rebooking"
        assert set(scenario) == {
            "name",
            "category",
            "difficulty",
            "description",
            "max_turns",
            "max_duration_seconds",
        }
        assert battle["status"] == "generating" and battle["candidates"] == []
        assert battle["allowed_winners"] == ["tie"]
        assert set(battle["sub_votes"]) == {"naturalness", "speed", "understanding", "helpfulness"}
        bad = await http.post(
            "/api/v1/battles/generate", json={"battle_type": "agent", "scenario": "karaoke"}
        )
        assert bad.status_code == 422 and "flight-rebooking" in bad.json()["detail"]


async def test_unknown_battle_or_label_gets_an_error_frame_and_a_4xxx_close(
    arena_server: LiveServer,
) -> None:
    async with httpx.AsyncClient(base_url=arena_server.url) as http:
        battle = await generate(http)
    frame, code = await refusal(ws_url(arena_server.url, "no-such-battle", "a"))
    assert frame["type"] == "error" and "No agent battle" in frame["message"] and code == 4404
    frame, code = await refusal(ws_url(arena_server.url, battle["id"], "c"))
    assert frame["type"] == "error" and "?agent=a" in frame["message"] and code == 4400


async def test_a_slot_takes_one_live_connection_and_cannot_be_redone(
    arena_server: LiveServer, arena_state: ArenaState
) -> None:
    async with httpx.AsyncClient(base_url=arena_server.url) as http:
        battle = await generate(http)
        url = ws_url(arena_server.url, battle["id"], "a")
        async with connect(url) as first:
            await next_json(first, "session_started")
            frame, code = await refusal(url)
            assert "already in a live conversation" in frame["message"] and code == 4409
            await first.send(json.dumps({"type": "end_conversation"}))
            ended = await next_json(first, "conversation_ended")
        frame, code = await refusal(url)
        assert "already been held" in frame["message"] and code == 4409
        early = await http.post(f"/api/v1/battles/{battle['id']}/vote", json={"winner": "a"})
        assert early.status_code in (409, 422)
    async with arena_state.sessions() as session:
        rows = (await session.execute(select(AgentConversation))).scalars().all()
    assert [(r.label, r.status, r.id) for r in rows] == [("a", "ended", ended["conversation_id"])]


async def test_a_call_ended_before_the_caller_spoke_voids_the_battle(
    arena_server: LiveServer, arena_state: ArenaState
) -> None:
    async with httpx.AsyncClient(base_url=arena_server.url) as http:
        battle = await generate(http)
        async with connect(ws_url(arena_server.url, battle["id"], "a")) as ws:
            await next_json(ws, "session_started")
            await ws.send(silence(400))
            await ws.send(json.dumps({"type": "end_conversation"}))
            ended = await next_json(ws, "conversation_ended")
        assert ended["judgeable"] is False and ended["ended_by"] == "user"
        public = (await http.get(f"/api/v1/battles/{battle['id']}")).json()
        assert public["status"] == "failed"
        vote = await http.post(f"/api/v1/battles/{battle['id']}/vote", json={"winner": "tie"})
        assert vote.status_code == 409
        assert "before you said anything" in vote.json()["detail"]
        frame, code = await refusal(ws_url(arena_server.url, battle["id"], "b"))
        assert code == 4410, frame
        # A caller who says something is judged, even if the call is short.
        spoken = await generate(http)
        assert (await hold_briefly(ws_url(arena_server.url, spoken["id"], "a")))["judgeable"]
        assert (await http.get(f"/api/v1/battles/{spoken['id']}")).json()["status"] == "generating"
    async with arena_state.sessions() as session:
        rows = (await session.execute(select(AgentConversation))).scalars().all()
    assert sorted((r.battle_id == battle["id"], r.status) for r in rows) == [
        (False, "ended"),
        (True, "ended"),
    ]
    async with arena_state.sessions() as session:
        assert (await session.execute(select(PairCount))).first() is None


async def test_concurrent_connections_to_one_slot_let_exactly_one_in(
    arena_server: LiveServer,
) -> None:
    async with httpx.AsyncClient(base_url=arena_server.url) as http:
        battle = await generate(http)
    url = ws_url(arena_server.url, battle["id"], "b")
    sockets = [await connect(url) for _ in range(6)]
    firsts = await asyncio.gather(*(asyncio.wait_for(ws.recv(), 15) for ws in sockets))
    kinds = [json.loads(f)["type"] if isinstance(f, str) else "audio" for f in firsts]
    assert kinds.count("session_started") == 1 and kinds.count("error") == 5
    for ws in sockets:
        await ws.close()


async def test_bad_frames_get_errors_and_the_conversation_continues(
    arena_server: LiveServer,
) -> None:
    async with httpx.AsyncClient(base_url=arena_server.url) as http:
        battle = await generate(http)
    async with connect(ws_url(arena_server.url, battle["id"], "a")) as ws:
        await next_json(ws, "session_started")
        await ws.send(b"\x00\x01\x02")
        assert "even number of bytes" in (await next_json(ws, "error"))["message"]
        await ws.send(bytes(64 * 1024 + 2))
        assert "at most" in (await next_json(ws, "error"))["message"]
        await ws.send("{not json")
        assert "not valid JSON" in (await next_json(ws, "error"))["message"]
        await ws.send(json.dumps({"type": "dance"}))
        assert "unknown type" in (await next_json(ws, "error"))["message"]
        await ws.send(silence(200))
        await ws.send(json.dumps({"type": "end_conversation"}))
        ended = await next_json(ws, "conversation_ended")
    assert ended["conversation_id"] and ended["duration_seconds"] > 0


async def test_both_conversations_make_it_votable_and_sub_votes_count_per_dimension(
    arena_server: LiveServer, arena_state: ArenaState
) -> None:
    async with httpx.AsyncClient(base_url=arena_server.url) as http:
        battle = await generate(http)
        for label in "ab":
            await hold_briefly(ws_url(arena_server.url, battle["id"], label))
        bad = await http.post(
            f"/api/v1/battles/{battle['id']}/vote",
            json={"winner": "b", "sub_votes": {"charisma": "a"}},
        )
        assert bad.status_code == 422
        vote = {"winner": "b", "sub_votes": {"speed": "a", "understanding": "tie"}}
        response = await http.post(f"/api/v1/battles/{battle['id']}/vote", json=vote)
        assert response.status_code == 200
        assert {c["reveal"]["provider"] for c in response.json()["candidates"]} == {
            "vapi",
            "retell",
        }
        again = await http.post(f"/api/v1/battles/{battle['id']}/vote", json=vote)
        assert again.status_code == 409
        board = await http.get("/api/v1/leaderboard", params={"battle_type": "agent"})
        assert board.status_code == 200 and board.json()["total_votes"] == 1
        assert {r["provider"] for r in board.json()["ratings"]} == {"vapi", "retell"}
        for _ in range(40):  # the evaluation job adds goal accuracy and task success
            metrics = await http.get(f"/api/v1/battles/{battle['id']}/agent-metrics")
            if metrics.json()["status"] == "complete":
                break
            await asyncio.sleep(0.25)
        board = await http.get("/api/v1/leaderboard", params={"battle_type": "agent"})
        for rating in board.json()["ratings"]:
            assert rating["metrics"]["task_success"] in (0.0, 1.0)
            assert "p50_latency_ms" in rating["metrics"]
    async with arena_state.sessions() as session:
        counts = {
            row.dimension: (row.wins_a, row.wins_b, row.ties)
            for row in (await session.execute(select(PairCount))).scalars()
        }
    assert set(counts) == {"overall", "speed", "understanding"}
    assert counts["understanding"] == (0, 0, 1)
    assert sum(counts["overall"][:2]) == 1 and sum(counts["speed"][:2]) == 1
    assert counts["overall"] != counts["speed"]


async def test_a_provider_failing_mid_call_is_reported_without_naming_it(
    arena_server: LiveServer, arena_state: ArenaState, emulators: Emulators, registry: Registry
) -> None:
    async with httpx.AsyncClient(base_url=arena_server.url) as http:
        battle = await generate(http)
    async with connect(ws_url(arena_server.url, battle["id"], "a")) as ws:
        await next_json(ws, "session_started")
        await ws.send(silence(200))
        await asyncio.to_thread(emulators.stop)
        error = await next_json(ws, "error")
        ended = await next_json(ws, "conversation_ended")
    assert "failed" in error["message"]
    assert_blind(error["message"], registry)
    async with arena_state.sessions() as session:
        stored = await session.get(AgentConversation, ended["conversation_id"])
    assert stored is not None and stored.ended_by == "provider_error"
    assert stored.error is not None
