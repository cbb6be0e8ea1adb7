"""The attempts store: every answer, kept safely in SQLite with its audio beside it.

One SQLite file (``paths.database_path()``, WAL journal, ``synchronous=FULL``, foreign keys on,
``secure_delete`` on) and a ``recordings/`` folder next to it. Each attempt keeps the question id
and a snapshot of the question as asked, the start time, the audio path, the duration, the
transcript with word timestamps, the feedback (``Feedback.to_dict()``), the model name and the
scorer version; coverage, verdict, topic and start time are also indexed columns for fast
listing. Re-scoring moves the previous results to ``score_history``.

Every write is one transaction (``BEGIN IMMEDIATE`` ... ``COMMIT``): a crash at any point leaves
the database as it was before or after the write. Audio is copied under a temporary name and
renamed into place before the row is committed; a copy whose row never landed shows up in
:func:`viva.storage.recovery.pending_recordings` instead of being lost.

A database that SQLite cannot read is moved aside as ``viva.sqlite3.corrupt-<timestamp>`` and a
fresh one is created; :attr:`AttemptStore.recovered` then tells the UI what happened.

Another process may hold the write lock (an import, a second window): every write waits for it
(SQLite's busy timeout, then retries with backoff, ``lock_wait_s`` in all, default 30 s, or
``VIVA_DB_LOCK_WAIT_S``) and then raises :class:`StoreBusy`. SQLite errors become
:class:`StoreError` with a message that names the cause (busy, disk full, read-only folder).
Callers that must not lose a scored attempt use :func:`save_or_queue` (queued on disk when the
history cannot take it now: ``savequeue``).

Use one ``AttemptStore`` per thread (SQLite connections are not shared between threads).
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import shutil
import sqlite3
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol

from viva.speech.transcript import Transcript
from viva.storage import paths
from viva.storage.migrations import SCHEMA_VERSION, SchemaTooNew, migrate

# The errors and time helpers live in ``records`` (shared with the save queue); they are part
# of the store's interface, so they are exported from here too.
from viva.storage.records import AttemptNotFound as AttemptNotFound
from viva.storage.records import SessionNotFound as SessionNotFound
from viva.storage.records import StoreBusy as StoreBusy
from viva.storage.records import StoreError as StoreError
from viva.storage.records import as_dict
from viva.storage.records import iso as iso
from viva.storage.records import now_utc as now_utc
from viva.storage.savequeue import flush_queue, queue_attempt, queued_files
from viva.storage.schedule import CardState, card_from_row, rebuild_cards

if TYPE_CHECKING:
    from viva.bank import Question
    from viva.scoring.feedback import Feedback
    from viva.storage.progress import Progress

log = logging.getLogger(__name__)

SQLITE_CORRUPT = 11
SQLITE_NOTADB = 26
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14


def default_lock_wait_s() -> float:
    """How long a write waits for another process's write lock (``VIVA_DB_LOCK_WAIT_S``)."""
    try:
        value = float(os.environ.get("VIVA_DB_LOCK_WAIT_S", "30"))
    except ValueError:
        return 30.0
    return value if value >= 0 and value == value and value != float("inf") else 30.0


class _HasToDict(Protocol):
    def to_dict(self) -> dict[str, Any]: ...


@dataclass(frozen=True, slots=True)
class StoreRecovered:
    """The database file was unreadable: it was kept aside and a fresh one created."""

    backup_path: Path
    reason: str

    @property
    def message(self) -> str:
        return (
            "Your practice history could not be read (the database file is damaged), so Viva "
            f"started a new, empty history. The damaged file was kept as {self.backup_path}; "
            "your recordings are untouched and can be scored again from the Review view."
        )


@dataclass(frozen=True, slots=True)
class AttemptSummary:
    """What the history list shows: no transcript or feedback JSON is parsed."""

    id: int
    uid: str
    question_id: str
    question_text: str
    topic: str
    started_at: datetime
    duration_s: float | None
    coverage: float | None
    verdict: str | None
    model_name: str | None
    scorer_version: str | None
    session_id: int | None
    audio_path: Path | None
    #: A follow-up's parent attempt (the answer whose missed point it probed), else None.
    parent_id: int | None = field(default=None, kw_only=True)
    #: The key point (1-based) a follow-up was scored against, else None.
    follow_up_point: int | None = field(default=None, kw_only=True)

    @property
    def is_follow_up(self) -> bool:
        return self.parent_id is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "uid": self.uid,
            "question_id": self.question_id,
            "question": self.question_text,
            "topic": self.topic,
            "started_at": self.started_at.isoformat(),
            "duration_s": self.duration_s,
            "coverage": self.coverage,
            "verdict": self.verdict,
            "model_name": self.model_name,
            "scorer_version": self.scorer_version,
            "session_id": self.session_id,
            "audio_path": str(self.audio_path) if self.audio_path else None,
        }


