"""Server-rendered pages: tabs come from the mode registry; the voter cookie reaches the vote."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from arena.voice.db.models import Vote
from arena.voice.deps import VOTER_COOKIE
from arena.voice.state import ArenaState
from tests.conftest import LiveServer


async def test_pages_render_with_data_driven_tabs(arena_server: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=arena_server.url) as client:
        home = await client.get("/")
        redirect = await client.get("/battle")
        tts = await client.get("/battle/tts")
        stt = await client.get("/battle/stt")
        unknown = await client.get("/battle/karaoke")
        board = await client.get("/leaderboard?battle_type=tts")
        coming_board = await client.get("/leaderboard?battle_type=agent")
        static = await client.get("/static/tts.js")
    assert home.status_code == 200 and "Start a TTS battle" in home.text
    assert redirect.status_code == 307 and redirect.headers["location"] == "/battle/tts"
    assert 'id="tts-battle"' in tts.text and "/static/tts.js" in tts.text
    assert tts.text.count('class="badge">coming') == 3  # stt, s2s, agent are not live here
    assert "Speech to text battles are coming" in stt.text and "tts-battle" not in stt.text
    assert unknown.status_code == 307
    assert "No votes yet" in board.text
    assert "This mode is coming" in coming_board.text
    assert static.status_code == 200 and "javascript" in static.headers["content-type"]
    assert VOTER_COOKIE in home.cookies


async def test_vote_records_the_voter_cookie(
    arena_server: LiveServer, arena_state: ArenaState
) -> None:
    async with httpx.AsyncClient(base_url=arena_server.url) as client:
        await client.get("/battle/tts")
        voter = client.cookies[VOTER_COOKIE]
        battle = (await client.post("/api/v1/battles/generate", json={"candidates": 2})).json()
        voted = await client.post(f"/api/v1/battles/{battle['id']}/vote", json={"winner": "b"})
    assert voted.status_code == 200
    async with arena_state.sessions() as session:
        vote = (await session.execute(select(Vote))).scalar_one()
    assert vote.voter_session == voter
