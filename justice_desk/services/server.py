"""Connecting to the province office's PostgreSQL server from the first-run dialog (README, "A
server for several officers").

A person fills in the host, port, database, user and TLS mode the office's administrator gave,
and the password (or none, when libpq's password file holds it). ``connect`` checks the fields,
connects once and says what the database holds: nothing yet (the office is set up on it), or a
Justice Desk database to open. The password stays in the URL in memory; what is remembered
between starts is ``display`` (no password), and the next start asks for it again unless the
password file answers.
"""

from __future__ import annotations

from dataclasses import dataclass

from justice_desk.errors import DatabaseError, ValidationError
from justice_desk.i18n import _
from justice_desk.storage import server
from justice_desk.storage.database import Database
from justice_desk.storage.schema import KNOWN_REVISIONS

SSL_MODES = server.SSL_MODES
DEFAULT_PORT = server.DEFAULT_PORT
UrlParts = server.UrlParts


@dataclass(frozen=True)
class ServerState:
    """A server database reached with the details given."""

    url: str  #: with the password, if one was typed: keep it in memory only
    display: str  #: the same without the password: what may be shown and remembered
    kind: str | None  #: "province" or "center"; None while nothing is set up on it
    name: str | None

    @property
    def empty(self) -> bool:
        return self.kind is None


class ServerLoginError(DatabaseError):
    """The server was not reached or refused the login; ``field`` is the one to correct."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


def connect(
    host: str,
    port: int,
    database: str,
    user: str,
    password: str | None = None,
    sslmode: str = "prefer",
) -> ServerState:
    """Check the fields, connect once, and say what the database holds. Nothing is written."""
    host, database, user = host.strip(), database.strip(), user.strip()
    for field, value, message in (
        ("host", host, _("Type the server's name or address (ask the office's administrator).")),
        ("database", database, _("Type the name of the database on the server.")),
        ("user", user, _("Type the user name the server knows you by.")),
    ):
        if not value:
            raise ValidationError(message, field)
    if not 0 < port < 65536:
        raise ValidationError(_("The port is a number from 1 to 65535 (usually 5432)."), "port")
    if sslmode not in SSL_MODES:
        raise ValidationError(
            _("Choose a TLS mode: {modes}.").format(modes=", ".join(SSL_MODES)), "sslmode"
        )
    url = server.server_url(host, port, database, user, password, sslmode)
    display = server.without_password(url)
    try:
        look = server.look(url)
    except server.ServerUnreachable as exc:
        if exc.password:
            raise ServerLoginError(
                _(
                    "The server asks for the password of {user}: type it (it is not kept), or "
                    "keep it in the password file (.pgpass) as the README says. ({error})"
                ).format(user=user, error=exc),
                "password",
            ) from exc
        raise ServerLoginError(
            _(
                "Cannot connect to {server}: {error}. Check the name, the port and the "
                "database with the office's administrator."
            ).format(server=f"{host}:{port}/{database}", error=exc),
            "host",
        ) from exc
    if look.revision is not None and look.revision not in KNOWN_REVISIONS:
        raise ServerLoginError(
            _(
                "The database on the server was written by a newer Justice Desk (schema "
                "{schema}): install the newer version on this computer first."
            ).format(schema=look.revision),
            "database",
        )
    if look.revision is not None and look.kind is None:
        raise ServerLoginError(
            _(
                "The database {database} on the server is not a Justice Desk database of a site "
                "(it has no site record). Choose another database."
            ).format(database=database),
            "database",
        )
    return ServerState(url, display, look.kind, look.name)


def set_up_province(
    state: ServerState, province: str, *, passphrase: str | None = None
) -> Database:
    """Set up the Provincial Justice Office on an empty server database."""
    from justice_desk.services import setup

    if not state.empty:
        raise ValidationError(
            _("The database on the server is already set up: open it instead."), "database"
        )
    if not province.strip():
        raise ValidationError(_("The province is required."), "province")
    return setup.init_province(state.url, province=province.strip(), passphrase=passphrase)


def url_parts(url: str) -> UrlParts:
    """The fields of a remembered server, to fill the form again (the password left empty)."""
    return server.url_parts(url)


def with_password(url: str, password: str | None) -> str:
    return server.with_password(url, password)


def without_password(url: str) -> str:
    """The URL with no password in it: what may be shown and remembered."""
    return server.without_password(url)