@dataclass(frozen=True, slots=True)
class ScoreRecord:
    """Results of an attempt that a re-score replaced."""

    replaced_at: datetime
    scored_at: datetime | None
    coverage: float | None
    verdict: str | None
    model_name: str | None
    scorer_version: str | None
    transcript: Transcript
    feedback: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {
            "replaced_at": self.replaced_at.isoformat(),
            "scored_at": self.scored_at.isoformat() if self.scored_at else None,
            "coverage": self.coverage,
            "verdict": self.verdict,
            "model_name": self.model_name,
            "scorer_version": self.scorer_version,
            "transcript": self.transcript.to_dict(),
            "feedback": self.feedback,
        }


@dataclass(frozen=True, slots=True)
class Attempt(AttemptSummary):
    """One attempt in full: question snapshot, transcript, feedback and earlier scores."""

    question: dict[str, Any]
    transcript: Transcript
    feedback: dict[str, Any]
    scored_at: datetime | None
    history: tuple[ScoreRecord, ...] = field(default=())

    def question_model(self) -> Question:
        """The question as asked, validated (raises pydantic's ValidationError if it no longer
        fits the schema)."""
        from viva.bank import Question

        return Question.model_validate(self.question)

    def feedback_object(self) -> Feedback:
        """The feedback as ``viva.scoring.Feedback``."""
        from viva.scoring import Feedback

        return Feedback.from_dict(self.feedback)

    def to_dict(self) -> dict[str, Any]:
        out = AttemptSummary.to_dict(self)
        out.update(
            question_snapshot=self.question,
            transcript=self.transcript.to_dict(),
            feedback=self.feedback,
            scored_at=self.scored_at.isoformat() if self.scored_at else None,
            history=[h.to_dict() for h in self.history],
            parent_id=self.parent_id,
            follow_up_point=self.follow_up_point,
        )
        return out


@dataclass(frozen=True, slots=True)
class Session:
    """A mock interview or practice round grouping attempts."""

    id: int
    uid: str
    kind: str
    question_ids: tuple[str, ...]
    started_at: datetime
    finished_at: datetime | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "uid": self.uid,
            "kind": self.kind,
            "question_ids": list(self.question_ids),
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
        }


def _parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _question_snapshot(question: Any) -> dict[str, Any]:
    if hasattr(question, "model_dump"):
        return dict(question.model_dump(mode="json"))
    if isinstance(question, Mapping):
        snapshot: dict[str, Any] = json.loads(json.dumps(dict(question)))
        return snapshot
    raise TypeError(f"question must be a Question or a mapping, got {type(question).__name__}")


