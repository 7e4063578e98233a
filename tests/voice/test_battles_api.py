"""The battles API through HTTP: the TTS flow and every bad-input answer the issue lists."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from arena.voice.db.models import Battle, Vote
from arena.voice.state import ArenaState
from tests.conftest import LiveServer
from tests.voice.tone_plugin import tone_systems


async def _generate(client: httpx.AsyncClient, **body: Any) -> httpx.Response:
    return await client.post("/api/v1/battles/generate", json={"battle_type": "tts", **body})


async def test_generate_returns_blinded_battle_with_playable_audio(
    arena_server: LiveServer,
) -> None:
    async with httpx.AsyncClient(base_url=arena_server.url) as client:
        response = await _generate(client)
        battle = response.json()
        assert response.status_code == 200, response.text
        assert battle["status"] == "ready" and battle["prompt"]["text"]
        assert [c["label"] for c in battle["candidates"]] == ["a", "b", "c", "d"]
        assert battle["allowed_winners"] == ["a", "b", "c", "d", "tie", "all_bad"]
        for candidate in battle["candidates"]:
            assert candidate["reveal"] is None and candidate["duration_s"] > 0
            audio = await client.get(candidate["audio_url"])
            assert audio.status_code == 200
            assert audio.headers["content-type"] == "audio/wav"
            assert audio.content[:4] == b"RIFF" and "content-disposition" not in audio.headers
        again = (await client.get(f"/api/v1/battles/{battle['id']}")).json()
        assert again == battle


async def test_vote_reveals_systems_and_timings(arena_server: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=arena_server.url) as client:
        battle = (await _generate(client, candidates=2)).json()
        voted = await client.post(f"/api/v1/battles/{battle['id']}/vote", json={"winner": "tie"})
        read = (await client.get(f"/api/v1/battles/{battle['id']}")).json()
    assert voted.status_code == 200
    assert voted.json() == read
    assert read["status"] == "voted" and read["vote"] == {"winner": "tie", "sub_votes": {}}
    names = {s.id: s.display_name for s in tone_systems()}
    for candidate in read["candidates"]:
        reveal = candidate["reveal"]
        assert reveal["display_name"] == names[reveal["system_id"]]
        assert reveal["provider"] in {"tonegen", "chimeworks", "bellcraft"}
        assert set(reveal["metrics"]) >= {"synthesis_s", "ttfb_s", "rtf", "duration_s"}
        assert reveal["metrics"]["ttfb_s"] <= reveal["metrics"]["synthesis_s"]


async def test_unknown_battle_is_404(arena_server: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=arena_server.url) as client:
        read = await client.get("/api/v1/battles/no-such-battle")
        vote = await client.post("/api/v1/battles/no-such-battle/vote", json={"winner": "a"})
        audio = await client.get("/api/v1/battles/no-such-battle/audio/a")
    assert [read.status_code, vote.status_code, audio.status_code] == [404, 404, 404]
    assert "no-such-battle" in read.json()["detail"]


async def test_invalid_labels_are_422_listing_allowed_ones(arena_server: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=arena_server.url) as client:
        battle = (await _generate(client, candidates=2)).json()
        url = f"/api/v1/battles/{battle['id']}/vote"
        bad_winner = await client.post(url, json={"winner": "c"})
        bad_key = await client.post(url, json={"winner": "a", "sub_votes": {"speed": "a"}})
        bad_value = await client.post(url, json={"winner": "a", "sub_votes": {"clarity": "d"}})
        missing = await client.post(url, json={})
        audio = await client.get(f"/api/v1/battles/{battle['id']}/audio/z")
        still_open = (await client.get(f"/api/v1/battles/{battle['id']}")).json()
    assert bad_winner.status_code == 422
    assert bad_winner.json()["allowed"] == ["a", "b", "tie", "all_bad"]
    assert "a, b, tie, all_bad" in bad_winner.json()["detail"]
    assert bad_key.status_code == 422 and bad_key.json()["allowed"] == ["naturalness", "clarity"]
    assert bad_value.status_code == 422 and bad_value.json()["allowed"] == ["a", "b", "tie"]
    assert missing.status_code == 422
    assert audio.status_code == 404
    assert still_open["status"] == "ready"


async def test_second_vote_is_409_and_first_stands(
    arena_server: LiveServer, arena_state: ArenaState
) -> None:
    async with httpx.AsyncClient(base_url=arena_server.url) as client:
        battle = (await _generate(client, candidates=2)).json()
        url = f"/api/v1/battles/{battle['id']}/vote"
        first = await client.post(url, json={"winner": "a"})
        second = await client.post(url, json={"winner": "b"})
        read = (await client.get(f"/api/v1/battles/{battle['id']}")).json()
    assert (first.status_code, second.status_code) == (200, 409)
    assert "first vote stands" in second.json()["detail"]
    assert read["vote"]["winner"] == "a"
    async with arena_state.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Vote)) == 1


async def test_unknown_and_coming_modes(arena_server: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=arena_server.url) as client:
        unknown = await client.post("/api/v1/battles/generate", json={"battle_type": "karaoke"})
        too_many = await _generate(client, candidates=5)
        modes = (await client.get("/api/v1/modes")).json()
    assert unknown.status_code == 422 and "tts" in unknown.json()["allowed"]
    assert too_many.status_code == 422
    assert [m["name"] for m in modes][:4] == ["tts", "stt", "s2s", "agent"]
    assert modes[0] == {"name": "tts", "title": "Text to speech", "live": True}


@pytest.mark.parametrize("registry", [tone_systems()[:1]], indirect=True)
async def test_fewer_than_two_systems_is_503_saying_what_to_install(
    arena_server: LiveServer,
) -> None:
    async with httpx.AsyncClient(base_url=arena_server.url) as client:
        response = await _generate(client)
    assert response.status_code == 503
    detail = response.json()["detail"]
    assert "at least 2" in detail and "apt-get install espeak-ng" in detail


@pytest.mark.parametrize("registry", [tone_systems(broken=1)], indirect=True)
async def test_failing_engine_is_dropped_when_two_remain(
    arena_server: LiveServer, arena_state: ArenaState, caplog: pytest.LogCaptureFixture
) -> None:
    async with httpx.AsyncClient(base_url=arena_server.url) as client:
        battle = (await _generate(client)).json()
    assert battle["status"] == "ready"
    assert [c["label"] for c in battle["candidates"]] == ["a", "b", "c"]
    assert battle["allowed_winners"] == ["a", "b", "c", "tie", "all_bad"]
    broken = tone_systems(broken=1)[-1].id
    assert any(broken in r.getMessage() for r in caplog.records if r.levelname == "WARNING")
    async with arena_state.sessions() as session:
        stored = await session.get(Battle, battle["id"])
        assert stored is not None
        failed = [c for c in stored.candidates if c.status == "failed"]
    assert [(c.system_id, c.label) for c in failed] == [(broken, "d")]
    assert failed[0].error and "always fails" in failed[0].error


@pytest.mark.parametrize("registry", [tone_systems(broken=3)[1:]], indirect=True)
async def test_battle_with_failed_audio_is_stored_failed_and_not_votable(
    arena_server: LiveServer, arena_state: ArenaState
) -> None:
    async with httpx.AsyncClient(base_url=arena_server.url) as client:
        response = await _generate(client)
        assert response.status_code == 502
        async with arena_state.sessions() as session:
            battle_id = (await session.execute(select(Battle.id))).scalar_one()
        vote = await client.post(f"/api/v1/battles/{battle_id}/vote", json={"winner": "tie"})
        read = (await client.get(f"/api/v1/battles/{battle_id}")).json()
    assert vote.status_code == 409 and "failed" in vote.json()["detail"]
    assert read["status"] == "failed" and read["vote"] is None
