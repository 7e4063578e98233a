"""Storage for the voice arena: SQLAlchemy 2 models, async sessions, Alembic migrations."""

from arena.voice.db import metric_totals as metric_totals  # registers the metric-totals listener