def _float(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _current_scorer_version() -> str:
    from viva.scoring import SCORER_VERSION

    return str(SCORER_VERSION)


_SUMMARY_COLUMNS = (
    "id, uid, question_id, question_text, topic, started_at, duration_s, coverage, verdict, "
    "model_name, scorer_version, session_id, audio_path, parent_id, follow_up_point"
)
_N_SUMMARY = len(_SUMMARY_COLUMNS.split(","))


class AttemptStore:
    """Attempts, sessions and spaced-repetition cards in one SQLite file."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        path: Path,
        *,
        recovered: StoreRecovered | None = None,
        migrated_from: int | None = None,
        migration_backup: Path | None = None,
    ) -> None:
        self._conn = conn
        self.path = path
        #: Seconds a write waits for another process's write lock before :class:`StoreBusy`.
        self.lock_wait_s = default_lock_wait_s()
        #: Set when the database file was damaged and replaced by a fresh one (show its message).
        self.recovered = recovered
        #: Schema version found on open when a migration ran (None: nothing to migrate).
        self.migrated_from = migrated_from
        #: Copy of the database taken before migrating.
        self.migration_backup = migration_backup

    # ---------------------------------------------------------------- opening and closing
    @classmethod
    def open(cls, path: str | os.PathLike[str] | None = None) -> AttemptStore:
        """Open (creating or migrating) the store at ``path`` (default ``paths.database_path()``).

        Raises :class:`StoreError` if the file is in use or written by a newer Viva. A damaged
        file is moved aside and replaced; see :attr:`recovered`.
        """
        db_path = Path(path) if path is not None else paths.database_path()
        db_path.parent.mkdir(parents=True, exist_ok=True)
        try:
            conn, found, backup = cls._open_checked(db_path)
        except SchemaTooNew as exc:
            raise StoreError(str(exc)) from exc
        except sqlite3.DatabaseError as exc:
            if not _is_corruption(exc):
                raise _store_error(exc, db_path, "open") from exc
            aside = _move_aside(db_path)
            log.error("history database %s is damaged (%s); kept as %s", db_path, exc, aside)
            conn, found, backup = cls._open_checked(db_path)
            store = cls(conn, db_path, recovered=StoreRecovered(aside, str(exc)))
        else:
            migrated = found if 0 < found < SCHEMA_VERSION else None
            store = cls(conn, db_path, migrated_from=migrated, migration_backup=backup)
        store._flush_queue()
        return store

    def _flush_queue(self) -> None:
        """Save attempts that were queued while the store was busy (never fails the open)."""
        if not queued_files(self.root):
            return
        try:
            saved = flush_queue(self)
        except (StoreError, OSError, sqlite3.Error) as exc:
            log.warning("queued attempts stay queued: %s", exc)
            return
        if saved:
            log.info("saved %d queued attempt(s): %s", len(saved), saved)

    @staticmethod
    def _open_checked(db_path: Path) -> tuple[sqlite3.Connection, int, Path | None]:
        conn = sqlite3.connect(
            db_path, isolation_level=None, timeout=min(10.0, default_lock_wait_s())
        )
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA secure_delete=ON")
            check = conn.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise sqlite3.DatabaseError(f"integrity check failed: {check}")
            found, backup = migrate(conn, db_path=db_path, rebuild=rebuild_cards)
        except BaseException:
            conn.close()
            raise
        return conn, found, backup

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> AttemptStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def connection(self) -> sqlite3.Connection:
        """The raw connection (read-only use: reports, benchmarks)."""
        return self._conn

    @property
    def root(self) -> Path:
        """The folder of the database; relative audio paths are relative to it."""
        return self.path.parent

    @property
    def recordings_dir(self) -> Path:
        path = self.root / "recordings"
        path.mkdir(parents=True, exist_ok=True)
        return path

    @property
    def schema_version(self) -> int:
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def integrity_check(self) -> str:
        """``ok`` or SQLite's list of problems."""
        return "\n".join(str(r[0]) for r in self._conn.execute("PRAGMA integrity_check"))

    def _begin(self) -> None:
        """``BEGIN IMMEDIATE``, waiting for another writer up to :attr:`lock_wait_s`."""
        deadline = time.monotonic() + self.lock_wait_s
        delay = 0.05
        while True:
            # SQLite's own busy handler waits in slices, so the deadline is kept.
            remaining = max(0.0, deadline - time.monotonic())
            self._conn.execute(f"PRAGMA busy_timeout = {int(min(remaining, 1.0) * 1000)}")
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if not _is_busy(exc) or time.monotonic() >= deadline:
                    raise _store_error(exc, self.path, "write", self.lock_wait_s) from exc
                log.info("the history is locked by another process; waiting (%s)", exc)
                time.sleep(min(delay, max(0.0, deadline - time.monotonic())))
                delay = min(delay * 2, 1.0)

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self._begin()
        try:
            yield self._conn
            self._conn.execute("COMMIT")
        except BaseException as exc:
            if self._conn.in_transaction:
                try:
                    self._conn.execute("ROLLBACK")
                except sqlite3.Error as rollback_exc:
                    log.warning("rollback failed: %s", rollback_exc)
            if isinstance(exc, sqlite3.OperationalError):
                raise _store_error(exc, self.path, "write", self.lock_wait_s) from exc
            raise

    # ---------------------------------------------------------------- audio paths
    def _stored_audio(self, path: Path) -> str:
        resolved = path.resolve()
        try:
            return resolved.relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return str(resolved)

    def resolve_audio(self, stored: str | None) -> Path | None:
        if not stored:
            return None
        path = Path(stored)
        return path if path.is_absolute() else self.root / path

    def _audio_owner(self, stored: str) -> int | None:
        row = self._conn.execute(
            "SELECT id FROM attempts WHERE audio_path = ? LIMIT 1", (stored,)
        ).fetchone()
        return int(row[0]) if row else None

    def _copy_audio(self, source: Path, started_at: datetime, question_id: str, uid: str) -> Path:
        stamp = started_at.astimezone(timezone.utc).strftime("%Y%m%d-%H%M%S")
        target = self.recordings_dir / f"{stamp}-{question_id}-{uid[:8]}{source.suffix.lower()}"
        partial = target.with_name(f".{target.name}.partial")
        try:
            shutil.copyfile(source, partial)
            with open(partial, "rb+") as fh:
                os.fsync(fh.fileno())
            os.replace(partial, target)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                raise StoreError(
                    f"The disk holding the practice history ({self.root}) is full, so the "
                    f"recording {source} could not be copied into it. Free some space, then "
                    "try again."
                ) from exc
            raise StoreError(
                f"The recording {source} could not be copied into {self.recordings_dir} "
                f"({exc.strerror or exc}). Check the folder is writable, then try again."
            ) from exc
        return target

    # ---------------------------------------------------------------- writing
    def add_attempt(
        self,
        question: Question | Mapping[str, Any],
        transcript: Transcript | Mapping[str, Any],
        feedback: _HasToDict | Mapping[str, Any],
        *,
        audio_path: str | os.PathLike[str] | None = None,
        model_name: str | None = None,
        session_id: int | None = None,
        copy_audio: bool = True,
        started_at: datetime | None = None,
        scorer_version: str | None = None,
        uid: str | None = None,
        parent_id: int | None = None,
        follow_up_point: int | None = None,
        asked: str | None = None,
    ) -> int:
        """Store one scored attempt atomically and update its question's card; returns its id.

        ``feedback`` is a ``viva.scoring.Feedback`` (anything with ``to_dict()``) or its dict.
        With ``audio_path`` and ``copy_audio`` the file is copied into :attr:`recordings_dir`
        (unless already there); without ``copy_audio`` the path is referenced as it is.

        A follow-up gives ``parent_id`` (the attempt of the same question whose missed point it
        probed), ``follow_up_point`` (that key point, 1-based) and ``asked`` (the follow-up
        question as asked; stored as the attempt's question text). ``question`` is then the
        question narrowed to that key point, as the follow-up was scored.
        """
        snapshot = _question_snapshot(question)
        question_id = str(snapshot.get("id") or "")
        if not question_id:
            raise StoreError("The question has no id; it cannot be stored.")
        if (parent_id is None) != (follow_up_point is None):
            raise StoreError("A follow-up needs both its parent attempt and its key point.")
        if parent_id is not None:
            self._check_parent(parent_id, question_id)
        tr = (
            transcript
            if isinstance(transcript, Transcript)
            else Transcript.from_dict(dict(transcript))
        )
        fb = as_dict(feedback, "feedback")
        raw_timing = fb.get("timing")
        timing = raw_timing if isinstance(raw_timing, Mapping) else {}
        started = started_at or now_utc()
        uid = uid or uuid.uuid4().hex
        version = scorer_version or fb.get("scorer_version") or _current_scorer_version()
        duration = _float(timing.get("duration_s"))
        if duration is None:
            duration = _float(tr.duration_s)

        copied: Path | None = None
        stored_audio: str | None = None
        if audio_path is not None:
            source = Path(audio_path)
            if not source.is_file():
                raise StoreError(
                    f"The recording {source} does not exist, so the attempt was not saved. "
                    "Check the file path and try again."
                )
            inside = source.resolve().is_relative_to(self.recordings_dir.resolve())
            owner = self._audio_owner(self._stored_audio(source))
            if (copy_audio and not inside) or owner is not None:
                # Each attempt owns its own file: deleting one never takes another's audio.
                if owner is not None:
                    log.warning("%s already belongs to attempt %s; storing a copy", source, owner)
                copied = self._copy_audio(source, started, question_id, uid)
                stored_audio = self._stored_audio(copied)
            else:
                stored_audio = self._stored_audio(source)
        try:
            with self._transaction() as conn:
                cur = conn.execute(
                    "INSERT INTO attempts (uid, question_id, topic, question_text, question_json, "
                    "started_at, audio_path, duration_s, transcript_json, feedback_json, "
                    "coverage, verdict, model_name, scorer_version, session_id, scored_at, "
                    "parent_id, follow_up_point) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        uid,
                        question_id,
                        str(snapshot.get("topic") or ""),
                        asked or str(snapshot.get("question") or ""),
                        json.dumps(snapshot, ensure_ascii=False),
                        iso(started),
                        stored_audio,
                        duration,
                        json.dumps(tr.to_dict(), ensure_ascii=False),
                        json.dumps(fb, ensure_ascii=False),
                        _float(fb.get("coverage")),
                        timing.get("verdict"),
                        model_name,
                        version,
                        session_id,
                        iso(now_utc()),
                        parent_id,
                        follow_up_point,
                    ),
                )
                rebuild_cards(conn, [question_id])
        except sqlite3.IntegrityError as exc:
            if copied is not None:
                copied.unlink(missing_ok=True)
            if session_id is not None and "FOREIGN KEY" in str(exc):
                raise SessionNotFound(
                    f"There is no practice session {session_id}; start one first."
                ) from exc
            raise StoreError(f"The attempt could not be saved: {exc}.") from exc
        except BaseException:
            if copied is not None:
                copied.unlink(missing_ok=True)
            raise
        attempt_id = int(cur.lastrowid or 0)
        log.info(
            "stored attempt %s for %s (coverage %s)", attempt_id, question_id, fb.get("coverage")
        )
        return attempt_id

    def _check_parent(self, parent_id: int, question_id: str) -> None:
        row = self._conn.execute(
            "SELECT question_id, parent_id FROM attempts WHERE id = ?", (parent_id,)
        ).fetchone()
        if row is None:
            raise AttemptNotFound(
                f"There is no attempt {parent_id} to attach this follow-up to; see `viva history`."
            )
        if row[0] != question_id or row[1] is not None:
            raise StoreError(
                f"Attempt {parent_id} is not an answer to {question_id} (or is a follow-up "
                "itself), so the follow-up cannot be attached to it."
            )

    def replace_score(
        self,
        attempt_id: int,
        feedback: _HasToDict | Mapping[str, Any],
        *,
        transcript: Transcript | None = None,
        model_name: str | None = None,
        scorer_version: str | None = None,
    ) -> None:
        """Give an attempt new results; the previous ones move to its score history."""
        fb = as_dict(feedback, "feedback")
        raw_timing = fb.get("timing")
        timing = raw_timing if isinstance(raw_timing, Mapping) else {}
        version = scorer_version or fb.get("scorer_version") or _current_scorer_version()
        with self._transaction() as conn:
            row = conn.execute(
                "SELECT question_id, transcript_json, feedback_json, coverage, verdict, "
                "model_name, scorer_version, scored_at, duration_s FROM attempts WHERE id = ?",
                (attempt_id,),
            ).fetchone()
            if row is None:
                raise AttemptNotFound(f"There is no attempt {attempt_id}; see `viva history`.")
            qid, tr_json, fb_json, cov, verdict, old_model, old_version, scored, dur = row
            conn.execute(
                "INSERT INTO score_history (attempt_id, replaced_at, scored_at, transcript_json, "
                "feedback_json, coverage, verdict, model_name, scorer_version) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    attempt_id,
                    iso(now_utc()),
                    scored,
                    tr_json,
                    fb_json,
                    cov,
                    verdict,
                    old_model,
                    old_version,
                ),
            )
            new_tr = json.dumps(transcript.to_dict(), ensure_ascii=False) if transcript else tr_json
            duration = _float(timing.get("duration_s"))
            conn.execute(
                "UPDATE attempts SET transcript_json = ?, feedback_json = ?, coverage = ?, "
                "verdict = ?, model_name = ?, scorer_version = ?, scored_at = ?, duration_s = ? "
                "WHERE id = ?",
                (
                    new_tr,
                    json.dumps(fb, ensure_ascii=False),
                    _float(fb.get("coverage")),
                    timing.get("verdict"),
                    model_name if model_name is not None else old_model,
                    version,
                    iso(now_utc()),
                    duration if duration is not None else dur,
                    attempt_id,
                ),
            )
            rebuild_cards(conn, [qid])

    def import_attempt(
        self,
        attempt: Attempt,
        *,
        audio_path: Path | None,
        session_id: int | None,
        replace_id: int | None = None,
        parent_id: int | None = None,
    ) -> int:
        """Insert an attempt from another store (same uid, times and score history), replacing
        attempt ``replace_id`` if given (under the same id); one transaction.

        ``parent_id`` is the id in this store of a follow-up's parent (the caller maps it by
        uid). Follow-ups of a replaced attempt stay attached to its replacement.
        """
        with self._transaction() as conn:
            kept: list[int] = []
            if replace_id is not None:
                # Detach the replaced attempt's follow-ups first: deleting it would delete them.
                kept = [
                    int(r[0])
                    for r in conn.execute(
                        "SELECT id FROM attempts WHERE parent_id = ?", (replace_id,)
                    )
                ]
                conn.execute(
                    "UPDATE attempts SET parent_id = NULL WHERE parent_id = ?", (replace_id,)
                )
                conn.execute("DELETE FROM attempts WHERE id = ?", (replace_id,))
            # A replaced attempt keeps its id (None: a new one), so `--attempt N` still works.
            cur = conn.execute(
                "INSERT INTO attempts (id, uid, question_id, topic, question_text, "
                "question_json, started_at, audio_path, duration_s, transcript_json, "
                "feedback_json, coverage, verdict, model_name, scorer_version, session_id, "
                "scored_at, parent_id, follow_up_point) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    replace_id,
                    attempt.uid,
                    attempt.question_id,
                    attempt.topic,
                    attempt.question_text,
                    json.dumps(attempt.question, ensure_ascii=False),
                    iso(attempt.started_at),
                    self._stored_audio(audio_path) if audio_path else None,
                    attempt.duration_s,
                    json.dumps(attempt.transcript.to_dict(), ensure_ascii=False),
                    json.dumps(attempt.feedback, ensure_ascii=False),
                    attempt.coverage,
                    attempt.verdict,
                    attempt.model_name,
                    attempt.scorer_version,
                    session_id,
                    iso(attempt.scored_at) if attempt.scored_at else None,
                    parent_id,
                    attempt.follow_up_point if parent_id is not None else None,
                ),
            )
            new_id = int(cur.lastrowid or 0)
            if kept:
                marks = ",".join("?" * len(kept))
                conn.execute(
                    f"UPDATE attempts SET parent_id = ? WHERE id IN ({marks})", (new_id, *kept)
                )
            for old in attempt.history:
                conn.execute(
                    "INSERT INTO score_history (attempt_id, replaced_at, scored_at, "
                    "transcript_json, feedback_json, coverage, verdict, model_name, "
                    "scorer_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        new_id,
                        iso(old.replaced_at),
                        iso(old.scored_at) if old.scored_at else None,
                        json.dumps(old.transcript.to_dict(), ensure_ascii=False),
                        json.dumps(old.feedback, ensure_ascii=False),
                        old.coverage,
                        old.verdict,
                        old.model_name,
                        old.scorer_version,
                    ),
                )
            rebuild_cards(conn, [attempt.question_id])
        return new_id

    def import_session(self, session: Session) -> int:
        """Insert a session from another store (same uid and times)."""
        with self._transaction() as conn:
            cur = conn.execute(
                "INSERT INTO sessions (uid, kind, question_ids_json, started_at, finished_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (
                    session.uid,
                    session.kind,
                    json.dumps(list(session.question_ids)),
                    iso(session.started_at),
                    iso(session.finished_at) if session.finished_at else None,
                ),
            )
        return int(cur.lastrowid or 0)

    def start_session(self, kind: str, question_ids: Sequence[str]) -> int:
        """Open a session (``kind``: e.g. "mock", "practice", "due") over ``question_ids``."""
        with self._transaction() as conn:
            cur = conn.execute(
                "INSERT INTO sessions (uid, kind, question_ids_json, started_at) "
                "VALUES (?, ?, ?, ?)",
                (uuid.uuid4().hex, kind, json.dumps(list(question_ids)), iso(now_utc())),
            )
        return int(cur.lastrowid or 0)

    def finish_session(self, session_id: int) -> None:
        with self._transaction() as conn:
            cur = conn.execute(
                "UPDATE sessions SET finished_at = ? WHERE id = ? AND finished_at IS NULL",
                (iso(now_utc()), session_id),
            )
            if cur.rowcount == 0 and self._session_row(session_id) is None:
                raise SessionNotFound(f"There is no practice session {session_id}.")

    def delete_attempt(self, attempt_id: int) -> None:
        """Delete an attempt, its earlier scores and its audio (if the store holds the file).

        Its follow-ups go with it (rows, scores and audio): a follow-up means nothing without
        the answer it probed.
        """
        with self._transaction() as conn:
            row = conn.execute(
                "SELECT question_id, audio_path FROM attempts WHERE id = ?", (attempt_id,)
            ).fetchone()
            if row is None:
                raise AttemptNotFound(f"There is no attempt {attempt_id}; see `viva history`.")
            stored = [row[1]] + [
                r[0]
                for r in conn.execute(
                    "SELECT audio_path FROM attempts WHERE parent_id = ?", (attempt_id,)
                )
            ]
            conn.execute("DELETE FROM attempts WHERE id = ?", (attempt_id,))  # cascades
            rebuild_cards(conn, [row[0]])
        for path in stored:
            self._delete_recording(path)
        log.info("deleted attempt %s", attempt_id)

    def _delete_recording(self, stored: str | None) -> None:
        """Remove a deleted attempt's recording if the store holds it and nobody else uses it."""
        if not stored:
            return
        audio = self.resolve_audio(stored)
        if self._audio_owner(stored) is not None:
            log.warning("the recording %s is shared with another attempt; kept", audio)
            return
        if audio is not None and audio.resolve().is_relative_to(self.recordings_dir.resolve()):
            try:
                audio.unlink(missing_ok=True)
            except OSError as exc:
                log.warning("could not delete the recording %s: %s", audio, exc)

    def delete_all(self) -> int:
        """Delete every attempt, session and recording, and the backups beside the database.

        Returns the number of attempts deleted. The database file is vacuumed so nothing of the
        deleted answers stays on disk.
        """
        with self._transaction() as conn:
            count = int(conn.execute("SELECT count(*) FROM attempts").fetchone()[0])
            for table in ("score_history", "attempts", "sessions", "cards"):
                conn.execute(f"DELETE FROM {table}")
        self._conn.execute("VACUUM")
        self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        shutil.rmtree(self.recordings_dir, ignore_errors=False)
        self.recordings_dir.mkdir(parents=True, exist_ok=True)
        for old in self.root.glob(f"{self.path.name}.*"):
            if "-backup-" in old.name or ".corrupt-" in old.name:
                old.unlink()
        log.info("deleted all %s attempts and their recordings", count)
        return count

    # ---------------------------------------------------------------- reading
    def _summary(self, row: Sequence[Any]) -> AttemptSummary:
        return AttemptSummary(
            id=row[0],
            uid=row[1],
            question_id=row[2],
            question_text=row[3],
            topic=row[4],
            started_at=datetime.fromisoformat(row[5]),
            duration_s=row[6],
            coverage=row[7],
            verdict=row[8],
            model_name=row[9],
            scorer_version=row[10],
            session_id=row[11],
            audio_path=self.resolve_audio(row[12]),
            parent_id=row[13],
            follow_up_point=row[14],
        )

    def list_attempts(
        self,
        question_id: str | None = None,
        limit: int | None = None,
        *,
        topic: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        session_id: int | None = None,
        oldest_first: bool = False,
        follow_ups: bool = False,
    ) -> list[AttemptSummary]:
        """Attempts, newest first (``oldest_first`` reverses), filtered as asked.

        Follow-ups are left out unless ``follow_ups`` (see :meth:`follow_ups_of`).
        """
        where: list[str] = []
        args: list[Any] = []
        if not follow_ups:
            where.append("parent_id IS NULL")
        if question_id is not None:
            where.append("question_id = ?")
            args.append(question_id)
        if topic is not None:
            where.append("topic = ? COLLATE NOCASE")
            args.append(topic)
        if since is not None:
            where.append("started_at >= ?")
            args.append(iso(since))
        if until is not None:
            where.append("started_at < ?")
            args.append(iso(until))
        if session_id is not None:
            where.append("session_id = ?")
            args.append(session_id)
        sql = f"SELECT {_SUMMARY_COLUMNS} FROM attempts"
        if where:
            sql += " WHERE " + " AND ".join(where)
        order = "ASC" if oldest_first else "DESC"
        sql += f" ORDER BY started_at {order}, id {order}"
        if limit is not None:
            sql += " LIMIT ?"
            args.append(int(limit))
        return [self._summary(row) for row in self._conn.execute(sql, args)]

    def count_attempts(self) -> int:
        """The number of answers to questions (follow-ups not counted)."""
        return int(
            self._conn.execute("SELECT count(*) FROM attempts WHERE parent_id IS NULL").fetchone()[
                0
            ]
        )

    def follow_ups_of(self, parent_ids: Sequence[int]) -> dict[int, list[AttemptSummary]]:
        """The follow-ups of each of ``parent_ids`` (oldest first); parents without any are
        left out."""
        ids = list(dict.fromkeys(int(i) for i in parent_ids))
        found: dict[int, list[AttemptSummary]] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._conn.execute(
                f"SELECT {_SUMMARY_COLUMNS} FROM attempts WHERE parent_id IN ({marks}) "
                "ORDER BY started_at, id",
                chunk,
            )
            for row in rows:
                summary = self._summary(row)
                found.setdefault(int(summary.parent_id or 0), []).append(summary)
        return found

    def get_attempt(self, attempt_id: int) -> Attempt:
        """One attempt in full; raises :class:`AttemptNotFound`."""
        row = self._conn.execute(
            f"SELECT {_SUMMARY_COLUMNS}, question_json, transcript_json, feedback_json, scored_at "
            "FROM attempts WHERE id = ?",
            (attempt_id,),
        ).fetchone()
        if row is None:
            raise AttemptNotFound(f"There is no attempt {attempt_id}; see `viva history`.")
        summary = self._summary(row)
        fields = {name: getattr(summary, name) for name in AttemptSummary.__dataclass_fields__}
        n = _N_SUMMARY
        return Attempt(
            **fields,
            question=json.loads(row[n]),
            transcript=Transcript.from_dict(json.loads(row[n + 1])),
            feedback=json.loads(row[n + 2]),
            scored_at=_parse(row[n + 3]),
            history=tuple(self.score_history(attempt_id)),
        )

    def attempt_ids_by_uid(self) -> dict[str, int]:
        return {uid: i for i, uid in self._conn.execute("SELECT id, uid FROM attempts")}

    def score_history(self, attempt_id: int) -> list[ScoreRecord]:
        """Earlier results of an attempt, oldest first."""
        rows = self._conn.execute(
            "SELECT replaced_at, scored_at, coverage, verdict, model_name, scorer_version, "
            "transcript_json, feedback_json FROM score_history WHERE attempt_id = ? ORDER BY id",
            (attempt_id,),
        )
        return [
            ScoreRecord(
                replaced_at=datetime.fromisoformat(r[0]),
                scored_at=_parse(r[1]),
                coverage=r[2],
                verdict=r[3],
                model_name=r[4],
                scorer_version=r[5],
                transcript=Transcript.from_dict(json.loads(r[6])),
                feedback=json.loads(r[7]),
            )
            for r in rows
        ]

    def _session_row(self, session_id: int) -> Sequence[Any] | None:
        row: Sequence[Any] | None = self._conn.execute(
            "SELECT id, uid, kind, question_ids_json, started_at, finished_at FROM sessions "
            "WHERE id = ?",
            (session_id,),
        ).fetchone()
        return row

    @staticmethod
    def _session(row: Sequence[Any]) -> Session:
        return Session(
            id=row[0],
            uid=row[1],
            kind=row[2],
            question_ids=tuple(json.loads(row[3])),
            started_at=datetime.fromisoformat(row[4]),
            finished_at=_parse(row[5]),
        )

    def get_session(self, session_id: int) -> Session:
        row = self._session_row(session_id)
        if row is None:
            raise SessionNotFound(f"There is no practice session {session_id}.")
        return self._session(row)

    def list_sessions(self, limit: int | None = None) -> list[Session]:
        sql = (
            "SELECT id, uid, kind, question_ids_json, started_at, finished_at FROM sessions "
            "ORDER BY started_at DESC, id DESC"
        )
        args: tuple[Any, ...] = ()
        if limit is not None:
            sql += " LIMIT ?"
            args = (int(limit),)
        return [self._session(r) for r in self._conn.execute(sql, args)]

    def cards(self) -> dict[str, CardState]:
        """Spaced-repetition state of every practised question."""
        rows = self._conn.execute(
            "SELECT question_id, topic, card_json, due, first_seen, reviews, last_rating, "
            "last_coverage FROM cards"
        )
        return {r[0]: card_from_row(r) for r in rows}

    def audio_paths(self) -> set[Path]:
        """Every recording an attempt refers to (resolved)."""
        rows = self._conn.execute("SELECT audio_path FROM attempts WHERE audio_path IS NOT NULL")
        return {p.resolve() for (stored,) in rows if (p := self.resolve_audio(stored))}

    def progress(self, topic: str | None = None, *, now: datetime | None = None) -> Progress:
        """Per-topic coverage and duration over time, with practised and due counts."""
        from viva.storage.progress import compute_progress

        return compute_progress(self, topic=topic, now=now)


