"""Crash recovery: recordings that never became an attempt are repaired and offered, never deleted.

The recorder streams answers into ``recordings/`` as they are spoken. If the app dies while
recording, or before the attempt is saved, the WAV stays there without a row in the store. At
start the app calls :func:`pending_recordings`: it asks the speech engine to fix unfinished WAV
headers (``viva.speech.recorder.repair_unfinished``) and lists every recording no attempt refers
to, so the user can score it (``viva.app.recovery.score_recording``) or delete it explicitly
(:func:`discard_recording`). Nothing is removed silently.
"""

from __future__ import annotations

import json
import logging
import os
import struct
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from viva.storage.store import AttemptStore

log = logging.getLogger(__name__)

AUDIO_SUFFIXES = frozenset({".wav", ".flac", ".ogg"})


@dataclass(frozen=True, slots=True)
class PendingRecording:
    """A recording with no attempt: offer it for scoring."""

    path: Path
    size_bytes: int
    modified_at: datetime
    duration_s: float | None
    readable: bool
    problem: str | None = None
    question_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "size_bytes": self.size_bytes,
            "modified_at": self.modified_at.isoformat(),
            "duration_s": self.duration_s,
            "readable": self.readable,
            "problem": self.problem,
            "question_id": self.question_id,
        }


def repair_headers(directory: Path) -> None:
    """Ask the speech engine to fix WAV headers left unfinished by a crash, if it can."""
    from viva.speech.recorder import repair_unfinished

    try:
        repaired = repair_unfinished(directory)
    except (OSError, RuntimeError, ValueError, struct.error) as exc:
        log.warning("repairing unfinished recordings in %s failed: %s", directory, exc)
        return
    if repaired:
        log.info("repaired unfinished recordings: %s", repaired)


def guess_question_id(path: Path, known_ids: Iterable[str]) -> str | None:
    """The longest known question id that appears in the file name (recordings are named
    ``<time>-<question id>...``), or None."""
    stem = path.stem
    matches = [qid for qid in known_ids if qid and qid in stem]
    return max(matches, key=len) if matches else None


def being_recorded(path: Path) -> bool:
    """Whether a recorder (in this process or another) is still writing ``path``."""
    from viva.speech.recorder import is_being_recorded

    return is_being_recorded(path)


def _sidecar_question(path: Path) -> str | None:
    """The question id the recorder wrote beside an unfinished recording, if any."""
    sidecar = path.with_name(path.name + ".partial")
    try:
        meta = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    qid = meta.get("question_id") if isinstance(meta, dict) else None
    return qid if isinstance(qid, str) and qid else None


def _probe(path: Path) -> tuple[float | None, str | None]:
    import soundfile

    try:
        info = soundfile.info(str(path))
    except (RuntimeError, OSError) as exc:  # soundfile.LibsndfileError is a RuntimeError
        return None, f"the audio cannot be read ({exc})"
    if info.samplerate <= 0:
        return None, "the audio header is invalid"
    return info.frames / info.samplerate, None


def pending_recordings(
    store: AttemptStore | None = None,
    *,
    directory: Path | None = None,
    repair: bool = True,
    known_ids: Iterable[str] = (),
) -> list[PendingRecording]:
    """Recordings in the store's ``recordings/`` folder that no attempt refers to, oldest first.

    With ``repair`` the speech engine first fixes unfinished WAV headers. ``known_ids`` (e.g. the
    bank's ids) lets each entry guess which question it answered.
    """
    from viva.storage.store import AttemptStore

    own = store is None
    active = AttemptStore.open() if store is None else store
    try:
        folder = directory or active.recordings_dir
        if repair:
            repair_headers(folder)
        referenced = active.audio_paths()
    finally:
        if own:
            active.close()
    ids = list(known_ids)
    out: list[PendingRecording] = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.suffix.lower() not in AUDIO_SUFFIXES:
            continue
        if not path.is_file() or path.resolve() in referenced:
            continue
        if being_recorded(path):
            # Another process (or window) is still recording it: not ours to score or delete.
            continue
        stat = path.stat()
        duration, problem = _probe(path)
        out.append(
            PendingRecording(
                path=path,
                size_bytes=stat.st_size,
                modified_at=datetime.fromtimestamp(stat.st_mtime, timezone.utc),
                duration_s=duration,
                readable=problem is None,
                problem=problem,
                question_id=_sidecar_question(path) or guess_question_id(path, ids),
            )
        )
    out.sort(key=lambda p: p.modified_at)
    return out


def discard_recording(store: AttemptStore, path: Path) -> None:
    """Delete a pending recording the user chose to throw away.

    Refuses files outside the store's recordings folder and files an attempt refers to.
    """
    from viva.storage.store import StoreError

    resolved = path.resolve()
    if not resolved.is_relative_to(store.recordings_dir.resolve()):
        raise StoreError(f"{path} is not one of Viva's recordings; it was left alone.")
    if resolved in store.audio_paths():
        raise StoreError(
            f"{path} belongs to a saved attempt; delete the attempt instead (viva delete)."
        )
    if being_recorded(resolved):
        raise StoreError(f"{path} is still being recorded; stop that recording first.")
    os.remove(resolved)
    log.info("discarded the pending recording %s", resolved)
