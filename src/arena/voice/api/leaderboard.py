"""`/api/v1/leaderboard`: ratings per mode and dimension."""

from __future__ import annotations

from fastapi import APIRouter

from arena.voice.battles.votes import OVERALL
from arena.voice.deps import BoardsDep, ModesDep, SessionDep
from arena.voice.leaderboard import leaderboard_for
from arena.voice.schemas import LeaderboardPublic

router = APIRouter(prefix="/api/v1", tags=["leaderboard"])


@router.get("/leaderboard", response_model=LeaderboardPublic)
async def read_leaderboard(
    session: SessionDep,
    modes: ModesDep,
    boards: BoardsDep,
    battle_type: str = "tts",
    dimension: str = OVERALL,
) -> LeaderboardPublic:
    """Bradley–Terry ratings with 95% bootstrap intervals for one mode and dimension."""
    return await leaderboard_for(session, boards, modes.get(battle_type), dimension)
