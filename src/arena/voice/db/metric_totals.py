"""Per-system metric totals kept current as candidates change: averages without table scans.

A leaderboard shows, per system, the mean of each metric over its ready candidates. Averaging
the JSON `candidates.metrics` column means reading every candidate of the mode (seconds at a
million votes), so `metric_totals` keeps a running (sum, count) per (system, metric) instead.
An ORM `after_flush` listener, registered on every Session when this package is imported,
takes back what a changed candidate contributed before (if it was ready) and adds what it
contributes now (if it is ready), in the flush's own transaction. Numeric values count;
None, text and booleans do not (as SQL's AVG over the JSON value skips them). Candidates
changed by bulk `UPDATE` statements bypass it; `rebuild_metric_totals` recomputes everything.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from sqlalchemy import delete, event, inspect, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, UOWTransaction

from arena.voice.db.models import Candidate, MetricTotal, SystemRow
from arena.voice.db.upsert import upsert_statement

Totals = dict[tuple[str, str], list[float]]  # (system, metric) → [sum, count]


def contribution(status: str | None, metrics: Mapping[str, Any] | None) -> dict[str, float]:
    """The numeric metrics a candidate adds to its system's totals: none unless it is ready."""
    if status != "ready" or not metrics:
        return {}
    return {
        key: float(value)
        for key, value in metrics.items()
        if isinstance(value, int | float) and not isinstance(value, bool)
    }


def _value(candidate: Candidate, name: str, *, before: bool) -> Any:
    """An attribute's value before the flush (loaded thanks to active history) or after it,
    read from its history so that nothing is loaded (no I/O inside a flush)."""
    added, unchanged, deleted = inspect(candidate).attrs[name].history
    values = [*deleted, *unchanged] if before else [*added, *unchanged]
    return values[0] if values else None


def _add(totals: Totals, system_id: str, values: Mapping[str, float], sign: int) -> None:
    for key, value in values.items():
        entry = totals[(system_id, key)]
        entry[0] += sign * value
        entry[1] += sign


def _track(session: Session, _flush: UOWTransaction) -> None:
    totals: Totals = defaultdict(lambda: [0.0, 0])
    # (objects, whether they counted before the flush, whether they count after it)
    for objects, existed, exists in (
        (session.new, False, True),
        (session.dirty, True, True),
        (session.deleted, True, False),
    ):
        for candidate in objects:
            if not isinstance(candidate, Candidate):
                continue
            before = (
                contribution(
                    _value(candidate, "status", before=True),
                    _value(candidate, "metrics", before=True),
                )
                if existed
                else {}
            )
            after = (
                contribution(
                    _value(candidate, "status", before=False),
                    _value(candidate, "metrics", before=False),
                )
                if exists
                else {}
            )
            if before != after:
                _add(totals, candidate.system_id, before, -1)
                _add(totals, candidate.system_id, after, +1)
    rows = [
        {"system_id": system, "metric": key, "total": total, "count": int(count)}
        for (system, key), (total, count) in sorted(totals.items())
        if count or total
    ]
    if rows:
        connection = session.connection()
        connection.execute(
            upsert_statement(
                connection.dialect.name,
                MetricTotal,
                rows,
                keys=("system_id", "metric"),
                set_=lambda excluded: {
                    "total": MetricTotal.total + excluded.total,
                    "count": MetricTotal.count + excluded.count,
                },
            )
        )


event.listen(Session, "after_flush", _track)


async def metric_averages(
    session: AsyncSession, mode: str, metrics: tuple[str, ...]
) -> dict[str, dict[str, float | None]]:
    """Per system of `mode` with ready candidates, the mean of each of `metrics` (None if none)."""
    if not metrics:
        return {}
    stmt = (
        select(MetricTotal.system_id, MetricTotal.metric, MetricTotal.total, MetricTotal.count)
        .join(SystemRow, SystemRow.id == MetricTotal.system_id)
        .where(SystemRow.mode == mode, MetricTotal.metric.in_(metrics))
    )
    averages: dict[str, dict[str, float | None]] = {}
    for system_id, metric, total, count in (await session.execute(stmt)).all():
        row = averages.setdefault(system_id, dict.fromkeys(metrics))
        row[metric] = round(total / count, 4) if count > 0 else None
    return averages


async def rebuild_metric_totals(session: AsyncSession) -> int:
    """Recompute `metric_totals` from every ready candidate (one pass); returns rows written."""
    await session.commit()
    await session.execute(delete(MetricTotal))
    totals: Totals = defaultdict(lambda: [0.0, 0])
    stmt = select(Candidate.system_id, Candidate.status, Candidate.metrics)
    for system_id, status, metrics in (await session.execute(stmt)).all():
        _add(totals, system_id, contribution(status, metrics), +1)
    session.add_all(
        MetricTotal(system_id=system, metric=key, total=total, count=int(count))
        for (system, key), (total, count) in sorted(totals.items())
    )
    await session.commit()
    return len(totals)
