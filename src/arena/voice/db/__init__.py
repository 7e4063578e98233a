"""Storage for the voice arena: SQLAlchemy 2 models, async sessions, Alembic migrations."""
