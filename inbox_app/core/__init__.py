"""Domain and services: plain Python and SQLAlchemy. Never imports Qt."""
