"""Export and import: everything travels, nothing is overwritten unasked, zip-slip is refused."""

from __future__ import annotations

import io
import json
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import make_feedback, make_question, make_transcript
from viva.cli import main
from viva.storage import paths
from viva.storage.backup import (
    BackupError,
    ImportConflict,
    UnsafeArchive,
    check_entry_name,
    export_zip,
    import_zip,
)
from viva.storage.store import AttemptStore


def _populate(store: AttemptStore, wav: Path) -> None:
    session = store.start_session("mock", ["canary-release"])
    store.add_attempt(
        make_question(), make_transcript(), make_feedback(), audio_path=wav, session_id=session
    )
    store.add_attempt(
        make_question("drift", topic="monitoring"), make_transcript(), make_feedback("drift", 0.2)
    )
    store.replace_score(1, make_feedback(coverage=0.9))
    (paths.user_bank_dir() / "mine.yaml").write_text("questions: []\n", encoding="utf-8")
    paths.settings_path().write_text('{"rate": 150}', encoding="utf-8")


def _switch_to(monkeypatch: pytest.MonkeyPatch, base: Path) -> None:
    monkeypatch.setenv("VIVA_DATA_DIR", str(base))


def test_export_then_import_elsewhere(
    store: AttemptStore, wav: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _populate(store, wav)
    summary = export_zip(tmp_path / "backup.zip", store=store)
    assert (summary.attempts, summary.recordings, summary.banks, summary.settings) == (
        2,
        1,
        1,
        True,
    )
    names = zipfile.ZipFile(tmp_path / "backup.zip").namelist()
    assert {
        "manifest.json",
        "viva.sqlite3",
        "attempts.json",
        "banks/mine.yaml",
        "settings.json",
    } <= set(names)
    originals = {a.uid: store.get_attempt(a.id) for a in store.list_attempts()}

    _switch_to(monkeypatch, tmp_path / "other-machine")
    with AttemptStore.open() as other:
        result = import_zip(tmp_path / "backup.zip", store=other)
        assert (result.attempts_added, result.files_written) == (2, 3)
        for summary_row in other.list_attempts():
            got = other.get_attempt(summary_row.id)
            want = originals[got.uid]
            assert got.feedback == want.feedback
            assert got.question == want.question
            assert got.started_at == want.started_at
            assert len(got.history) == len(want.history)
        canary = other.get_attempt(other.list_attempts("canary-release")[0].id)
        assert canary.audio_path is not None
        assert canary.audio_path.read_bytes() == wav.read_bytes()
        assert other.get_session(canary.session_id or 0).kind == "mock"
        assert set(other.cards()) == {"canary-release", "drift"}
        again = import_zip(tmp_path / "backup.zip", store=other)  # importing twice: no change
        assert (again.attempts_added, again.attempts_unchanged, again.files_written) == (0, 2, 0)
        assert other.count_attempts() == 2
    assert (paths.user_bank_dir() / "mine.yaml").exists()
    assert json.loads(paths.settings_path().read_text()) == {"rate": 150}


def test_import_never_overwrites_without_asking(
    store: AttemptStore, wav: Path, tmp_path: Path
) -> None:
    _populate(store, wav)
    export_zip(tmp_path / "backup.zip", store=store)
    paths.settings_path().write_text('{"rate": 200}', encoding="utf-8")
    store.replace_score(2, make_feedback("drift", 0.4))
    with pytest.raises(ImportConflict, match="--overwrite") as info:
        import_zip(tmp_path / "backup.zip", store=store)
    assert len(info.value.conflicts) == 2
    assert json.loads(paths.settings_path().read_text()) == {"rate": 200}  # untouched
    assert store.get_attempt(2).coverage == 0.4
    result = import_zip(tmp_path / "backup.zip", store=store, overwrite=True)
    assert result.attempts_replaced == 1
    assert json.loads(paths.settings_path().read_text()) == {"rate": 150}
    assert store.count_attempts() == 2


def test_a_replaced_attempt_keeps_its_id(store: AttemptStore, wav: Path, tmp_path: Path) -> None:
    """`import --overwrite` replaces an older attempt under its own id (it was renumbered after
    the newest, so `--attempt 1` then named nothing)."""
    _populate(store, wav)
    export_zip(tmp_path / "backup.zip", store=store)
    store.replace_score(1, make_feedback(coverage=0.3))
    result = import_zip(tmp_path / "backup.zip", store=store, overwrite=True)
    assert result.attempts_replaced == 1
    assert sorted(a.id for a in store.list_attempts()) == [1, 2]
    assert store.get_attempt(1).coverage == 0.9
    assert store.get_attempt(1).question_id == "canary-release"


def test_an_export_with_a_damaged_database_imports_nothing(
    store: AttemptStore, wav: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A damaged history in the zip fails the import; it does not "succeed" with 0 attempts."""
    _populate(store, wav)
    export_zip(tmp_path / "backup.zip", store=store)
    damaged = tmp_path / "damaged.zip"
    with zipfile.ZipFile(tmp_path / "backup.zip") as src, zipfile.ZipFile(damaged, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "viva.sqlite3":
                data = data[:100] + b"\x00garbage" * 400 + data[4200:]
            dst.writestr(info, data)
    _switch_to(monkeypatch, tmp_path / "other-machine")
    with AttemptStore.open() as other:
        with pytest.raises(BackupError, match="damaged.*Nothing was imported"):
            import_zip(damaged, store=other)
        assert other.count_attempts() == 0
        recordings = other.root / "recordings"
        assert not recordings.exists() or not any(recordings.iterdir())
    assert not (paths.user_bank_dir() / "mine.yaml").exists()


@pytest.mark.parametrize(
    "name",
    [
        "../evil.txt",
        "/etc/evil.txt",
        "recordings/../../evil.txt",
        "C:\\evil.txt",
        "banks\\..\\..\\evil.txt",
    ],
)
def test_zip_slip_is_rejected(name: str, tmp_path: Path, store: AttemptStore) -> None:
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("manifest.json", "{}")
        zf.writestr(zipfile.ZipInfo(name), b"pwned")
    with pytest.raises(UnsafeArchive, match="unsafe entry"):
        import_zip(archive, store=store)
    assert not (tmp_path / "evil.txt").exists()
    assert not list(paths.data_dir().parent.rglob("evil.txt"))


def test_symlink_entries_are_rejected(tmp_path: Path, store: AttemptStore) -> None:
    archive = tmp_path / "link.zip"
    info = zipfile.ZipInfo("recordings/link.wav")
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(info, "/etc/passwd")
    with pytest.raises(UnsafeArchive, match="symbolic link"):
        import_zip(archive, store=store)


def test_safe_names_pass() -> None:
    assert str(check_entry_name("recordings/2025-canary.wav")) == "recordings/2025-canary.wav"


def test_not_an_export(tmp_path: Path, store: AttemptStore) -> None:
    (tmp_path / "x.zip").write_bytes(b"not a zip")
    with pytest.raises(BackupError, match="not a readable zip"):
        import_zip(tmp_path / "x.zip", store=store)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "hi")
    (tmp_path / "y.zip").write_bytes(buf.getvalue())
    with pytest.raises(BackupError, match="not a Viva export"):
        import_zip(tmp_path / "y.zip", store=store)


def test_cli_import_refuses_conflicts_without_a_terminal(
    store: AttemptStore, wav: Path, tmp_path: Path, fresh_data_dir: Path
) -> None:
    _populate(store, wav)
    env_dir = str(fresh_data_dir)
    run = [sys.executable, "-m", "viva", "--data-dir", env_dir]
    done = subprocess.run(
        [*run, "export", "--out", str(tmp_path / "b.zip")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    paths.settings_path().write_text('{"rate": 99}', encoding="utf-8")
    refused = subprocess.run(
        [*run, "import", str(tmp_path / "b.zip")],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert refused.returncode == 2
    assert "--overwrite" in refused.stderr
    assert json.loads(paths.settings_path().read_text()) == {"rate": 99}
    assert main(["import", str(tmp_path / "b.zip"), "--overwrite"]) == 0
    assert json.loads(paths.settings_path().read_text()) == {"rate": 150}
