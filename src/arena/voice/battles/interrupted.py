"""Failing battles whose generation a crash interrupted, so none stays `generating` forever.

TTS battles generate within the creating request, STT and S2S battles within the request that
gives their input; a battle still `generating` long after that started lost its process. An STT
or S2S battle still waiting for its input is fine, and agent battles stay `generating` while
their conversations are held, so neither is touched.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from arena.voice.db.clips import BattleInput
from arena.voice.db.models import Battle, Candidate, utcnow

# Far beyond the engines' timeouts (ARENA_STT_TIMEOUT 60 s, ARENA_S2S_TIMEOUT 45 s), so a
# generation still running in another server process sharing the database is never failed.
INTERRUPTED_AFTER = timedelta(minutes=10)
INTERRUPTED_ERROR = (
    "generation was interrupted (the server stopped while the systems were working); "
    "start a new battle"
)
# Modes that generate when the battle is created, and those that generate once input arrives.
GENERATE_ON_CREATE = ("tts",)
GENERATE_ON_INPUT = ("stt", "s2s")


async def fail_interrupted(
    session: AsyncSession, *, now: datetime | None = None, after: timedelta = INTERRUPTED_AFTER
) -> list[str]:
    """Mark interrupted battles (and their unfinished candidates) failed; returns their ids."""
    cutoff = (now or utcnow()) - after
    generating = Battle.status == "generating"
    on_create = select(Battle.id).where(
        generating, Battle.mode.in_(GENERATE_ON_CREATE), Battle.created_at < cutoff
    )
    on_input = (
        select(Battle.id)
        .join(BattleInput, BattleInput.battle_id == Battle.id)
        .where(generating, Battle.mode.in_(GENERATE_ON_INPUT), BattleInput.received_at < cutoff)
    )
    ids = [*(await session.scalars(on_create)), *(await session.scalars(on_input))]
    if ids:
        await session.execute(
            update(Battle)
            .where(Battle.id.in_(ids), generating)
            .values(status="failed", error=INTERRUPTED_ERROR)
        )
        await session.execute(
            update(Candidate)
            .where(Candidate.battle_id.in_(ids), Candidate.status == "pending")
            .values(status="failed", error=INTERRUPTED_ERROR)
        )
    await session.commit()
    return ids
