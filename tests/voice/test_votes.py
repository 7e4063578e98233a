"""Pair outcomes of multi-candidate votes, and the vote rules through the HTTP API."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import httpx
import pytest
from sqlalchemy import delete, select

from arena.core.ratings import PairCounts, leaderboard
from arena.voice.battles.votes import PairOutcome, pair_outcomes, rebuild_pair_counts
from arena.voice.db.models import PairCount, Vote, VoteTotal
from arena.voice.state import ArenaState
from tests.conftest import LiveServer

LABELS = {"a": "sys-c", "b": "sys-a", "c": "sys-b"}


def test_winner_beats_every_other_candidate_and_losers_get_nothing() -> None:
    assert pair_outcomes(LABELS, "a") == [
        PairOutcome("sys-a", "sys-c", 0, 1, 0),
        PairOutcome("sys-b", "sys-c", 0, 1, 0),
    ]
    assert pair_outcomes(LABELS, "b") == [
        PairOutcome("sys-a", "sys-b", 1, 0, 0),
        PairOutcome("sys-a", "sys-c", 1, 0, 0),
    ]


def test_tie_and_all_bad_tie_every_pair() -> None:
    expected = [
        PairOutcome("sys-a", "sys-b", 0, 0, 1),
        PairOutcome("sys-a", "sys-c", 0, 0, 1),
        PairOutcome("sys-b", "sys-c", 0, 0, 1),
    ]
    assert pair_outcomes(LABELS, "tie") == expected
    assert pair_outcomes(LABELS, "all_bad") == expected


async def _generate(client: httpx.AsyncClient, candidates: int = 3) -> dict[str, object]:
    response = await client.post(
        "/api/v1/battles/generate", json={"battle_type": "tts", "candidates": candidates}
    )
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


async def test_vote_stores_vote_and_counts_overall_and_sub_votes(
    arena_server: LiveServer, arena_state: ArenaState
) -> None:
    async with httpx.AsyncClient(base_url=arena_server.url) as client:
        battle = await _generate(client)
        response = await client.post(
            f"/api/v1/battles/{battle['id']}/vote",
            json={"winner": "b", "sub_votes": {"clarity": "tie", "naturalness": "a"}},
        )
    assert response.status_code == 200, response.text
    revealed = response.json()
    systems = {c["label"]: c["reveal"]["system_id"] for c in revealed["candidates"]}
    async with arena_state.sessions() as session:
        vote = (await session.execute(select(Vote))).scalar_one()
        counts = (await session.execute(select(PairCount))).scalars().all()
    assert (vote.winner, vote.sub_votes) == ("b", {"clarity": "tie", "naturalness": "a"})
    by_dimension: dict[str, dict[tuple[str, str], tuple[int, int, int]]] = {}
    for row in counts:
        by_dimension.setdefault(row.dimension, {})[(row.system_a, row.system_b)] = (
            row.wins_a,
            row.wins_b,
            row.ties,
        )
    assert set(by_dimension) == {"overall", "clarity", "naturalness"}
    overall = by_dimension["overall"]
    assert len(overall) == 2  # b beat a and c; nothing recorded between a and c
    for (first, second), (wins_a, wins_b, ties) in overall.items():
        winner = first if wins_a else second
        assert winner == systems["b"] and wins_a + wins_b == 1 and ties == 0
    assert sorted(by_dimension["clarity"].values()) == [(0, 0, 1)] * 3


async def test_leaderboard_moves_after_votes(arena_server: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=arena_server.url) as client:
        empty = (await client.get("/api/v1/leaderboard", params={"battle_type": "tts"})).json()
        assert empty["ratings"] == [] and empty["total_votes"] == 0
        for _ in range(3):
            battle = await _generate(client, candidates=2)
            response = await client.post(
                f"/api/v1/battles/{battle['id']}/vote", json={"winner": "a"}
            )
            assert response.status_code == 200
        board = (await client.get("/api/v1/leaderboard", params={"battle_type": "tts"})).json()
        sub = await client.get(
            "/api/v1/leaderboard", params={"battle_type": "tts", "dimension": "clarity"}
        )
        bad = await client.get(
            "/api/v1/leaderboard", params={"battle_type": "tts", "dimension": "speed"}
        )
    assert board["total_votes"] == 3
    assert board["dimensions"] == ["overall", "naturalness", "clarity"]
    ratings = board["ratings"]
    assert sum(r["votes"] for r in ratings) == 6  # two systems per battle
    assert [r["rank"] for r in ratings] == sorted(r["rank"] for r in ratings)
    for r in ratings:
        assert r["ci_low"] <= r["rating"] <= r["ci_high"]
        assert r["display_name"].startswith(("Tonegen", "Chimeworks", "Bellcraft"))
        assert r["metrics"]["duration_s"] > 0 and r["metrics"]["rtf"] >= 0
    assert sub.status_code == 200 and sub.json()["ratings"] == []
    assert bad.status_code == 422 and bad.json()["allowed"] == board["dimensions"]


async def test_each_vote_updates_the_kept_bootstrap_instead_of_starting_over(
    arena_server: LiveServer, arena_state: ArenaState
) -> None:
    async def vote_and_read(client: httpx.AsyncClient) -> dict[str, Any]:
        battle = await _generate(client, candidates=3)
        voted = await client.post(f"/api/v1/battles/{battle['id']}/vote", json={"winner": "b"})
        assert voted.status_code == 200, voted.text
        board: dict[str, Any] = (
            await client.get("/api/v1/leaderboard", params={"battle_type": "tts"})
        ).json()
        return board

    served: ArenaState = arena_server.app.state.arena
    live = served.boards.get("tts", "overall")
    async with httpx.AsyncClient(base_url=arena_server.url) as client:
        await vote_and_read(client)
        assert live.last_refresh == "rebuilt"
        for _ in range(3):
            board = await vote_and_read(client)
            assert live.last_refresh == "incremental"
    async with arena_state.sessions() as session:
        rows = (
            await session.execute(
                select(PairCount).where(PairCount.mode == "tts", PairCount.dimension == "overall")
            )
        ).scalars()
        counts = PairCounts.from_rows(
            (r.system_a, r.system_b, r.wins_a, r.wins_b, r.ties) for r in rows
        )
    fresh = {row.system: row for row in leaderboard(counts, bootstrap_rounds=0)}
    assert board["total_votes"] == 4
    for rating in board["ratings"]:
        assert rating["rating"] == pytest.approx(fresh[rating["system_id"]].rating, abs=1e-6)
        assert rating["ci_low"] <= rating["rating"] <= rating["ci_high"]


async def test_rebuild_derives_the_same_pair_counts_from_votes(
    arena_server: LiveServer, arena_state: ArenaState
) -> None:
    async with httpx.AsyncClient(base_url=arena_server.url) as client:
        for winner, sub in (("a", {}), ("tie", {"clarity": "b"}), ("all_bad", {}), ("c", {})):
            battle = await _generate(client)
            response = await client.post(
                f"/api/v1/battles/{battle['id']}/vote", json={"winner": winner, "sub_votes": sub}
            )
            assert response.status_code == 200

    def snapshot(rows: Sequence[PairCount]) -> list[tuple[str, str, str, str, int, int, int]]:
        return sorted(
            (r.mode, r.dimension, r.system_a, r.system_b, r.wins_a, r.wins_b, r.ties) for r in rows
        )

    async with arena_state.sessions() as session:
        live = snapshot((await session.execute(select(PairCount))).scalars().all())
        totals = (await session.execute(select(VoteTotal.mode, VoteTotal.votes))).all()
        await session.execute(delete(PairCount).where(PairCount.dimension == "overall"))
        await session.execute(delete(VoteTotal))
        await session.commit()
        replayed = await rebuild_pair_counts(session, arena_state.modes)
        rebuilt = snapshot((await session.execute(select(PairCount))).scalars().all())
        rebuilt_totals = (await session.execute(select(VoteTotal.mode, VoteTotal.votes))).all()
    assert replayed == (4, len(live))
    assert rebuilt == live
    assert [tuple(t) for t in totals] == [tuple(t) for t in rebuilt_totals] == [("tts", 4)]
