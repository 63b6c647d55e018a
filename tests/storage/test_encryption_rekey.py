"""Changing the database key (``justice-desk encrypt --rekey``, services.encryption.
rekey_database) after an account is disabled or a password or laptop is compromised: every
page re-encrypted with a new random key, every enabled account keeps its password (its slot is
sealed to the new key without it), a new recovery key is printed once, and neither the old key
file, nor a disabled account's old slot, nor the old recovery key opens the database any more.
A real ``justice-desk`` process killed at each step (``JUSTICE_DESK_KILL_AT``), or in the middle
of SQLCipher's re-key, leaves a database that opens with the old key or the new one, never
neither, with the same passwords."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select, text

from justice_desk.cli.main import main
from justice_desk.domain.access import Role
from justice_desk.errors import NotAllowed, SignInFailed, UserError
from justice_desk.services import accounts, encryption
from justice_desk.storage import audit, cipher, keyslots
from justice_desk.storage.database import open_database
from justice_desk.storage.models import AuditEvent

BOSS = "correct horse 2569"
CLERK = "clerk password 2569"
GONE = "gone password 2569"
RECOVERY = re.compile(r"\d{5}(?:-\d{5}){7}")


@pytest.fixture(scope="module")
def center_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """An encrypted center with the coordinator (boss), a secretary (clerk) and a disabled
    account (gone) whose holder kept a copy of the key file from before, made once (Argon2 for
    every password is slow): (its folder, its data folder, the recovery key)."""
    import contextlib
    import io

    root = tmp_path_factory.mktemp("rekey-center")
    home = root / "home"
    db = root / "files" / "center.sqlite3"
    db.parent.mkdir()
    with pytest.MonkeyPatch.context() as env:
        env.setenv("JUSTICE_DESK_HOME", str(home))
        env.setenv("JUSTICE_DESK_LANG", "en")
        env.delenv("JUSTICE_DESK_USER", raising=False)
        env.setenv("JUSTICE_DESK_PASSWORD", BOSS)
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            assert main(
                [
                    "init", "center", "--db", str(db), "--code", "500107",
                    "--name", "ศูนย์ยุติธรรมชุมชนตำบลแม่เหียะ", "--province", "เชียงใหม่",
                    "--login", "boss", "--full-name", "สมชาย ใจดี",
                ]
            ) == 0  # fmt: skip
            recovery = RECOVERY.search(out.getvalue())
            assert recovery is not None
            for login, password in (("clerk", CLERK), ("gone", GONE)):
                env.setenv("JUSTICE_DESK_NEW_PASSWORD", password)
                assert main(["user", "add", login, "--role", "secretary", "--db", str(db),
                             "--user", "boss"]) == 0  # fmt: skip
            shutil.copy(keyslots.slots_path(db), db.parent / "kept-by-gone.keys")
            assert main(["user", "disable", "gone", "--db", str(db), "--user", "boss"]) == 0
    assert "gone" not in keyslots.logins(db)  # disabling removed the slot
    return db.parent, home, recovery.group(0)


@pytest.fixture
def center(
    center_template: tuple[Path, Path, str],
    tmp_path: Path,
    isolated_home: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[Path, str]:
    """A copy of the template center for this test (its files and data folder), signed in as
    the coordinator."""
    files, home, recovery = center_template
    for path in files.iterdir():
        shutil.copy2(path, tmp_path / path.name)
    shutil.copytree(home, isolated_home, dirs_exist_ok=True)
    monkeypatch.setenv("JUSTICE_DESK_LANG", "en")
    monkeypatch.delenv("JUSTICE_DESK_USER", raising=False)
    monkeypatch.setenv("JUSTICE_DESK_PASSWORD", BOSS)
    return tmp_path / "center.sqlite3", recovery


def _opens(db: Path, login: str, password: str) -> bool:
    keyslots.write_failures(db, {})  # the attempts of a test are not a person's
    try:
        opened = encryption.sign_in_encrypted(db, login, password)
    except (SignInFailed, UserError):
        return False
    opened.dispose()
    return True


def _opens_with_recovery(db: Path, recovery_key: str) -> bool:
    try:
        opened = encryption.open_with_recovery(db, recovery_key)
    except UserError:
        return False
    opened.dispose()
    return True


def _key_ids(db: Path) -> set[str]:
    data = json.loads(keyslots.slots_path(db).read_text(encoding="utf-8"))
    return {slot.get("key_id", "") for slot in data["slots"]}


def test_rekey_keeps_every_enabled_password_and_shuts_out_the_old_key(
    center: tuple[Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, old_recovery = center
    old_key = keyslots.unlock(db, "boss", BOSS)
    # The disabled account's holder kept the old key file: before the re-key it still opens
    # the database with the old password (what the re-key is for).
    copy = tmp_path / "copy.sqlite3"
    shutil.copy(db, copy)
    shutil.copy(tmp_path / "kept-by-gone.keys", keyslots.slots_path(copy))
    assert cipher.key_opens(copy, keyslots.unlock(copy, "gone", GONE))

    assert main(["encrypt", "--rekey", "--db", str(db), "--user", "boss"]) == 0
    out = capsys.readouterr().out
    found = RECOVERY.search(out)
    assert found is not None and found.group(0) != old_recovery
    new_recovery = found.group(0)
    assert "keep their passwords: clerk" in out and "destroy the old sheet" in out

    # every enabled account opens it with the same password; the disabled one does not
    assert _opens(db, "boss", BOSS) and _opens(db, "clerk", CLERK)
    assert not _opens(db, "gone", GONE)
    # the old key, the old key file and the old recovery key open nothing any more
    assert not cipher.key_opens(db, old_key)
    shutil.copy(tmp_path / "kept-by-gone.keys", keyslots.slots_path(copy))
    shutil.copy(db, copy)
    assert not cipher.key_opens(copy, keyslots.unlock(copy, "gone", GONE))
    assert not _opens_with_recovery(db, old_recovery)
    assert _opens_with_recovery(db, new_recovery)
    # one key in the key file, the records all there, the change in the audit trail
    assert len(_key_ids(db)) == 1
    new_key = keyslots.unlock(db, "boss", BOSS)
    assert new_key != old_key
    opened = open_database(db, key=new_key)
    try:
        assert opened.mode == "center"
        with opened.read() as session:
            assert audit.verify(session).whole
            details = [r.detail or "" for r in session.scalars(select(AuditEvent))]
        changed = [d for d in details if "database key changed" in d]
        assert changed and "without a slot: -" in changed[0]
    finally:
        opened.dispose()


def test_an_account_whose_slot_predates_key_pairs_is_named_and_gets_a_new_password(
    center: tuple[Path, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db, _recovery = center
    key = keyslots.unlock(db, "boss", BOSS)
    # clerk's slot as the previous release wrote it (the password wraps the key itself)
    slots = [s for s in keyslots._read(db) if s.login != "clerk"]
    slots.append(keyslots._wrap("password", "clerk", CLERK, key))
    keyslots._write(db, slots)
    assert _opens(db, "clerk", CLERK)  # it still opens...
    assert [s.v for s in keyslots._read(db) if s.login == "clerk"] == [2]  # ...and is upgraded
    slots = [s for s in keyslots._read(db) if s.login != "clerk"]
    slots.append(keyslots._wrap("password", "clerk", CLERK, key))
    keyslots._write(db, slots)  # back to the old format, never signed in since

    assert main(["encrypt", "--rekey", "--db", str(db), "--user", "boss"]) == 0
    out = capsys.readouterr().out
    assert "clerk needs a new password" in out
    assert not _opens(db, "clerk", CLERK)
    monkeypatch.setenv("JUSTICE_DESK_NEW_PASSWORD", "temporary 2569")
    assert main(["user", "password", "clerk", "--db", str(db), "--user", "boss"]) == 0
    assert _opens(db, "clerk", "temporary 2569")


def test_a_planted_public_key_is_not_sealed_to(center: tuple[Path, str]) -> None:
    """Someone without the key who writes the key file cannot get the new key sealed to a key
    pair of their own: the re-key seals only to public keys the old database key bound."""
    db, _recovery = center
    other = keyslots.new_database_key()  # the planter's own "database key"
    planted = keyslots._wrap_v2("clerk", "planter's password", other)
    slots = [s for s in keyslots._read(db) if s.login != "clerk"] + [planted]
    keyslots._write(db, slots)
    opened = encryption.sign_in_encrypted(db, "boss", BOSS)
    done = encryption.rekey_database(opened, BOSS)
    done.db.dispose()
    assert done.unslotted == ("clerk",) and done.rewrapped == ()
    assert not _opens(db, "clerk", "planter's password")


def test_refusals_change_nothing(center: tuple[Path, str]) -> None:
    db, _recovery = center
    clerk = encryption.sign_in_encrypted(db, "clerk", CLERK)
    try:
        with pytest.raises(UserError, match="may not"):
            encryption.rekey_database(clerk, CLERK)
    finally:
        clerk.dispose()
    boss = encryption.sign_in_encrypted(db, "boss", BOSS)
    try:
        # another connection holds the database: the re-key cannot start and says so
        key = boss.key
        assert key is not None
        holder = cipher.connect(db, key)
        holder.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(UserError, match="Nothing was changed"):
                encryption.rekey_database(boss, BOSS)
        finally:
            holder.rollback()
            holder.close()
        # a wrong password is refused, and counted as a sign-in's is
        with pytest.raises(SignInFailed, match="wrong"):
            encryption.rekey_database(boss, "not the password")
        assert keyslots.read_failures(db)["boss"][0] == 1
        assert cipher.key_opens(db, key)
        assert len(_key_ids(db)) == 1  # the staged slots went again
        assert boss.mode == "center"  # and the open database still works with its key
        assert [a.login for a in accounts.list_accounts(boss)] == ["boss", "clerk", "gone"]
    finally:
        boss.dispose()
    assert _opens(db, "boss", BOSS) and _opens(db, "clerk", CLERK)


def _rekey_process(db: Path, kill_at: str | None) -> subprocess.Popen[str]:
    env = dict(os.environ, JUSTICE_DESK_LANG="en", JUSTICE_DESK_USER="boss",
               JUSTICE_DESK_PASSWORD=BOSS)  # fmt: skip
    env.pop("JUSTICE_DESK_KILL_AT", None)
    if kill_at:
        env["JUSTICE_DESK_KILL_AT"] = kill_at
    return subprocess.Popen(
        [sys.executable, "-m", "justice_desk", "encrypt", "--rekey", "--db", str(db)],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _after_a_crash_exactly_one_key_opens(db: Path, old_key: bytes, old_recovery: str) -> str:
    """The passwords open the database (with one key or the other), the sign-in repairs the
    key file to that key's slots; the old recovery key works if the old key does."""
    assert _opens(db, "boss", BOSS)
    assert _opens(db, "clerk", CLERK)
    assert not _opens(db, "gone", GONE)
    key = keyslots.unlock(db, "boss", BOSS)
    assert cipher.key_opens(db, key)
    assert _key_ids(db) == {keyslots.key_id(key)}
    assert _opens_with_recovery(db, old_recovery) is (key == old_key)
    return "old" if key == old_key else "new"


