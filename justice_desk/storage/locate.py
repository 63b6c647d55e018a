"""Where a database is, and a quick read-only look at whose it is, without SQLAlchemy.

The desktop app shows its window (title, navigation, the center's name) from this look while
the storage layer is still being imported and the database opened properly in the background.
Nothing here writes: a file that cannot be read this way simply gives no answer, and the real
opening (``storage.database.open_database``) explains what is wrong with it.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path

from justice_desk import paths


@dataclass(frozen=True)
class Target:
    """Where a database lives: a SQLAlchemy URL, and the file path when it is SQLite."""

    url: str
    path: Path | None

    @property
    def display(self) -> str:
        if self.path is not None:
            return str(self.path)
        from sqlalchemy.engine import make_url

        return make_url(self.url).render_as_string(hide_password=True)


def resolve_target(db: str | os.PathLike[str] | None = None) -> Target:
    """``--db`` argument, else ``JUSTICE_DESK_DB``, else the default file in the data folder.

    A value containing ``://`` is a SQLAlchemy URL (``postgresql+psycopg://...``).
    """
    value = str(db) if db else os.environ.get("JUSTICE_DESK_DB") or str(paths.default_database())
    if "://" in value:
        from sqlalchemy.engine import make_url

        url = make_url(value)
        if url.get_backend_name() == "sqlite" and url.database:
            return Target(value, Path(url.database).expanduser().resolve())
        if url.drivername in ("postgresql", "postgres"):
            # As an office types it: the driver the app ships (psycopg 3). SQLAlchemy before
            # 2.1 would pick psycopg2 for a bare ``postgresql://``, which is not installed.
            value = url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
        return Target(value, None)
    path = Path(value).expanduser().resolve()
    return Target(f"sqlite:///{path}", path)


@dataclass(frozen=True)
class SiteGlance:
    """What the window needs before the database is open: whose it is and what kind."""

    name: str
    kind: str  # SiteKind value: "center" or "province"
    demo: bool


def glance(target: Target) -> SiteGlance | None:
    """The site a SQLite database belongs to, read with the standard library in read-only
    mode; ``None`` when that cannot be told (no file, not ours, a server database)."""
    if target.path is None or not target.path.is_file():
        return None
    try:
        conn = sqlite3.connect(f"{target.path.as_uri()}?mode=ro", uri=True, timeout=1)
    except sqlite3.Error:
        return None
    try:
        settings = dict(
            conn.execute(
                "SELECT key, value FROM settings WHERE key IN ('site_id', 'demo')"
            ).fetchall()
        )
        site_id = uuid.UUID(settings["site_id"])
        row = conn.execute("SELECT name, kind FROM sites WHERE id = ?", (site_id.hex,)).fetchone()
    except (sqlite3.Error, KeyError, ValueError):
        return None
    finally:
        conn.close()
    if row is None:
        return None
    return SiteGlance(name=str(row[0]), kind=str(row[1]), demo=settings.get("demo") == "1")
