"""Metric totals stay equal to a scan of the candidates through every kind of change."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from arena.voice.db.metric_totals import contribution, metric_averages, rebuild_metric_totals
from arena.voice.db.migrate import upgrade
from arena.voice.db.models import Battle, Candidate, MetricTotal, SystemRow
from arena.voice.db.session import make_engine, make_sessionmaker
from arena.voice.state import ArenaState

SYSTEMS = ("tonegen/alto", "tonegen/bass", "chimeworks/soprano")


async def _scan(session: AsyncSession) -> dict[tuple[str, str], tuple[float, int]]:
    """The totals as a plain scan of every ready candidate computes them."""
    totals: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0])
    for system, status, metrics in await session.execute(
        select(Candidate.system_id, Candidate.status, Candidate.metrics)
    ):
        for key, value in contribution(status, metrics).items():
            totals[(system, key)][0] += value
            totals[(system, key)][1] += 1
    return {key: (round(t, 9), int(n)) for key, (t, n) in totals.items()}


async def _kept(session: AsyncSession) -> dict[tuple[str, str], tuple[float, int]]:
    rows = await session.execute(select(MetricTotal))
    return {
        (r.system_id, r.metric): (round(r.total, 9), r.count)
        for r in rows.scalars()
        if r.count or r.total
    }


def _battle(index: int, metrics: list[dict[str, Any]], statuses: list[str]) -> Battle:
    return Battle(
        mode="tts",
        status="ready",
        candidates=[
            Candidate(label="abc"[i], system_id=SYSTEMS[i], status=status, metrics=values)
            for i, (values, status) in enumerate(zip(metrics, statuses, strict=True))
        ],
    )


async def test_totals_follow_inserts_updates_status_changes_and_deletes(
    arena_state: ArenaState,
) -> None:
    async with arena_state.sessions() as session:
        session.add_all(
            [
                _battle(
                    0,
                    [{"rtf": 0.5, "duration_s": 2}, {"rtf": 0.25, "note": "x"}, {"rtf": None}],
                    ["ready", "ready", "failed"],
                ),
                _battle(1, [{"rtf": 1.5}, {"rtf": True}, {"rtf": 2.0}], ["ready"] * 3),
            ]
        )
        await session.commit()
        assert await _kept(session) == await _scan(session)

        candidates = list((await session.execute(select(Candidate))).scalars())
        failed = next(c for c in candidates if c.status == "failed")
        failed.status, failed.metrics = "ready", {"rtf": 3.0}  # a late success
        first = next(c for c in candidates if c.metrics.get("rtf") == 0.5)
        first.metrics = {**first.metrics, "rtf": 0.75, "wer": 0.1}  # an evaluation adds keys
        await session.commit()
        assert await _kept(session) == await _scan(session)

        first.status = "failed"
        await session.commit()
        await session.delete(next(c for c in candidates if c.metrics.get("rtf") == 2.0))
        await session.commit()
        assert await _kept(session) == await _scan(session)

        averages = await metric_averages(session, "tts", ("rtf", "duration_s"))
        assert averages["tonegen/bass"] == {"rtf": 0.25, "duration_s": None}
        assert averages["chimeworks/soprano"] == {"rtf": 3.0, "duration_s": None}
        assert "tonegen/alto" in averages

        await session.execute(delete(MetricTotal))
        await session.commit()
        assert await rebuild_metric_totals(session) == len(await _scan(session))
        assert await _kept(session) == await _scan(session)


async def test_a_candidate_changed_in_a_later_session_takes_back_its_old_values(
    arena_state: ArenaState,
) -> None:
    async with arena_state.sessions() as session:
        session.add(_battle(0, [{"rtf": 1.0}, {"rtf": 2.0}, {"rtf": 3.0}], ["ready"] * 3))
        await session.commit()
    async with arena_state.sessions() as session:
        candidate = await session.scalar(select(Candidate).where(Candidate.label == "a"))
        assert candidate is not None
        candidate.metrics = {"rtf": 10.0}
        await session.commit()
        assert await _kept(session) == await _scan(session)


async def test_the_migration_backfills_totals_from_existing_candidates(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        await upgrade(engine, "0001_foundation")
        async with engine.begin() as connection:
            await connection.execute(
                insert(SystemRow.__table__),
                [
                    {"id": s, "mode": "tts", "display_name": s, "provider": "p", "config": {}}
                    for s in SYSTEMS
                ],
            )
            await connection.execute(
                insert(Battle.__table__), [{"id": "b1", "mode": "tts", "status": "voted"}]
            )
            await connection.execute(
                insert(Candidate.__table__),
                [
                    {"id": "c1", "battle_id": "b1", "label": "a", "system_id": SYSTEMS[0],
                     "status": "ready", "metrics": {"rtf": 0.5, "label": "x"}},
                    {"id": "c2", "battle_id": "b1", "label": "b", "system_id": SYSTEMS[1],
                     "status": "failed", "metrics": {"rtf": 9.0}},
                    {"id": "c3", "battle_id": "b1", "label": "c", "system_id": SYSTEMS[0],
                     "status": "ready", "metrics": {"rtf": 1.5, "ok": True}},
                ],
            )  # fmt: skip
        await upgrade(engine)
        async with make_sessionmaker(engine)() as session:
            assert await _kept(session) == {(SYSTEMS[0], "rtf"): (2.0, 2)}
            assert await _kept(session) == await _scan(session)
    finally:
        await engine.dispose()