def _is_busy(exc: sqlite3.Error) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (SQLITE_BUSY, SQLITE_LOCKED)
    return "locked" in str(exc) or "busy" in str(exc)


def _store_error(
    exc: sqlite3.Error, db_path: Path, action: str, waited_s: float | None = None
) -> StoreError:
    """A user-facing error for a SQLite failure: what happened and what to do."""
    code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
    text = str(exc)
    if code in (SQLITE_CANTOPEN, SQLITE_IOERR, SQLITE_READONLY, SQLITE_FULL) or not code:
        # SQLite often says only "disk I/O error" or "unable to open": look at the folder.
        problem = _folder_problem(db_path.parent)
        if problem == "full":
            code = SQLITE_FULL
        elif problem == "read-only":
            code = SQLITE_READONLY
    if _is_busy(exc):
        waited = f" for {waited_s:.0f} s" if waited_s else ""
        return StoreBusy(
            f"The practice history is busy: another Viva window or command (an import?) kept "
            f"it locked{waited}. Wait for it to finish, then try again."
        )
    if code == SQLITE_FULL or "disk is full" in text:
        return StoreError(
            f"The disk holding the practice history ({db_path.parent}) is full, so nothing "
            "could be written. Free some space, then try again."
        )
    if code == SQLITE_READONLY or "readonly" in text or "read-only" in text:
        return StoreError(
            f"The practice history at {db_path} is read-only (so is its folder, or the file). "
            "Make it writable, or choose another data folder with --data-dir."
        )
    if code in (SQLITE_CANTOPEN, SQLITE_IOERR):
        return StoreError(
            f"Could not {action} the practice history at {db_path} ({text}). Check that the "
            "folder exists, is writable and the disk has free space, then try again."
        )
    return StoreError(
        f"Could not {action} the practice history at {db_path} ({text}). Check the folder is "
        "writable and has free space, then try again."
    )


