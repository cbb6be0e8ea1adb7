"""Import refuses zip bombs and archives larger than the free space, and leaves nothing behind.

The archives are built here: a real export with a hostile entry added, streamed so the test
itself never holds the expanded data in memory.
"""

from __future__ import annotations

import shutil
import struct
import zipfile
from collections import namedtuple
from pathlib import Path

import pytest

from conftest import make_feedback, make_question, make_transcript, write_wav
from viva.cli import main
from viva.storage import backup, paths
from viva.storage.backup import (
    ArchiveTooLarge,
    BackupError,
    ImportLimits,
    export_zip,
    import_zip,
)
from viva.storage.store import AttemptStore

MiB = 1 << 20


def _export(store: AttemptStore, tmp_path: Path) -> Path:
    wav = write_wav(tmp_path / "answer.wav", seconds=1.0)
    store.add_attempt(make_question(), make_transcript(), make_feedback(), audio_path=wav)
    out = tmp_path / "export.zip"
    export_zip(out, store=store)
    return out


def _add_zeros(archive: Path, name: str, size: int, *, replace: bool = False) -> Path:
    """Copy ``archive`` with entry ``name`` holding ``size`` zero bytes (deflated)."""
    out = archive.with_name(f"hostile-{name.replace('/', '_')}.zip")
    with zipfile.ZipFile(archive) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if replace and info.filename == name:
                continue
            with src.open(info) as fin, dst.open(info, "w") as fout:
                shutil.copyfileobj(fin, fout)
        info = zipfile.ZipInfo(name)
        info.compress_type = zipfile.ZIP_DEFLATED
        block = bytes(MiB)
        with dst.open(info, "w", force_zip64=True) as fout:
            for _ in range(size // MiB):
                fout.write(block)
    return out


def _nothing_left_behind(store: AttemptStore, before: set[Path], attempts: int) -> None:
    assert store.count_attempts() == attempts
    now = _snapshot()
    assert now == before, f"left behind: {sorted(now - before)}"


def _snapshot() -> set[Path]:
    """Every file under the data folder (empty folders do not count)."""
    return {p for p in paths.data_dir().rglob("*") if not p.is_dir()}


@pytest.mark.parametrize("entry", ["recordings/bomb.wav", "viva.sqlite3", "attempts.json"])
def test_a_deflate_bomb_is_refused_before_anything_is_written(
    entry: str, store: AttemptStore, tmp_path: Path
) -> None:
    # 256 MiB of zeros deflate to ~250 KB: a ratio of ~1000 (the bomb: 4 GiB in 6 MB).
    archive = _add_zeros(_export(store, tmp_path), entry, 256 * MiB, replace=True)
    assert archive.stat().st_size < 2 * MiB
    before, count = _snapshot(), store.count_attempts()
    with pytest.raises(ArchiveTooLarge, match="expand 1[0-9]{3} times") as info:
        import_zip(archive, store=store)
    assert "nothing was changed" in info.value.user_message
    _nothing_left_behind(store, before, count)


def test_a_huge_manifest_is_not_read_into_memory(store: AttemptStore, tmp_path: Path) -> None:
    archive = _add_zeros(_export(store, tmp_path), "manifest.json", 2 * MiB, replace=True)
    before = _snapshot()
    with pytest.raises(ArchiveTooLarge, match="manifest.json"):
        import_zip(archive, store=store)
    _nothing_left_behind(store, before, 1)


def test_per_entry_and_total_limits(store: AttemptStore, tmp_path: Path) -> None:
    archive = _export(store, tmp_path)
    sizes = [i.file_size for i in zipfile.ZipFile(archive).infolist()]
    before = _snapshot()
    with pytest.raises(ArchiveTooLarge, match="per file"):
        import_zip(archive, store=store, limits=ImportLimits(max_member_bytes=max(sizes) - 1))
    with pytest.raises(ArchiveTooLarge, match="in total"):
        import_zip(archive, store=store, limits=ImportLimits(max_total_bytes=sum(sizes) - 1))
    _nothing_left_behind(store, before, 1)


def test_an_entry_larger_than_its_header_says_is_refused_and_cleaned_up(
    store: AttemptStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A header that understates an entry's size: the stream is counted, the rest removed."""
    archive = _export(store, tmp_path)
    lying = tmp_path / "lying.zip"
    data = bytearray(archive.read_bytes())
    # Central directory: recordings/* entry, uncompressed size field at offset 24.
    CD = namedtuple("CD", "offset name")
    entries = []
    pos = data.find(b"PK\x01\x02")
    while pos != -1:
        name_len = struct.unpack_from("<H", data, pos + 28)[0]
        entries.append(CD(pos, bytes(data[pos + 46 : pos + 46 + name_len]).decode()))
        pos = data.find(b"PK\x01\x02", pos + 4)
    wav_entry = next(e for e in entries if e.name.startswith("recordings/"))
    real = struct.unpack_from("<I", data, wav_entry.offset + 24)[0]
    struct.pack_into("<I", data, wav_entry.offset + 24, real // 4)
    lying.write_bytes(bytes(data))

    # Import into an empty installation, so the recording would be a new file.
    monkeypatch.setenv("VIVA_DATA_DIR", str(tmp_path / "other"))
    with AttemptStore.open() as other:
        before = _snapshot()
        with pytest.raises(BackupError, match="damaged"):
            import_zip(lying, store=other)
        _nothing_left_behind(other, before, 0)


def test_not_enough_free_space_is_refused_first(
    store: AttemptStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = _export(store, tmp_path)
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(backup.shutil, "disk_usage", lambda _p: usage(10 * MiB, 10 * MiB, MiB))
    before = _snapshot()
    with pytest.raises(ArchiveTooLarge, match="Free some space"):
        import_zip(archive, store=store)
    _nothing_left_behind(store, before, 1)


def test_cli_reports_a_bomb_as_a_message(
    store: AttemptStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = _add_zeros(_export(store, tmp_path), "recordings/bomb.wav", 64 * MiB)
    assert main(["import", str(archive)]) == 2
    err = capsys.readouterr().err
    assert "zip bomb" in err
    assert "Traceback" not in err
    assert not (paths.recordings_dir() / "bomb.wav").exists()


def test_a_normal_export_still_imports(store: AttemptStore, tmp_path: Path) -> None:
    archive = _export(store, tmp_path)
    store.delete_all()
    result = import_zip(archive, store=store)
    assert (result.attempts_added, result.files_written) == (1, 1)
    assert not list(paths.data_dir().glob(".import-*"))
