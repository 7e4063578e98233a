"""200 concurrent duplicate votes on one battle: one vote stored, pair counts bumped once."""

from __future__ import annotations

import asyncio
from collections import Counter

import httpx
from sqlalchemy import func, select

from arena.voice.db.models import PairCount, Vote
from arena.voice.state import ArenaState
from tests.conftest import LiveServer

VOTERS = 200


async def test_concurrent_duplicate_votes_store_one_vote(
    arena_server: LiveServer, arena_state: ArenaState
) -> None:
    async with httpx.AsyncClient(base_url=arena_server.url, timeout=120) as client:
        battle = (
            await client.post(
                "/api/v1/battles/generate", json={"battle_type": "tts", "candidates": 3}
            )
        ).json()
    url = f"/api/v1/battles/{battle['id']}/vote"
    # Voters on fresh connections: none may reuse a kept-alive one the server is about to close
    # (on a loaded machine its keep-alive timer can fire before it reads the next request).
    limits = httpx.Limits(max_connections=VOTERS, max_keepalive_connections=VOTERS)
    async with httpx.AsyncClient(base_url=arena_server.url, limits=limits, timeout=120) as client:
        winners = ["a", "b", "c", "tie"]
        responses = await asyncio.gather(
            *(
                client.post(url, json={"winner": winners[i % 4], "sub_votes": {"clarity": "a"}})
                for i in range(VOTERS)
            )
        )
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {200: 1, 409: VOTERS - 1}, statuses
    accepted = next(r for r in responses if r.status_code == 200).json()
    async with arena_state.sessions() as session:
        votes = (await session.execute(select(Vote))).scalars().all()
        total = await session.scalar(
            select(func.sum(PairCount.wins_a + PairCount.wins_b + PairCount.ties))
        )
        per_dimension = dict(
            (
                await session.execute(
                    select(PairCount.dimension, func.count()).group_by(PairCount.dimension)
                )
            ).all()
        )
    assert len(votes) == 1 and votes[0].winner == accepted["vote"]["winner"]
    # One vote over 3 candidates: overall gives 2 (label winner) or 3 (tie) pair outcomes,
    # and clarity (a wins) gives 2.
    expected_overall = 3 if votes[0].winner == "tie" else 2
    assert total == expected_overall + 2
    assert per_dimension == {"overall": expected_overall, "clarity": 2}
