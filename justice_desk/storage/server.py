"""A PostgreSQL server as the province office's database: its URL from the fields a person fills
in (host, port, database, user, TLS mode), the same URL without its password (what may be
remembered), and a first look at what the database holds.

The password is never written anywhere by Justice Desk: it lives in the URL in memory while the
app runs, and the URL remembered between starts has none (``without_password``). An office that
does not want to type it at each start keeps it in libpq's password file (``~/.pgpass``, or the
file ``PGPASSFILE`` names), which libpq reads when the URL has no password (README, "A server
for several officers").
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError

#: TLS modes offered for a server (libpq's ``sslmode``): ``prefer`` uses TLS whenever the
#: server offers it; ``require`` refuses a server without it; ``verify-full`` also checks the
#: server's certificate against ``~/.postgresql/root.crt``.
SSL_MODES = ("prefer", "require", "verify-full")
DEFAULT_PORT = 5432
CONNECT_TIMEOUT_S = 10


def server_url(
    host: str,
    port: int,
    database: str,
    user: str,
    password: str | None = None,
    sslmode: str = "prefer",
) -> str:
    """The SQLAlchemy URL of a server database (psycopg driver), with a connect timeout so a
    wrong host is told in seconds, not minutes."""
    url = URL.create(
        "postgresql+psycopg",
        username=user or None,
        password=password or None,
        host=host or None,
        port=port or None,
        database=database or None,
        query={"sslmode": sslmode, "connect_timeout": str(CONNECT_TIMEOUT_S)},
    )
    return url.render_as_string(hide_password=False)


def without_password(url: str) -> str:
    """The URL with no password in it (what may be shown and remembered). (``URL.set`` keeps
    the password when given ``None``: the tuple's own ``_replace`` drops it.)"""
    return make_url(url)._replace(password=None).render_as_string(hide_password=False)


def with_password(url: str, password: str | None) -> str:
    return make_url(url)._replace(password=password or None).render_as_string(hide_password=False)


@dataclass(frozen=True)
class UrlParts:
    host: str
    port: int
    database: str
    user: str
    sslmode: str


def url_parts(url: str) -> UrlParts:
    """The fields of a server URL, to fill the form again."""
    u = make_url(url)
    mode = u.query.get("sslmode", "prefer")
    return UrlParts(
        host=u.host or "",
        port=int(u.port or DEFAULT_PORT),
        database=u.database or "",
        user=u.username or "",
        sslmode=mode if isinstance(mode, str) else mode[0],
    )


@dataclass(frozen=True)
class ServerLook:
    """What a server database holds: nothing of Justice Desk yet (``revision`` None), or a
    Justice Desk database of this kind and name."""

    revision: str | None
    kind: str | None
    name: str | None


class ServerUnreachable(Exception):
    """The server could not be reached or refused the login; ``password`` says that it asked
    for a password (none given, or a wrong one)."""

    def __init__(self, message: str, *, password: bool) -> None:
        super().__init__(message)
        self.password = password


def look(url: str) -> ServerLook:
    """Connect once and read what the database holds, without changing anything."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            names = set(conn.dialect.get_table_names(conn))
            if "alembic_version" not in names:
                return ServerLook(None, None, None)
            revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            row = None
            if "settings" in names and "sites" in names:
                row = conn.execute(
                    text(
                        "SELECT s.kind, s.name FROM sites s JOIN settings k "
                        "ON k.key = 'site_id' AND CAST(s.id AS TEXT) = k.value"
                    )
                ).first()
            return ServerLook(
                str(revision) if revision else None,
                str(row[0]) if row else None,
                str(row[1]) if row else None,
            )
    except DBAPIError as exc:
        message = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        lowered = message.lower()
        password = "password" in lowered and (
            "authentication failed" in lowered or "no password" in lowered
        )
        raise ServerUnreachable(message, password=password) from exc
    finally:
        engine.dispose()
