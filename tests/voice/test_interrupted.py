"""Start-up fails battles whose generation a crash interrupted, and only those."""

from __future__ import annotations

from datetime import timedelta

import httpx

from arena.providers.registry import Registry
from arena.voice.battles.interrupted import INTERRUPTED_AFTER, INTERRUPTED_ERROR
from arena.voice.db.clips import BattleInput
from arena.voice.db.models import Battle, Candidate, utcnow
from arena.voice.state import ArenaState
from tests.conftest import LiveServer

LONG_AGO = utcnow() - INTERRUPTED_AFTER - timedelta(minutes=1)
JUST_NOW = utcnow() - timedelta(seconds=5)


async def _add_battles(state: ArenaState, system_id: str) -> dict[str, str]:
    """One battle per situation, keyed by what it stands for."""
    battles = {
        "tts_stuck": Battle(mode="tts", status="generating", created_at=LONG_AGO),
        "tts_running": Battle(mode="tts", status="generating", created_at=JUST_NOW),
        "tts_ready": Battle(mode="tts", status="ready", created_at=LONG_AGO),
        "stt_stuck": Battle(mode="stt", status="generating", created_at=LONG_AGO),
        "stt_waiting": Battle(mode="stt", status="generating", created_at=LONG_AGO),
        "s2s_stuck": Battle(mode="s2s", status="generating", created_at=LONG_AGO),
        "s2s_running": Battle(mode="s2s", status="generating", created_at=LONG_AGO),
        "agent_talking": Battle(mode="agent", status="generating", created_at=LONG_AGO),
    }
    received = {
        "stt_stuck": LONG_AGO,
        "stt_waiting": None,
        "s2s_stuck": LONG_AGO,
        "s2s_running": JUST_NOW,
    }
    async with state.sessions() as session:
        for key, battle in battles.items():
            battle.candidates = []
            if key.startswith(("stt", "s2s")):
                battle.candidates = [Candidate(label=label, system_id=system_id) for label in "ab"]
            session.add(battle)
        await session.flush()
        for key, at in received.items():
            session.add(BattleInput(battle_id=battles[key].id, received_at=at))
        await session.commit()
        return {key: battle.id for key, battle in battles.items()}


async def test_start_up_fails_only_interrupted_generations(
    arena_state: ArenaState, registry: Registry, arena_server: LiveServer
) -> None:
    system_id = registry.of_mode("tts")[0].id
    ids = await _add_battles(arena_state, system_id)

    await arena_state.prepare(migrate=False, seed=False)

    async with arena_state.sessions() as session:
        battles = {key: await session.get(Battle, battle_id) for key, battle_id in ids.items()}
        status = {key: (b.status, b.error) if b else None for key, b in battles.items()}
        stuck = battles["stt_stuck"]
        assert stuck is not None
        assert {(c.status, c.error) for c in stuck.candidates} == {("failed", INTERRUPTED_ERROR)}
    interrupted = ("failed", INTERRUPTED_ERROR)
    assert {key for key, value in status.items() if value == interrupted} == {
        "tts_stuck",
        "stt_stuck",
        "s2s_stuck",
    }
    assert status["agent_talking"] == ("generating", None)
    assert status["stt_waiting"] == ("generating", None)
    assert status["tts_ready"] == ("ready", None)

    async with httpx.AsyncClient(base_url=arena_server.url) as client:
        voted = await client.post(
            f"/api/v1/battles/{ids['tts_stuck']}/vote", json={"winner": "tie"}
        )
    assert voted.status_code == 409, voted.text
    assert "generation was interrupted" in voted.json()["detail"]