def _folder_problem(folder: Path) -> str | None:
    """Return "full" or "read-only" when the folder's file system says so, else None."""
    try:
        st = os.statvfs(folder)
    except OSError:
        return None
    if st.f_flag & os.ST_RDONLY or not os.access(folder, os.W_OK):
        return "read-only"
    if st.f_bavail * st.f_frsize < (1 << 20):
        return "full"
    return None


def _is_corruption(exc: sqlite3.DatabaseError) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code in (SQLITE_CORRUPT, SQLITE_NOTADB)
    return not isinstance(exc, sqlite3.OperationalError)


def _move_aside(db_path: Path) -> Path:
    """Rename a damaged database (and its WAL/SHM files) to ``<name>.corrupt-<timestamp>``."""
    stamp = now_utc().strftime("%Y%m%dT%H%M%S%fZ")
    aside = db_path.with_name(f"{db_path.name}.corrupt-{stamp}")
    os.replace(db_path, aside)
    for suffix in ("-wal", "-shm"):
        extra = db_path.with_name(db_path.name + suffix)
        if extra.exists():
            os.replace(extra, aside.with_name(aside.name + suffix))
    return aside


@dataclass(frozen=True, slots=True)
class SaveResult:
    """Where the attempt went: ``attempt_id`` when stored, ``queued`` when it waits on disk."""

    attempt_id: int | None
    queued: Path | None = None
    reason: str | None = None
    #: The attempt's uid: a follow-up of a queued answer names its parent by it.
    uid: str | None = None


