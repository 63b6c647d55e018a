"""The only layer that speaks SQL: engine, ORM classes, migrations, backup, search."""
