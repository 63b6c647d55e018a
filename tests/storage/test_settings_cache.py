"""The settings cache never outlives a write (found as a flaky GUI test: the window's background
start-up work read the settings while Settings → Printed documents was being saved)."""

from __future__ import annotations


def test_a_read_during_a_write_does_not_keep_the_old_value(center_db) -> None:
    with center_db.write() as session:
        center_db.put_settings(session, {"document_digits": "arabic"})
        # Another reader (a background job) looks before the write is committed and caches
        # what it sees: the value before.
        assert center_db.setting("document_digits") in (None, "")
    assert center_db.setting("document_digits") == "arabic"


def test_a_rolled_back_write_leaves_the_cache_right(center_db) -> None:
    before = center_db.setting("document_digits")
    try:
        with center_db.write() as session:
            center_db.put_settings(session, {"document_digits": "thai"})
            raise RuntimeError("stop")
    except RuntimeError:
        pass
    assert center_db.setting("document_digits") == before
