"""Storage: SQLAlchemy models, the engine, migrations and repositories for SQLite and PostgreSQL."""
