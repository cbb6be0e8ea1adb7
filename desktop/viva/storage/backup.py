"""Export everything to one zip and import it elsewhere, safely.

Layout of an export (all paths relative to the zip root)::

    manifest.json        format, versions, counts (pydantic ``ExportManifest``)
    viva.sqlite3         a consistent copy of the attempts database (SQLite backup API)
    attempts.json        every attempt in full, for people and other tools
    recordings/...       the audio of the store (relative paths as stored in the database)
    external/<uid>.wav   audio the store only referenced (attempts saved with copy_audio=False)
    banks/...            the user's own question banks
    settings.json        the settings file, if there is one

Import checks every entry name first and rejects the whole zip if any would land outside the
target folders (absolute paths, ``..``, drive letters, symlinks). It also refuses archives that
would expand beyond :class:`ImportLimits` (per entry, in total, or by compression ratio: zip
bombs) or beyond the free disk space, before anything is written; members are streamed, never
read whole into memory, and counted as they expand, so a header that lies about a size is caught
too. A refused import leaves nothing behind. Attempts are merged by their ``uid``; an identical
attempt or file is skipped, a different one is a conflict and nothing is changed unless
``overwrite=True``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import sqlite3
import stat
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from viva import __version__
from viva.storage import paths
from viva.storage.store import Attempt, AttemptStore, StoreError, iso

log = logging.getLogger(__name__)

FORMAT: Final = "viva-export"
FORMAT_VERSION = 1
DB_NAME = "viva.sqlite3"


class BackupError(StoreError):
    """An export or import failed; ``user_message`` says why and what to do."""


class UnsafeArchive(BackupError):
    """The zip has entries that would be written outside the target folders (zip-slip)."""


class ArchiveTooLarge(BackupError):
    """The zip would expand beyond the import limits or the free disk space."""


class ImportConflict(BackupError):
    """Importing would overwrite existing data; ``conflicts`` lists what."""

    def __init__(self, user_message: str, conflicts: list[str]) -> None:
        super().__init__(user_message)
        self.conflicts = conflicts


class ExportManifest(BaseModel):
    """``manifest.json`` of an export."""

    model_config = ConfigDict(extra="ignore")

    format: Literal["viva-export"]
    format_version: int
    app_version: str
    created_at: datetime
    schema_version: int
    attempts: int
    recordings: int
    banks: int
    settings: bool


@dataclass(frozen=True, slots=True)
class ImportLimits:
    """Bounds an import must stay within (a 10-minute answer is about 19 MB of WAV)."""

    #: Largest expanded size of one entry.
    max_member_bytes: int = 4 << 30
    #: Largest expanded size of the whole archive.
    max_total_bytes: int = 32 << 30
    #: Largest expanded/compressed ratio of an entry bigger than ``ratio_floor_bytes``
    #: (WAVs are stored uncompressed; the database and JSON deflate about 3-10 times).
    max_ratio: float = 100.0
    ratio_floor_bytes: int = 16 << 20
    #: manifest.json is a few hundred bytes.
    max_manifest_bytes: int = 1 << 20
    max_entries: int = 200_000
    #: Free space left over after the import.
    free_space_margin_bytes: int = 64 << 20


DEFAULT_LIMITS = ImportLimits()
_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class ExportSummary:
    path: Path
    attempts: int
    recordings: int
    banks: int
    settings: bool


@dataclass(slots=True)
class ImportSummary:
    attempts_added: int = 0
    attempts_replaced: int = 0
    attempts_unchanged: int = 0
    files_written: int = 0
    files_unchanged: int = 0
    conflicts: list[str] = field(default_factory=list)


def _files_under(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))


def export_zip(out: str | os.PathLike[str], *, store: AttemptStore | None = None) -> ExportSummary:
    """Write attempts, audio, user banks and settings to the zip ``out``."""
    target = Path(out)
    if target.suffix.lower() != ".zip":
        raise BackupError(f"{target} does not end in .zip; give a file name like viva-backup.zip.")
    own = store is None
    active = AttemptStore.open() if store is None else store
    partial = target.with_name(f".{target.name}.partial")
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            db_copy = Path(tmp) / DB_NAME
            dest = sqlite3.connect(db_copy)
            try:
                active.connection.backup(dest)
            finally:
                dest.close()
            ids = [a.id for a in active.list_attempts(oldest_first=True, follow_ups=True)]
            attempts = [active.get_attempt(i) for i in ids]
            recordings = _files_under(active.recordings_dir)
            banks = _files_under(paths.user_bank_dir())
            settings = paths.settings_path()
            with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as zf:
                zf.write(db_copy, DB_NAME)
                zf.writestr(
                    "attempts.json",
                    json.dumps([a.to_dict() for a in attempts], ensure_ascii=False, indent=1),
                )
                for path in recordings:
                    zf.write(path, path.relative_to(active.root).as_posix(), zipfile.ZIP_STORED)
                n_external = 0
                for attempt in attempts:
                    audio = attempt.audio_path
                    if audio and audio.is_file() and not _inside(audio, active.root):
                        zf.write(
                            audio,
                            f"external/{attempt.uid}{audio.suffix.lower()}",
                            zipfile.ZIP_STORED,
                        )
                        n_external += 1
                for path in banks:
                    zf.write(path, "banks/" + path.relative_to(paths.user_bank_dir()).as_posix())
                if settings.is_file():
                    zf.write(settings, "settings.json")
                manifest = ExportManifest(
                    format=FORMAT,
                    format_version=FORMAT_VERSION,
                    app_version=__version__,
                    created_at=datetime.now(timezone.utc),
                    schema_version=active.schema_version,
                    attempts=len(attempts),
                    recordings=len(recordings) + n_external,
                    banks=len(banks),
                    settings=settings.is_file(),
                )
                zf.writestr("manifest.json", manifest.model_dump_json(indent=1))
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
        if own:
            active.close()
    log.info("exported %s attempts to %s", manifest.attempts, target)
    return ExportSummary(
        target, manifest.attempts, manifest.recordings, manifest.banks, manifest.settings
    )


def _inside(path: Path, root: Path) -> bool:
    return path.resolve().is_relative_to(root.resolve())


def check_entry_name(name: str) -> PurePosixPath:
    """The entry's path if it stays inside the zip root; raises :class:`UnsafeArchive`."""
    unsafe = UnsafeArchive(
        f"The file contains an unsafe entry {name!r} that would be written outside Viva's "
        "folders, so nothing was imported. Only import exports made by Viva."
    )
    normalised = name.replace("\\", "/")
    if not normalised or normalised.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise unsafe
    path = PurePosixPath(normalised)
    if any(part in ("..", "") for part in path.parts) or path.is_absolute():
        raise unsafe
    return path


