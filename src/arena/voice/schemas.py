"""What the voice arena API accepts and returns; one schema family per entity."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class BattleGenerate(BaseModel):
    """`POST /api/v1/battles/generate`; modes may read extra fields they document."""

    model_config = ConfigDict(extra="allow")

    battle_type: str = "tts"
    candidates: int | None = Field(default=None, ge=2, le=4)


class PromptPublic(BaseModel):
    id: str
    category: str
    text: str


class CandidateReveal(BaseModel):
    """Who a label was, shown only after the vote."""

    system_id: str
    display_name: str
    provider: str
    config: dict[str, Any] = {}
    metrics: dict[str, Any] = {}


class CandidatePublic(BaseModel):
    """One label of a battle: blinded before the vote (`reveal` is null), revealed after."""

    label: str
    audio_url: str | None = None
    duration_s: float | None = None
    transcript: str | None = None
    reveal: CandidateReveal | None = None


class VotePublic(BaseModel):
    winner: str
    sub_votes: dict[str, str] = {}


class BattlePublic(BaseModel):
    """A battle as a client sees it; `details` carries mode-specific public data."""

    id: str
    battle_type: str
    status: str
    prompt: PromptPublic | None = None
    candidates: list[CandidatePublic]
    allowed_winners: list[str]
    sub_votes: dict[str, str] = Field(
        default={}, description="Sub-vote key → question shown to the voter."
    )
    vote: VotePublic | None = None
    details: dict[str, Any] = {}


class VoteIn(BaseModel):
    """`POST /api/v1/battles/{id}/vote`."""

    winner: str
    sub_votes: dict[str, str] = {}


class RatingPublic(BaseModel):
    system_id: str
    display_name: str
    provider: str
    rating: float
    ci_low: float
    ci_high: float
    rank: int
    votes: int
    wins: float
    losses: float
    ties: float
    win_rate: float
    preliminary: bool
    metrics: dict[str, float | None] = {}


class LeaderboardPublic(BaseModel):
    battle_type: str
    dimension: str
    dimensions: list[str]
    total_votes: int
    ratings: list[RatingPublic]


class SystemPublic(BaseModel):
    id: str
    mode: str
    display_name: str
    provider: str
    available: bool
    reason: str = ""


class ModePublic(BaseModel):
    name: str
    title: str
    live: bool
