"""Why a sync file was refused, as exceptions with a stable machine-readable ``reason``.

Every refusal is a :class:`~justice_desk.errors.UserError`, so the GUI and the command line show
``str(error)`` (translated, one line) without knowing about sync. The importer writes ``reason``
(stable, English, never translated) and ``detail`` (technical, English, for the import log and
support) into its append-only import log; the receipt sent back to the center carries ``reason``
so the center can translate it into its own language.

Templates are marked with ``N_()`` at import time and translated when the exception is raised,
so the message follows the language in force at that moment.
"""

from __future__ import annotations

from typing import ClassVar

from justice_desk.errors import UserError
from justice_desk.i18n import N_, _


class _SafeParams(dict[str, object]):
    """Placeholders a translator misspelt show as ``{name}`` instead of crashing the import."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


class SyncError(UserError):
    """Base of every sync-layer error; ``reason`` is stable and safe to store or compare."""

    reason: ClassVar[str] = "sync_error"
    template: ClassVar[str] = N_("The sync file cannot be used.")

    def __init__(self, detail: str = "", **params: object) -> None:
        safe = _SafeParams(params)
        try:
            message = _(self.template).format_map(safe)
        except (ValueError, IndexError):
            # A broken translation (stray brace) must not hide the refusal itself.
            message = self.template.format_map(safe)
        super().__init__(message)
        self.detail = detail
        self.params = dict(params)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(reason={self.reason!r}, detail={self.detail!r})"


# --- refusals of a file (bundle, receipt, enrolment, rotation, revocation) -------------------


class RejectedFileError(SyncError):
    """A sync file was refused; nothing from it may be imported."""

    reason = "rejected"
    template = N_("The sync file was refused.")


class EmptyFileError(RejectedFileError):
    reason = "empty"
    template = N_("The file is empty. Copy it again from the computer that made it.")


class TruncatedFileError(RejectedFileError):
    reason = "truncated"
    template = N_(
        "The file is incomplete (it was cut off while copying). "
        "Copy it again from the computer that made it."
    )


class NotABundleError(RejectedFileError):
    reason = "not_a_bundle"
    template = N_("This is not a Justice Desk sync file.")


class DamagedFileError(RejectedFileError):
    """The whole-file checksum does not match: damage in transit, not (necessarily) tampering."""

    reason = "damaged"
    template = N_(
        "The file is damaged (its checksum does not match). "
        "Copy it again from the computer that made it."
    )


class BadContainerError(RejectedFileError):
    reason = "bad_container"
    template = N_(
        "The file's structure is not valid: it was not made by Justice Desk, or it was altered."
    )


class UnsafePathError(RejectedFileError):
    reason = "unsafe_path"
    template = N_("The file contains an unsafe member name ({name}) and was refused.")


class NotAFileError(RejectedFileError):
    """A folder, named pipe, device or socket where a file was expected: never read."""

    reason = "not_a_file"
    template = N_(
        "This is not a file but a folder, a device or a pipe; it was not read. "
        "Choose the sync file itself."
    )


class TooLargeError(RejectedFileError):
    reason = "too_large"
    template = N_("The file is larger than this program will open safely ({what}).")


class NewerFormatError(RejectedFileError):
    """Made by a newer version; ``needed`` is the format version a reader must understand."""

    reason = "newer_format"
    template = N_(
        "This file was made by a newer version of Justice Desk: it uses file format {needed}, "
        "and this version reads format {supported} or older. Install a version of Justice Desk "
        "that reads format {needed}."
    )

    def __init__(self, detail: str = "", *, needed: int, supported: int) -> None:
        super().__init__(detail, needed=needed, supported=supported)
        self.needed = needed
        self.supported = supported


class WrongKindError(RejectedFileError):
    reason = "wrong_kind"
    template = N_("This is a {found} file, not a {expected} file.")


class UnknownCenterError(RejectedFileError):
    reason = "unknown_center"
    template = N_("The file comes from {site}, which is not enrolled here.")


class UnknownKeyError(RejectedFileError):
    reason = "unknown_key"
    template = N_(
        "The file from {site} was signed with key {key_id}, which is not enrolled here. "
        "If {site} made new keys, import its key change statement first."
    )


class RevokedKeyError(RejectedFileError):
    reason = "revoked_key"
    template = N_("The file from {site} was signed with key {key_id}, which has been revoked.")


class BadSignatureError(RejectedFileError):
    reason = "bad_signature"
    template = N_(
        "The file's signature is not valid: it was changed after signing, "
        "or signed with a different key."
    )


class DigestMismatchError(RejectedFileError):
    reason = "digest_mismatch"
    template = N_(
        "The file's content does not match its signed manifest: "
        "it was altered or mixed with another file."
    )


class WrongRecipientError(RejectedFileError):
    reason = "wrong_recipient"
    template = N_("This file is sealed for other keys ({recipients}), not for the keys here.")


class DecryptFailedError(RejectedFileError):
    reason = "decrypt_failed"
    template = N_(
        "The file cannot be decrypted with the key here: it was altered, "
        "re-signed by someone else, or sealed for another key."
    )


class BadPayloadError(RejectedFileError):
    reason = "bad_payload"
    template = N_("The file's content is not valid after decryption.")


class CountMismatchError(RejectedFileError):
    reason = "count_mismatch"
    template = N_("The records in the file do not match the counts in its manifest.")


class WrongAddresseeError(RejectedFileError):
    reason = "wrong_center"
    template = N_("This file is addressed to {addressee}, not to {site}.")


class FingerprintMismatchError(RejectedFileError):
    reason = "fingerprint_mismatch"
    template = N_(
        "The key fingerprint in the file ({found}) is not the one confirmed by phone "
        "({expected}). Do not use this file; call the sender."
    )


# --- private key files ----------------------------------------------------------------------


class KeyFileError(SyncError):
    reason = "bad_key_file"
    template = N_(
        "The key file {path} cannot be read: it is damaged or not a Justice Desk key file."
    )


class PassphraseRequiredError(KeyFileError):
    reason = "passphrase_required"
    template = N_("The key file {path} is protected by a passphrase. Enter the passphrase.")


class WrongPassphraseError(KeyFileError):
    reason = "wrong_passphrase"
    template = N_("The passphrase for the key file {path} is not correct.")


class KeyFileExistsError(KeyFileError):
    reason = "key_file_exists"
    template = N_(
        "A key file already exists at {path}. It was kept; "
        "move it away first if you really mean to replace it."
    )


class FileExistsSyncError(SyncError):
    reason = "file_exists"
    template = N_("The file {path} already exists and was not overwritten.")


#: Every reason code a refusal can carry, for import logs and receipts.
REJECTION_REASONS: frozenset[str] = frozenset(
    cls.reason
    for cls in (
        EmptyFileError,
        TruncatedFileError,
        NotABundleError,
        DamagedFileError,
        BadContainerError,
        UnsafePathError,
        NotAFileError,
        TooLargeError,
        NewerFormatError,
        WrongKindError,
        UnknownCenterError,
        UnknownKeyError,
        RevokedKeyError,
        BadSignatureError,
        DigestMismatchError,
        WrongRecipientError,
        DecryptFailedError,
        BadPayloadError,
        CountMismatchError,
        WrongAddresseeError,
        FingerprintMismatchError,
    )
)
