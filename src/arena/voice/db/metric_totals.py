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

from arena.voice.db.models import Battle, Candidate, MetricTotal, SystemRow
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


def _before_and_after(candidate: Candidate, is_new: bool) -> tuple[dict[str, float], ...]:
    state = inspect(candidate)
    values = []
    for when in ("before", "after"):
        status_and_metrics = []
        for name in ("status", "metrics"):
            added, unchanged, deleted = state.attrs[name].history
            if when == "after":
                current = [*added, *unchanged]
                status_and_metrics.append(current[0] if current else None)
            elif not is_new:
                previous = [*deleted, *unchanged]
                status_and_metrics.append(previous[0] if previous else None)
            else:
                status_and_metrics.append(None)
        values.append(contribution(*status_and_metrics))
    return tuple(values)


def _track(session: Session, _flush: UOWTransaction) -> None:
    totals: Totals = defaultdict(lambda: [0.0, 0])
    changed = [(True, session.new), (False, session.dirty), (False, session.deleted)]
    for is_new, objects in changed:
        for candidate in objects:
            if not isinstance(candidate, Candidate):
                continue
            before, after = _before_and_after(candidate, is_new)
            if candidate in session.deleted:
                after = {}
            if before == after:
                continue
            for key, value in before.items():
                entry = totals[(candidate.system_id, key)]
                entry[0] -= value
                entry[1] -= 1
            for key, value in after.items():
                entry = totals[(candidate.system_id, key)]
                entry[0] += value
                entry[1] += 1
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
    stmt = select(Candidate.system_id, Candidate.status, Candidate.metrics).join(Battle)
    for system_id, status, metrics in (await session.execute(stmt)).all():
        for key, value in contribution(status, metrics).items():
            entry = totals[(system_id, key)]
            entry[0] += value
            entry[1] += 1
    session.add_all(
        MetricTotal(system_id=system, metric=key, total=total, count=int(count))
        for (system, key), (total, count) in sorted(totals.items())
    )
    await session.commit()
    return len(totals)