def _too_large(what: str) -> ArchiveTooLarge:
    return ArchiveTooLarge(
        f"The file was not imported: {what}. It may be damaged or crafted to fill the disk "
        "(a 'zip bomb'); nothing was changed. Import an export made by Viva."
    )


def _gib(n: float) -> str:
    return f"{n / (1 << 30):.1f} GiB" if n >= 1 << 30 else f"{n / (1 << 20):.1f} MiB"


def _check_sizes(zf: zipfile.ZipFile, limits: ImportLimits) -> None:
    """Refuse archives whose declared sizes break the limits (the streams are counted too)."""
    infos = zf.infolist()
    if len(infos) > limits.max_entries:
        raise _too_large(f"it has {len(infos)} entries (at most {limits.max_entries})")
    total = 0
    for info in infos:
        size = info.file_size
        if size > limits.max_member_bytes:
            raise _too_large(
                f"{info.filename!r} would expand to {_gib(size)} "
                f"(at most {_gib(limits.max_member_bytes)} per file)"
            )
        if size > limits.ratio_floor_bytes and size > limits.max_ratio * max(info.compress_size, 1):
            raise _too_large(
                f"{info.filename!r} would expand {size / max(info.compress_size, 1):.0f} times "
                f"(at most {limits.max_ratio:.0f})"
            )
        total += size
        if total > limits.max_total_bytes:
            raise _too_large(
                f"it would expand to more than {_gib(limits.max_total_bytes)} in total"
            )


def _copy_member(zf: zipfile.ZipFile, name: str, dest: Path, limits: ImportLimits) -> int:
    """Stream one entry to ``dest`` (created, never overwritten), counting what it expands to.

    On any failure ``dest`` is removed. Returns the bytes written."""
    info = zf.getinfo(name)
    cap = min(info.file_size, limits.max_member_bytes)
    written = 0
    try:
        with zf.open(info) as src, open(dest, "xb") as dst:
            while block := src.read(_CHUNK):
                written += len(block)
                if written > cap:
                    raise _too_large(f"{name!r} expands beyond its declared size")
                dst.write(block)
            dst.flush()
            os.fsync(dst.fileno())
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        dest.unlink(missing_ok=True)
        raise BackupError(
            f"The export is damaged ({name}: {exc}); nothing more was imported. Export it again."
        ) from exc
    except BaseException:
        dest.unlink(missing_ok=True)
        raise
    return written