@pytest.mark.parametrize(
    ("kill_at", "expected"),
    [("rekey-slots-staged", "old"), ("rekey-database-done", "new"), (None, "new")],
)
def test_a_rekey_killed_at_any_step_opens_with_the_old_key_or_the_new(
    center: tuple[Path, str], kill_at: str | None, expected: str
) -> None:
    db, old_recovery = center
    old_key = keyslots.unlock(db, "boss", BOSS)
    proc = _rekey_process(db, kill_at)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == (-signal.SIGKILL if kill_at else 0), (out, err)
    if kill_at:
        assert len(_key_ids(db)) == 2  # both keys' slots are in the file at the kill
    assert _after_a_crash_exactly_one_key_opens(db, old_key, old_recovery) == expected


def test_a_rekey_killed_inside_sqlcipher_rolls_back_to_the_old_key(
    center: tuple[Path, str],
) -> None:
    """Killed while SQLCipher rewrites the pages (its rollback journal on the disk): the next
    open rolls the pages back, whichever key it tries first, and the old key opens."""
    db, old_recovery = center
    old_key = keyslots.unlock(db, "boss", BOSS)
    conn = cipher.connect(db, old_key)
    try:  # enough pages that the re-key takes a while
        conn.execute("CREATE TABLE filler (data BLOB)")
        conn.executemany(
            "INSERT INTO filler VALUES (?)", [(os.urandom(3000),) for _ in range(12000)]
        )
        conn.commit()
    finally:
        conn.close()
    journal = Path(str(db) + "-journal")
    proc = _rekey_process(db, None)
    deadline = time.monotonic() + 120
    while not (journal.exists() and journal.stat().st_size > 0) and proc.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.001)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL, "the re-key ended before it could be killed"
    assert journal.exists()  # killed mid-transaction
    assert _after_a_crash_exactly_one_key_opens(db, old_key, old_recovery) == "old"
    opened = open_database(db, key=old_key)
    try:
        with opened.read() as session:
            assert session.execute(text("SELECT count(*) FROM filler")).scalar() == 12000
            assert session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    finally:
        opened.dispose()
    # and the re-key done again goes through
    proc = _rekey_process(db, None)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, (out, err)
    assert _after_a_crash_exactly_one_key_opens(db, old_key, old_recovery) == "new"


