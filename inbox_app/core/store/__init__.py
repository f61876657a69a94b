"""How data is kept: the engine and sessions, the ORM models and column types, text packing, store settings and the Alembic migrations."""