def _read_small(zf: zipfile.ZipFile, name: str, limit: int) -> bytes:
    info = zf.getinfo(name)
    if info.file_size > limit:
        raise _too_large(f"{name!r} is {_gib(info.file_size)} (at most {_gib(limit)})")
    try:
        with zf.open(info) as src:
            data = src.read(limit + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise BackupError(f"The export is damaged ({name}: {exc}). Export it again.") from exc
    if len(data) > limit:
        raise _too_large(f"{name!r} expands beyond its declared size")
    return data


def _check_free_space(folder: Path, needed: int, limits: ImportLimits) -> None:
    free = shutil.disk_usage(folder).free
    if needed + limits.free_space_margin_bytes > free:
        raise ArchiveTooLarge(
            f"Importing needs {_gib(needed)} of disk space in {folder} but only {_gib(free)} is "
            "free; nothing was changed. Free some space, then import again."
        )


def _check_archive(zf: zipfile.ZipFile, limits: ImportLimits = DEFAULT_LIMITS) -> ExportManifest:
    for info in zf.infolist():
        check_entry_name(info.filename)
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise UnsafeArchive(
                f"The file contains a symbolic link {info.filename!r}, so nothing was imported. "
                "Only import exports made by Viva."
            )
    _check_sizes(zf, limits)
    try:
        raw = _read_small(zf, "manifest.json", limits.max_manifest_bytes)
    except KeyError as exc:
        raise BackupError(
            "This zip is not a Viva export (it has no manifest.json). Choose a file made with "
            "`viva export`."
        ) from exc
    try:
        manifest = ExportManifest.model_validate_json(raw)
    except ValidationError as exc:
        raise BackupError(
            f"The export's manifest is not valid ({exc.errors()[0]['msg']}); the file may be "
            "damaged. Export it again."
        ) from exc
    if manifest.format_version > FORMAT_VERSION:
        raise BackupError(
            f"This export was made by a newer Viva (format {manifest.format_version}); update "
            "Viva to import it."
        )
    return manifest


def _digest(data_or_path: bytes | Path) -> str:
    h = hashlib.sha256()
    if isinstance(data_or_path, Path):
        with open(data_or_path, "rb") as fh:
            for block in iter(lambda: fh.read(_CHUNK), b""):
                h.update(block)
    else:
        h.update(data_or_path)
    return h.hexdigest()


def _member_digest(zf: zipfile.ZipFile, name: str) -> str:
    """SHA-256 of an entry, streamed (its size was checked against the limits already)."""
    h = hashlib.sha256()
    try:
        with zf.open(name) as src:
            for block in iter(lambda: src.read(_CHUNK), b""):
                h.update(block)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise BackupError(f"The export is damaged ({name}: {exc}). Export it again.") from exc
    return h.hexdigest()


def _same_attempt(a: Attempt, b: Attempt) -> bool:
    def core(x: Attempt) -> dict[str, Any]:
        return {
            "q": x.question,
            "t": x.transcript.to_dict(),
            "f": x.feedback,
            "s": iso(x.started_at),
            "h": len(x.history),
        }

    return core(a) == core(b)


def import_zip(
    source: str | os.PathLike[str],
    *,
    overwrite: bool = False,
    store: AttemptStore | None = None,
    limits: ImportLimits = DEFAULT_LIMITS,
) -> ImportSummary:
    """Merge an export into this installation.

    Raises :class:`UnsafeArchive` for zip-slip entries, :class:`ArchiveTooLarge` for archives
    beyond ``limits`` or the free disk space, :class:`ImportConflict` when existing attempts or
    files differ from the export's and ``overwrite`` is False (nothing is changed then).
    """
    zip_path = Path(source)
    try:
        zf = zipfile.ZipFile(zip_path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise BackupError(f"{zip_path} is not a readable zip file ({exc}).") from exc
    own = store is None
    active = AttemptStore.open() if store is None else store
    try:
        with zf:
            _check_archive(zf, limits)
            names = [i.filename for i in zf.infolist() if not i.is_dir()]
            if DB_NAME not in names:
                raise BackupError("The export has no database (viva.sqlite3); export it again.")
            # Everything lands on the store's disk: the database copy (in a hidden temporary
            # folder beside the store, removed whatever happens) and the files.
            extracted = sum(
                zf.getinfo(n).file_size
                for n in names
                if n == DB_NAME or n.startswith(("recordings/", "external/", "banks/"))
            )
            _check_free_space(active.root, extracted, limits)
            with tempfile.TemporaryDirectory(dir=active.root, prefix=".import-") as tmp:
                db_copy = Path(tmp) / DB_NAME
                _copy_member(zf, DB_NAME, db_copy, limits)
                incoming = AttemptStore.open(db_copy)
                if incoming.recovered is not None:
                    # The copy was unreadable and opened empty: merging it would "succeed"
                    # with nothing but orphaned recordings.
                    incoming.close()
                    raise BackupError(
                        f"The export's history database is damaged "
                        f"({incoming.recovered.reason}). Nothing was imported. Export it again "
                        "from the installation it came from."
                    )
                try:
                    return _merge(zf, names, incoming, active, overwrite, limits)
                finally:
                    incoming.close()
    finally:
        if own:
            active.close()


def _file_targets(names: list[str], store: AttemptStore) -> dict[str, Path]:
    targets: dict[str, Path] = {}
    for name in names:
        path = check_entry_name(name)
        top = path.parts[0]
        if top == "recordings":
            targets[name] = store.root.joinpath(*path.parts)
        elif top == "banks" and len(path.parts) > 1:
            targets[name] = paths.user_bank_dir().joinpath(*path.parts[1:])
        elif name == "settings.json":
            targets[name] = paths.settings_path()
    return targets


def _merge(
    zf: zipfile.ZipFile,
    names: list[str],
    incoming: AttemptStore,
    store: AttemptStore,
    overwrite: bool,
    limits: ImportLimits = DEFAULT_LIMITS,
) -> ImportSummary:
    summary = ImportSummary()
    targets = _file_targets(names, store)
    writes: dict[str, Path] = {}
    for name, target in targets.items():
        if target.exists():
            if _digest(target) == _member_digest(zf, name):
                summary.files_unchanged += 1
                continue
            summary.conflicts.append(f"file {target}")
        writes[name] = target
    existing = store.attempt_ids_by_uid()
    plan: list[tuple[Attempt, int | None]] = []
    # Parents before their follow-ups: a follow-up starts after the answer it probes.
    for summary_row in incoming.list_attempts(oldest_first=True, follow_ups=True):
        attempt = incoming.get_attempt(summary_row.id)
        current_id = existing.get(attempt.uid)
        if current_id is not None:
            if _same_attempt(attempt, store.get_attempt(current_id)):
                summary.attempts_unchanged += 1
                continue
            summary.conflicts.append(
                f"attempt {current_id} ({attempt.question_id}, {attempt.started_at:%Y-%m-%d %H:%M})"
            )
        plan.append((attempt, current_id))
    if summary.conflicts and not overwrite:
        shown = "; ".join(summary.conflicts[:5])
        more = f" and {len(summary.conflicts) - 5} more" if len(summary.conflicts) > 5 else ""
        raise ImportConflict(
            f"Importing would overwrite {len(summary.conflicts)} existing item(s): {shown}{more}. "
            "Nothing was changed. Pass --overwrite to replace them with the export's version.",
            summary.conflicts,
        )
    created: list[Path] = []
    try:
        for name, target in writes.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f".{target.name}.partial")
            partial.unlink(missing_ok=True)  # a leftover of an import that was killed
            _copy_member(zf, name, partial, limits)
            if not target.exists():
                created.append(target)
            os.replace(partial, target)
            summary.files_written += 1
    except BaseException:
        # Before any attempt was added: take back the files this import created.
        for path in created:
            path.unlink(missing_ok=True)
        raise
    sessions = {s.uid: s.id for s in store.list_sessions()}
    incoming_uids = {i: uid for uid, i in incoming.attempt_ids_by_uid().items()}
    for attempt, current_id in plan:
        session_id = None
        if attempt.session_id is not None:
            session = incoming.get_session(attempt.session_id)
            if session.uid not in sessions:
                sessions[session.uid] = store.import_session(session)
            session_id = sessions[session.uid]
        audio = _incoming_audio(zf, names, attempt, incoming, store, limits)
        parent_id = None
        if attempt.parent_id is not None:
            parent_uid = incoming_uids.get(attempt.parent_id)
            parent_id = existing.get(parent_uid) if parent_uid else None
            if parent_id is None:
                log.warning("import: the parent of follow-up %s is missing; skipped", attempt.uid)
                continue
        new_id = store.import_attempt(
            attempt,
            audio_path=audio,
            session_id=session_id,
            replace_id=current_id,
            parent_id=parent_id,
        )
        existing[attempt.uid] = new_id
        if current_id is None:
            summary.attempts_added += 1
        else:
            summary.attempts_replaced += 1
    log.info("import: %s", summary)
    return summary


def _incoming_audio(
    zf: zipfile.ZipFile,
    names: list[str],
    attempt: Attempt,
    incoming: AttemptStore,
    store: AttemptStore,
    limits: ImportLimits = DEFAULT_LIMITS,
) -> Path | None:
    """Where the attempt's audio is after the files were written (None if it has none)."""
    if attempt.audio_path is None:
        return None
    if _inside(attempt.audio_path, incoming.root):
        relative = attempt.audio_path.resolve().relative_to(incoming.root.resolve())
        target = store.root / relative
        return target if target.is_file() else None
    external = f"external/{attempt.uid}{attempt.audio_path.suffix.lower()}"
    if external not in names:
        return None
    target = store.recordings_dir / f"imported-{attempt.uid}{attempt.audio_path.suffix.lower()}"
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    _copy_member(zf, external, partial, limits)
    os.replace(partial, target)
    return target