def test_the_rekey_refuses_a_plain_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from justice_desk.services import setup

    monkeypatch.setenv("JUSTICE_DESK_LANG", "en")
    path = tmp_path / "plain.sqlite3"
    setup.init_center(path, code="500107", name="ศูนย์", province="เชียงใหม่").dispose()
    assert main(["encrypt", "--rekey", "--db", str(path)]) == 2
    assert "not encrypted" in capsys.readouterr().err


@pytest.mark.parametrize("role", [Role.SECRETARY, Role.MEDIATOR, Role.VIEWER, Role.COORDINATOR])
def test_only_the_coordinator_changes_the_key(center: tuple[Path, str], role: Role) -> None:
    """Every role of a center, at the service (the command line and the window call it)."""
    from justice_desk.services import people

    db, _recovery = center
    boss = encryption.sign_in_encrypted(db, "boss", BOSS)
    try:
        person = people.create_person(
            boss, people.PersonInput(given_name="ไกล่เกลี่ย", no_id_reason="x")
        )
        linked = person.record.id if role is Role.MEDIATOR else None
        accounts.add_account(boss, "someone", "x", role, "someone password", person_id=linked)
    finally:
        boss.dispose()
    before = keyslots.unlock(db, "boss", BOSS)
    opened = encryption.sign_in_encrypted(db, "someone", "someone password")
    try:
        if role is Role.COORDINATOR:
            done = encryption.rekey_database(opened, "someone password")
            done.db.dispose()
        else:
            with pytest.raises(NotAllowed):
                encryption.rekey_database(opened, "someone password")
    finally:
        opened.dispose()
    assert (keyslots.unlock(db, "boss", BOSS) == before) is (role is not Role.COORDINATOR)


