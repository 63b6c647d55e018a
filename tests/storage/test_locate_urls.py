"""How a ``--db`` value becomes a database target: a server URL as an office types it runs on
the driver the app ships, whatever SQLAlchemy's own default for a bare ``postgresql://`` is."""

from __future__ import annotations

from sqlalchemy.engine import make_url

from justice_desk.storage.locate import resolve_target


def test_a_bare_postgresql_url_uses_psycopg_3() -> None:
    for typed in (
        "postgresql://officer:secret@db.example:5433/province?sslmode=require",
        "postgres://officer:secret@db.example:5433/province?sslmode=require",
    ):
        url = make_url(resolve_target(typed).url)
        assert url.drivername == "postgresql+psycopg"
        assert (url.username, url.password, url.host, url.port, url.database) == (
            "officer",
            "secret",
            "db.example",
            5433,
            "province",
        )
        assert url.query == {"sslmode": "require"}


def test_a_url_naming_its_driver_is_kept() -> None:
    typed = "postgresql+psycopg://officer@localhost/province"
    assert resolve_target(typed).url == typed