def save_or_queue(
    question: Any,
    transcript: Any,
    feedback: Any,
    *,
    audio_path: str | os.PathLike[str] | None = None,
    model_name: str | None = None,
    session_id: int | None = None,
    store: AttemptStore | None = None,
    parent_id: int | None = None,
    follow_up_point: int | None = None,
    asked: str | None = None,
    parent_uid: str | None = None,
) -> SaveResult:
    """Store a scored attempt now, or queue it when the history cannot take it.

    A follow-up gives ``parent_id``, ``follow_up_point`` and ``asked`` (see
    :meth:`AttemptStore.add_attempt`); if its answer was queued, ``parent_uid`` instead (the
    answer's :attr:`SaveResult.uid`): it is stored once the answer is, linked to it.

    Raises :class:`~viva.storage.store.StoreError` only when neither worked (e.g. the disk is
    full): its message then says both."""
    uid = uuid.uuid4().hex
    # What the history row and the queued file both record (the queue stores it as given).
    attempt: dict[str, Any] = {
        "audio_path": audio_path,
        "model_name": model_name,
        "session_id": session_id,
        "started_at": now_utc(),
        "uid": uid,
        "follow_up_point": follow_up_point,
        "asked": asked,
    }
    try:
        with nullcontext(store) if store is not None else AttemptStore.open() as target:
            if parent_id is None and parent_uid is not None:
                # The answer may have been saved since (any open flushes the queue).
                target._flush_queue()  # noqa: SLF001 - the store's own flush
                parent_id = target.attempt_ids_by_uid().get(parent_uid)
                if parent_id is None:
                    raise _ParentStillQueued
            attempt_id = target.add_attempt(
                question, transcript, feedback, parent_id=parent_id, **attempt
            )
            return SaveResult(attempt_id, uid=uid)
    except _ParentStillQueued:
        failure = StoreError("Its answer is still waiting to be added to your history.")
    except StoreError as exc:
        failure = exc
    try:
        queued = queue_attempt(
            question,
            transcript,
            feedback,
            root=store.root if store is not None else None,
            parent_id=parent_id,
            parent_uid=parent_uid if parent_id is None else None,
            **attempt,
        )
    except OSError as exc:
        raise StoreError(
            f"{failure.user_message} The attempt could not be kept for later either "
            f"({exc.strerror or exc})."
        ) from exc
    return SaveResult(None, queued, failure.user_message, uid=uid)


class _ParentStillQueued(Exception):
    """A follow-up's answer is not in the history yet: queue the follow-up behind it."""