@pytest.mark.parametrize("role", [Role.OFFICER, Role.ADMINISTRATOR])
def test_only_the_administrator_changes_a_province_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], role: Role
) -> None:
    monkeypatch.setenv("JUSTICE_DESK_LANG", "en")
    monkeypatch.setenv("JUSTICE_DESK_PASSWORD", BOSS)
    db = tmp_path / "province.sqlite3"
    assert main(["init", "province", "--db", str(db), "--province", "เชียงใหม่",
                 "--login", "admin", "--full-name", "ผู้ดูแล"]) == 0  # fmt: skip
    monkeypatch.setenv("JUSTICE_DESK_NEW_PASSWORD", CLERK)
    assert main(["user", "add", "second", "--role", role.value, "--db", str(db),
                 "--user", "admin"]) == 0  # fmt: skip
    capsys.readouterr()
    monkeypatch.setenv("JUSTICE_DESK_PASSWORD", CLERK)
    code = main(["encrypt", "--rekey", "--db", str(db), "--user", "second"])
    out, err = capsys.readouterr()
    if role is Role.ADMINISTRATOR:
        assert code == 0 and RECOVERY.search(out) and "keep their passwords: admin" in out
    else:
        assert code == 2 and "may not" in err
    assert _opens(db, "admin", BOSS) and _opens(db, "second", CLERK)
