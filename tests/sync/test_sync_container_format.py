"""The container layout agrees with docs/sync-format.md; errors keep their contract; layering
holds."""

from __future__ import annotations

import inspect
import subprocess
import sys

import pytest

from justice_desk.errors import UserError
from justice_desk.sync import Kind, container, exceptions, sniff_kind


def test_pack_matches_the_layout_written_in_format_md(raw) -> None:
    members = [("manifest.json", b"{}"), ("signature.ed25519", bytes(64))]
    by_library = container.pack(Kind.ENROLMENT_REQUEST, members)
    by_spec = raw.join([(n.encode(), d) for n, d in members], kind=b"Q")
    assert by_library == by_spec


def test_unpack_reads_a_container_built_from_the_spec(raw) -> None:
    data = raw.join([(b"manifest.json", b"{}"), (b"signature.ed25519", bytes(64))], kind=b"Q")
    unpacked = container.unpack(
        data, Kind.ENROLMENT_REQUEST, {"manifest.json": 100, "signature.ed25519": 64}
    )
    assert unpacked.members == {"manifest.json": b"{}", "signature.ed25519": bytes(64)}
    assert unpacked.version == 1 and unpacked.kind is Kind.ENROLMENT_REQUEST


@pytest.mark.parametrize("name", ["../x", "/x", "a/b", "a\\b", "C:x", ".x", "", "a..b", "é"])
def test_pack_refuses_unsafe_names(name) -> None:
    with pytest.raises((ValueError, UnicodeEncodeError)):
        container.pack(Kind.BUNDLE, [(name, b"")])


def test_pack_refuses_duplicate_names() -> None:
    with pytest.raises(ValueError):
        container.pack(Kind.BUNDLE, [("a", b""), ("a", b"")])


def test_every_kind_has_a_letter_a_label_and_a_suffix() -> None:
    for kind in Kind:
        data = container.pack(kind, [("manifest.json", b"{}")])
        assert sniff_kind(data) is kind
        assert kind.label
        assert container.SUFFIXES[kind].startswith(".jd")
    assert len(set(container.SUFFIXES.values())) == len(Kind)


def test_sniff_kind_on_garbage() -> None:
    assert sniff_kind(b"") is None
    assert sniff_kind(container.MAGIC + b"\x00\x02B\x01") is None  # newer: not sniffed


def _rejection_classes() -> list[type[exceptions.RejectedFileError]]:
    return [
        cls
        for _name, cls in inspect.getmembers(exceptions, inspect.isclass)
        if issubclass(cls, exceptions.RejectedFileError) and cls is not exceptions.RejectedFileError
    ]


def test_reason_codes_are_unique_and_listed() -> None:
    classes = _rejection_classes()
    reasons = [cls.reason for cls in classes]
    assert len(reasons) == len(set(reasons))
    assert set(reasons) == set(exceptions.REJECTION_REASONS)
    required = {
        "empty",
        "truncated",
        "not_a_bundle",
        "bad_container",
        "unsafe_path",
        "too_large",
        "newer_format",
        "unknown_center",
        "unknown_key",
        "revoked_key",
        "bad_signature",
        "digest_mismatch",
        "decrypt_failed",
        "count_mismatch",
    }
    assert required <= set(reasons)


def test_every_refusal_is_a_one_line_user_error() -> None:
    params = dict(
        name="x",
        what="y",
        found="a",
        expected="b",
        site="CJC-1",
        key_id="k",
        recipients="r",
        addressee="z",
        path="/p",
    )
    for cls in _rejection_classes():
        if cls is exceptions.NewerFormatError:
            error = cls("detail", needed=2, supported=1)
        else:
            error = cls("detail", **params)
        assert isinstance(error, UserError)
        assert str(error) and "\n" not in str(error) and "{" not in str(error)
        assert error.detail == "detail"


def test_newer_format_message_names_the_version() -> None:
    error = exceptions.NewerFormatError("x", needed=3, supported=1)
    assert "3" in str(error) and error.needed == 3


def test_missing_placeholder_does_not_crash() -> None:
    assert "{site}" in str(exceptions.UnknownCenterError("no params"))


def test_sync_layer_imports_no_database_and_no_qt() -> None:
    code = (
        "import sys, justice_desk.sync;"
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "('sqlalchemy', 'alembic', 'PySide6', 'shiboken6', 'reportlab')];"
        "print(','.join(bad))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_unpack_accepts_any_bytes_like_input(good_bundle) -> None:
    layout = {
        "manifest.json": 1 << 16,
        "signature.ed25519": 64,
        "recipients.hpke": 800,
        "payload.bin": 1 << 20,
    }
    for data in (bytearray(good_bundle), memoryview(good_bundle)):
        unpacked = container.unpack(data, Kind.BUNDLE, layout)  # type: ignore[arg-type]
        assert all(isinstance(v, bytes) for v in unpacked.members.values())
