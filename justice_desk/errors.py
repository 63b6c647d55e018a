"""Errors a person can act on.

Every error that reaches a person is a :class:`UserError`: its message is already translated
(built with ``_()`` at raise time) and says what to do next. Anything else that escapes is a
bug; the GUI shows a generic dialog and logs it, the command line prints one line and exits 1.
"""

from __future__ import annotations


class UserError(Exception):
    """A problem the user can fix; ``str(error)`` is the translated, one-line message."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ValidationError(UserError):
    """Input that breaks a rule; ``field`` names the offending field when there is one."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotFoundError(UserError):
    """A record named by the user does not exist (or was deleted)."""


class NotAllowed(UserError):
    """The person signed in may not do this (their role does not allow it, or the record is
    not one of theirs); nothing was changed. ``permission`` names what was missing."""

    def __init__(self, message: str, permission: str | None = None) -> None:
        super().__init__(message)
        self.permission = permission


class SignInFailed(UserError):
    """A login name and password that do not match an enabled account (or an attempt made
    too soon after several wrong ones: ``wait_seconds``)."""

    def __init__(self, message: str, wait_seconds: int = 0) -> None:
        super().__init__(message)
        self.wait_seconds = wait_seconds


class DatabaseError(UserError):
    """The database cannot be opened or used as it is; the file has been left untouched."""


class NewerDatabaseError(DatabaseError):
    """The database was written by a newer version of the app."""


class NotADatabaseError(DatabaseError):
    """The file is not a Justice Desk database, or it is damaged."""


class DatabaseBusyError(DatabaseError):
    """Another program holds the database for longer than we are willing to wait."""


class DatabaseInUseError(DatabaseError):
    """Another copy of the app already has this database open."""


class DatabaseReadOnlyError(DatabaseError):
    """The database file, or the folder it is in, cannot be written (a read-only file, a CD, a
    write-protected stick, missing permissions): nothing could be saved, nothing was damaged."""


class DiskFullError(DatabaseError):
    """The disk holding the database is full (or the user's quota is used up): the change that
    did not fit was rolled back."""


class DataIntegrityError(DatabaseError):
    """A write broke a database constraint (for example a record whose parent is missing); the
    whole transaction was rolled back."""


class Cancelled(Exception):
    """Raised inside long work when the user pressed Cancel; not an error to report."""
