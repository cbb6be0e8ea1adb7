"""A scored attempt is never dropped: when the history cannot take it now, it waits on disk.

:func:`viva.storage.store.save_or_queue` stores an attempt, or, when the store is busy (another
process kept the write lock too long) or cannot be written, writes everything needed to store it
later to
``<data>/queued/<uid>.json`` (written under a temporary name, fsynced, renamed). Every
:meth:`AttemptStore.open` of that store calls :func:`flush_queue`, which stores the queued
attempts with their original uid and start time (an attempt already stored under that uid is not
stored twice) and removes each file only after its row is committed.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from viva.speech.transcript import Transcript
from viva.storage import paths
from viva.storage.records import SessionNotFound, StoreBusy, StoreError, as_dict, iso, now_utc

log = logging.getLogger(__name__)

QUEUE_DIR = "queued"
FORMAT = "viva-queued-attempt"


def queue_dir(root: Path | None = None) -> Path:
    """The queue of the store whose database lives in ``root`` (default: the data folder)."""
    return (root if root is not None else paths.database_path().parent) / QUEUE_DIR


def _to_dict(value: Any) -> dict[str, Any]:
    return as_dict(value, "a queued value")  # the store's own conversion, so both agree


def queue_attempt(
    question: Any,
    transcript: Any,
    feedback: Any,
    *,
    audio_path: str | os.PathLike[str] | None = None,
    model_name: str | None = None,
    session_id: int | None = None,
    started_at: datetime | None = None,
    uid: str | None = None,
    root: Path | None = None,
    parent_id: int | None = None,
    follow_up_point: int | None = None,
    asked: str | None = None,
    parent_uid: str | None = None,
) -> Path:
    """Write an attempt to the queue; returns the file. Raises OSError if that fails too.

    A follow-up whose answer is itself still queued names it by ``parent_uid``: the flush
    stores the answer first and links the follow-up to it."""
    uid = uid or uuid.uuid4().hex
    record = {
        "format": FORMAT,
        "uid": uid,
        "question": _to_dict(question),
        "transcript": _to_dict(transcript),
        "feedback": _to_dict(feedback),
        "audio_path": str(Path(audio_path).resolve()) if audio_path else None,
        "model_name": model_name,
        "session_id": session_id,
        "started_at": iso(started_at or now_utc()),
    }
    if parent_id is not None or parent_uid is not None:
        record.update(
            parent_id=parent_id, parent_uid=parent_uid, follow_up_point=follow_up_point, asked=asked
        )
    folder = queue_dir(root)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{uid}.json"
    partial = folder / f".{uid}.json.partial"
    try:
        with open(partial, "w", encoding="utf-8") as fh:
            json.dump(record, fh, ensure_ascii=False)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    log.warning("queued attempt %s at %s to save later", uid, target)
    return target


def queued_files(root: Path | None = None) -> list[Path]:
    folder = queue_dir(root)
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


class QueueTarget(Protocol):
    """What flushing needs of the store (``AttemptStore`` is one)."""

    @property
    def root(self) -> Path: ...

    def attempt_ids_by_uid(self) -> dict[str, int]: ...

    def add_attempt(
        self,
        question: Any,
        transcript: Transcript,
        feedback: Any,
        *,
        audio_path: str | os.PathLike[str] | None = None,
        model_name: str | None = None,
        session_id: int | None = None,
        started_at: datetime | None = None,
        uid: str | None = None,
        parent_id: int | None = None,
        follow_up_point: int | None = None,
        asked: str | None = None,
    ) -> int: ...


def flush_queue(store: QueueTarget) -> list[int]:
    """Store every queued attempt of ``store``; returns the new attempt ids.

    A file that cannot be read or stored is left in place (and logged); a busy store stops the
    flush (the rest stays queued for next time)."""
    saved: list[int] = []
    files = queued_files(store.root)
    if not files:
        return saved
    known = store.attempt_ids_by_uid()
    # Answers before follow-ups: a follow-up may name a queued answer as its parent.
    files.sort(key=lambda f: _names_parent(f))
    for path in files:
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
            if record.get("format") != FORMAT:
                raise ValueError("not a queued attempt")
            uid = str(record["uid"])
            started = datetime.fromisoformat(record["started_at"])
            transcript = Transcript.from_dict(record["transcript"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.error("cannot read the queued attempt %s (%s); it is kept", path, exc)
            continue
        if uid in known:
            path.unlink(missing_ok=True)
            continue
        audio = record.get("audio_path")
        if audio and not Path(audio).is_file():
            log.warning("the recording %s of queued attempt %s is gone", audio, uid)
            audio = None
        session_id = record.get("session_id")
        parent_id = record.get("parent_id")
        if parent_id is None and record.get("parent_uid"):
            parent_id = known.get(str(record["parent_uid"]))
            if parent_id is None:
                log.warning("queued follow-up %s waits for its answer to be saved first", uid)
                continue
        fields: dict[str, Any] = {
            "audio_path": audio,
            "model_name": record.get("model_name"),
            "started_at": started,
            "uid": uid,
            "parent_id": parent_id,
            "follow_up_point": record.get("follow_up_point"),
            "asked": record.get("asked"),
        }
        try:
            try:
                attempt_id = store.add_attempt(
                    record["question"], transcript, record["feedback"],
                    session_id=session_id, **fields,
                )
            except SessionNotFound:  # the session was deleted meanwhile: store it without
                attempt_id = store.add_attempt(
                    record["question"], transcript, record["feedback"], **fields
                )
        except StoreBusy as exc:
            log.warning("queued attempts stay queued: %s", exc.user_message)
            break
        except (StoreError, TypeError) as exc:
            log.error("the queued attempt %s could not be stored (%s); it is kept", path, exc)
            continue
        path.unlink(missing_ok=True)
        known[uid] = attempt_id
        saved.append(attempt_id)
        log.info("saved queued attempt %s as attempt %s", uid, attempt_id)
    return saved


def _names_parent(path: Path) -> bool:
    try:
        return bool(json.loads(path.read_text(encoding="utf-8")).get("parent_uid"))
    except (OSError, ValueError, AttributeError):
        return False
