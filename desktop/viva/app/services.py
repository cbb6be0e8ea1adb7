"""The app's services: bank, speech engine, feedback engine and store behind small Protocols.

Qt-free. The views get one :class:`Services` object; tests and the smoke test build it with
other parts (a WAV replayed as the microphone, a temporary store) through the factories. All
methods here may block: the GUI calls them from workers only.
"""

from __future__ import annotations

import logging
import re
import threading
import time
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from viva.bank import Bank, Question
from viva.settings import Settings
from viva.speech.decoder import Decoder
from viva.speech.speaker import sentence_spans
from viva.speech.transcript import Transcript

if TYPE_CHECKING:
    from viva.scoring.feedback import Feedback, KeyPointResult
    from viva.speech.live import Commit, Partial
    from viva.storage.store import AttemptStore

log = logging.getLogger(__name__)


class TranscriberLike(Decoder, Protocol):
    @property
    def model_name(self) -> str: ...

    def load(self) -> Any: ...

    def transcribe(
        self,
        audio: Any,
        *,
        hotwords: str | None = None,
        progress: Callable[[float], None] | None = None,
    ) -> Transcript: ...


class RecorderLike(Protocol):
    def start(self, path: Path | None = None) -> Path: ...

    def stop(self) -> Any: ...


class LiveLike(Protocol):
    def feed(self, chunk: np.ndarray) -> Any: ...

    def announce_finish(self) -> None: ...

    def finish(self) -> Transcript: ...


class SpeakerLike(Protocol):
    def say(self, text: str) -> Any: ...

    def read_aloud(self, text: str, on_sentence: Callable[[int], None] | None = None) -> int: ...

    def stop(self) -> Any: ...


@dataclass(frozen=True, slots=True)
class SavedAttempt:
    """An answer after scoring: its feedback and the attempt id in the store."""

    question: Question
    transcript: Transcript
    feedback: Feedback
    attempt_id: int | None
    audio_path: Path | None
    timings: dict[str, float] = field(default_factory=dict)
    #: The last earlier attempt at this question (id and feedback), for the change line.
    previous_id: int | None = None
    previous_feedback: Feedback | None = None
    #: The follow-up asked after this answer, once it was answered and scored.
    follow_up: SavedFollowUp | None = None
    #: Set when the history could not take the answer now: what happened and that it is kept.
    save_note: str | None = None
    #: The uid the answer waits under in the save queue (its follow-up links to it).
    queued_uid: str | None = None
    #: Set when the transcript was made again after the feedback was shown
    #: (:meth:`Services.refine_attempt`): the feedback the first, live transcript got.
    refined_from: Feedback | None = None


def mark_live(transcript: Transcript) -> Transcript:
    """``transcript`` marked as decoded live, in short chunks: once its answer is stored it is
    refined by a second, batch pass (:meth:`Services.refine_attempt`)."""
    return replace(transcript, extra={**transcript.extra, "pass": "live"})


def refinable(saved: SavedAttempt) -> bool:
    """Whether ``saved`` is a stored answer whose transcript was decoded live."""
    return saved.attempt_id is not None and saved.transcript.extra.get("pass") == "live"


def coverage_change(before: float, after: float) -> str:
    """How a refinement moved an answer's coverage, as the views say it."""
    if round(before, 2) != round(after, 2):
        return f"coverage {before:.0%} → {after:.0%}"
    return f"coverage unchanged at {after:.0%}"


@dataclass(frozen=True, slots=True)
class SavedFollowUp:
    """A follow-up answer after scoring against the one key point it probed."""

    point: int  # 1-based
    asked: str
    question: Question  # narrowed to the probed point
    transcript: Transcript
    feedback: Feedback  # with one key point
    attempt_id: int | None
    audio_path: Path | None
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def result(self) -> KeyPointResult:
        """The probed point's ``KeyPointResult`` (status, evidence)."""
        return self.feedback.key_points[0]


#: The shortest target a follow-up answer gets (low, high seconds): one point, said with an
#: example, needs a sentence or three.
FOLLOW_UP_TARGET_FLOOR = (10, 30)


def narrow_to_point(question: Question, point: int) -> Question:
    """``question`` with key point ``point`` (1-based) only: how a follow-up answer is scored,
    as ``viva score --point N`` does. Its target time is the question's shared out over its key
    points (at least FOLLOW_UP_TARGET_FLOOR): a follow-up on one point is not "too short" for
    missing the length of a whole answer."""
    count = len(question.key_points)
    if not 1 <= point <= count:
        raise ValueError(f"{question.id} has no key point {point}")
    low, high = question.target_seconds
    low = max(FOLLOW_UP_TARGET_FLOOR[0], round(low / count))
    high = max(FOLLOW_UP_TARGET_FLOOR[1], round(high / count), low + 1)
    return question.model_copy(
        update={"key_points": [question.key_points[point - 1]], "target_seconds": (low, high)}
    )


_WORD_RE = re.compile(r"[\w'-]+")

#: One scorer run at a time: the scorer shares state between calls (its stemmer is not
#: thread-safe: the start-up warm-up and a first answer scored together raised IndexError).
SCORE_LOCK = threading.Lock()

_reference_cache: dict[tuple[str, str, tuple[str, ...]], tuple[str | None, ...]] = {}
_reference_lock = threading.Lock()


def cached_reference_evidence(question: Question) -> tuple[str | None, ...] | None:
    """:func:`reference_evidence` if it was computed already, else None (never computes)."""
    key = (question.id, question.reference_answer, tuple(question.key_point_texts))
    with _reference_lock:
        return _reference_cache.get(key)


def _whole_sentences(text: str, quote: str | None) -> str | None:
    """The sentences of ``text`` that ``quote`` (a stretch of it) stands in: the reference is
    marked a sentence at a time (a clause cut at "...so anyone can rerun" read as a slip), in
    the sentences Listen reads it by."""
    if not quote:
        return None
    start = text.find(quote)
    if start < 0:
        return quote
    end = start + len(quote)
    touched = [(a, b) for a, b in sentence_spans(text) if a < end and b > start]
    return text[touched[0][0] : touched[-1][1]] if touched else quote


def reference_evidence(question: Question) -> tuple[str | None, ...]:
    """For each key point, the words of the reference answer that make it.

    The scorer scores the reference answer itself, so the reference is marked with the
    sentences holding the scorer's own evidence for each point (or, where it did not find the
    point in the reference, the sentence closest to making it): a missed point of the user's
    answer is shown where the reference makes it. Cached per question; the first call for a
    question takes a scorer run (about 0.5 s with the learned judge), so the feedback panel
    runs it on a worker after the feedback is shown.
    """
    key = (question.id, question.reference_answer, tuple(question.key_point_texts))
    with _reference_lock:
        cached = _reference_cache.get(key)
    if cached is not None:
        return cached
    from viva.scoring import score_answer

    with SCORE_LOCK:
        feedback = score_answer(question, Transcript.from_text(question.reference_answer))
    text = question.reference_answer
    found = tuple(
        _whole_sentences(text, point.evidence or point.closest)
        for point in feedback.key_points
    )
    with _reference_lock:
        _reference_cache[key] = found
    return found


class Services:
    """Lazily built core objects, shared by the views. Thread-safe where workers share them."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        bank_loader: Callable[[], Bank] | None = None,
        transcriber_factory: Callable[[Settings], TranscriberLike] | None = None,
        recorder_factory: Callable[[Settings, Callable[[np.ndarray], None]], RecorderLike]
        | None = None,
        speaker_factory: Callable[[Settings], SpeakerLike] | None = None,
        sd_module: Any = None,
        clock: Callable[[], float] = time.monotonic,
        live: bool = True,
        live_vocabulary: bool = True,
        refine: bool = True,
    ) -> None:
        self.settings = settings or Settings.load()
        self._bank_loader = bank_loader or _default_bank
        self._transcriber_factory = transcriber_factory or _default_transcriber
        self._recorder_factory = recorder_factory
        self._speaker_factory = speaker_factory or _default_speaker
        self.sd_module = sd_module
        self.clock = clock
        self.live = live
        #: Give the question's vocabulary to the live path's final decodes (jargon spelled
        #: right: benchmarks/results/jargon.md); off only to measure what it costs.
        self.live_vocabulary = live_vocabulary
        #: Whether refinement may run at all (tests turn it off); the user's setting decides
        #: the rest (:attr:`refine`).
        self._refine_allowed = refine
        self._lock = threading.Lock()
        self._store_lock = threading.Lock()
        self._bank: Bank | None = None
        self._transcriber: TranscriberLike | None = None
        self._transcriber_key: str | None = None
        self._speaker: SpeakerLike | None = None

    # --- bank ---------------------------------------------------------------------------------

    def bank(self, *, reload: bool = False) -> Bank:
        with self._lock:
            if self._bank is None or reload:
                self._bank = self._bank_loader()
            return self._bank

    @property
    def cached_bank(self) -> Bank | None:
        return self._bank

    # --- speech -------------------------------------------------------------------------------

    def transcriber(self) -> TranscriberLike:
        key = f"{self.settings.model_dir}|{self.settings.language}"
        with self._lock:
            if self._transcriber is None or self._transcriber_key != key:
                self._transcriber = self._transcriber_factory(self.settings)
                self._transcriber_key = key
            return self._transcriber

    def load_model(self) -> tuple[str, float]:
        """Load the Whisper model now. Returns (where it was loaded from, seconds taken)."""
        transcriber = self.transcriber()
        started = time.perf_counter()
        transcriber.load()
        where = str(getattr(transcriber, "model_dir", transcriber.model_name))
        return where, time.perf_counter() - started

    def warm_up_scorer(self) -> float:
        """Score a tiny typed answer once, so the first real answer pays no set-up cost."""
        started = time.perf_counter()
        bank = self.bank()
        question = next(iter(bank), None)
        if question is not None:
            self.score(question, Transcript.from_text(question.key_points[0].text))
        return time.perf_counter() - started

    def make_recorder(
        self, on_chunk: Callable[[np.ndarray], None], question_id: str | None = None
    ) -> RecorderLike:
        """A recorder for one answer. ``question_id`` goes into the file's name and its
        sidecar from the first second, so a recording recovered after a crash knows which
        question it answered."""
        if self._recorder_factory is not None:
            return self._recorder_factory(self.settings, on_chunk)
        from viva.speech.recorder import Recorder

        return Recorder(
            self.settings.input_device,
            sd_module=self.sd_module,
            on_chunk=on_chunk,
            max_seconds=max(600, self.settings.answer_limit_seconds + 60),
            question_id=question_id,
        )

    def make_live(
        self,
        question: Question | None,
        on_partial: Callable[[Partial], None],
        on_commit: Callable[[Commit], None],
    ) -> LiveLike | None:
        if not self.live:
            return None
        from viva.speech.live import LiveTranscriber

        # The coverage judge reads each commit in the background, so that scoring at Stop
        # only judges the tail of the answer.
        judge = None
        if question is not None:
            from viva.scoring.live import LiveJudge

            judge = LiveJudge(question)

        def committed(commit: Commit) -> None:
            if judge is not None:
                # All committed words, not just the new ones: a revising transcriber may have
                # changed the commit before this one.
                judge.update(live.committed_words)
            on_commit(commit)

        # The question's vocabulary goes to the final decodes only (commits and the tail at
        # Stop); the tentative re-decodes stay without it, so they stay cheap. Term recall of
        # the live transcript 0.733 -> 0.887 for 1.25x final decode time (jargon.md).
        hotwords = None
        if question is not None and self.live_vocabulary:
            from viva.scoring.coverage import hotwords as jargon  # the CLI's builder too

            hotwords = jargon(question)
        live = LiveTranscriber(
            self.transcriber(),
            hotwords=hotwords,
            on_partial=on_partial,
            on_commit=committed,
        )
        if judge is not None:
            weakref.finalize(live, judge.close)
        return live

    def stop_speaking(self) -> None:
        speaker = self._speaker
        if speaker is not None:
            speaker.stop()

    def speaker(self) -> SpeakerLike:
        with self._lock:
            if self._speaker is None:
                self._speaker = self._speaker_factory(self.settings)
            return self._speaker

    def reset_speech(self) -> None:
        """Forget the speaker and transcriber so new settings take effect."""
        with self._lock:
            self._speaker = None
            self._transcriber = None

    # --- scoring and storage -----------------------------------------------------------------

    def score(self, question: Question, transcript: Transcript) -> Feedback:
        from viva.scoring import score_answer

        with SCORE_LOCK:
            return score_answer(question, transcript, fillers=self.settings.fillers or None)

    def open_store(self) -> AttemptStore:
        """A new store connection for the calling thread (SQLite: one connection per thread).

        Opening is serialised: the first open creates or migrates the database, and two
        workers doing that at once collide ("table attempts already exists").
        """
        from viva.storage.store import AttemptStore

        with self._store_lock:
            return AttemptStore.open()

    def score_attempt(
        self,
        question: Question,
        transcript: Transcript,
        *,
        audio_path: Path | None = None,
        look_back: bool = True,
        store: AttemptStore | None = None,
    ) -> SavedAttempt:
        """Score an answer, not stored yet (``attempt_id`` None). Runs on a worker.

        With ``look_back`` the last earlier attempt at the question is read (from ``store``, or
        a connection opened for it) for the change line; a history that cannot be read now only
        costs that line (saving deals with it).
        """
        started = time.perf_counter()
        feedback = self.score(question, transcript)
        scored = time.perf_counter()
        previous_id, previous_feedback = (
            self._previous(question, store) if look_back else (None, None)
        )
        return SavedAttempt(
            question=question,
            transcript=transcript,
            feedback=feedback,
            attempt_id=None,
            audio_path=audio_path,
            timings={"score_s": scored - started},
            previous_id=previous_id,
            previous_feedback=previous_feedback,
        )

    def save_attempt(
        self,
        scored: SavedAttempt,
        *,
        session_id: int | None = None,
        store: AttemptStore | None = None,
    ) -> SavedAttempt:
        """Store a scored answer (in ``store``, or a connection opened for it); the same answer
        with its attempt id (or its place in the save queue and a note for the user). Runs on a
        worker."""
        started = time.perf_counter()
        target = store if store is not None else self.open_store()
        try:
            attempt_id, note, queued_uid = self._save(
                target,
                scored.question,
                scored.transcript,
                scored.feedback,
                scored.audio_path,
                session_id,
            )
        finally:
            if store is None:
                _close(target)
        return replace(
            scored,
            attempt_id=attempt_id,
            save_note=note,
            queued_uid=queued_uid,
            timings={**scored.timings, "save_s": time.perf_counter() - started},
        )

    def finish_answer(
        self,
        question: Question,
        transcript: Transcript,
        *,
        audio_path: Path | None = None,
        session_id: int | None = None,
        save: bool = True,
    ) -> SavedAttempt:
        """Score an answer and store it (:meth:`score_attempt`, then :meth:`save_attempt`), on
        one store connection."""
        if not save:
            return self.score_attempt(question, transcript, audio_path=audio_path, look_back=False)
        store = self.open_store()
        try:
            scored = self.score_attempt(question, transcript, audio_path=audio_path, store=store)
            return self.save_attempt(scored, session_id=session_id, store=store)
        finally:
            _close(store)

    def _previous(
        self, question: Question, store: AttemptStore | None = None
    ) -> tuple[int | None, Feedback | None]:
        """The last stored attempt at ``question``: its id and feedback, or (None, None)."""
        import sqlite3

        from viva.storage.store import StoreError

        try:
            source = store if store is not None else self.open_store()
        except (StoreError, OSError, sqlite3.Error) as exc:
            log.warning("earlier attempts at %s not read: %s", question.id, exc)
            return None, None
        try:
            earlier = source.list_attempts(question_id=question.id, limit=1)
            if not earlier:
                return None, None
            return earlier[0].id, source.get_attempt(earlier[0].id).feedback_object()
        except (StoreError, OSError, sqlite3.Error) as exc:
            log.warning("earlier attempts at %s not read: %s", question.id, exc)
            return None, None
        finally:
            if store is None:
                _close(source)

    def finish_follow_up(
        self,
        parent: SavedAttempt,
        transcript: Transcript,
        *,
        audio_path: Path | None = None,
        session_id: int | None = None,
        save: bool = True,
    ) -> SavedFollowUp:
        """Score a follow-up answer against the point its parent's feedback probed; store it
        linked to the parent attempt. Runs on a worker."""
        follow_up = parent.feedback.follow_up
        if follow_up is None:
            raise ValueError("this answer has no follow-up question")
        question = narrow_to_point(parent.question, follow_up.point)
        started = time.perf_counter()
        feedback = self.score(question, transcript)
        scored = time.perf_counter()
        attempt_id: int | None = None
        if save and parent.attempt_id is None and parent.queued_uid is None:
            # Unlinked, it would count as an answer to the whole question; the answer was not
            # saved (typed in a mock with saving off), so the follow-up is only shown.
            log.warning("follow-up of an unsaved answer to %s not stored", question.id)
        elif save:
            # An answer still waiting in the save queue is named by its uid: the follow-up is
            # stored right after it (now, if the history has taken it since, or later).
            store = self.open_store()
            try:
                attempt_id, _, _ = self._save(
                    store,
                    question,
                    transcript,
                    feedback,
                    audio_path,
                    session_id,
                    parent_id=parent.attempt_id,
                    parent_uid=parent.queued_uid if parent.attempt_id is None else None,
                    follow_up_point=follow_up.point,
                    asked=follow_up.question,
                )
            finally:
                _close(store)
        return SavedFollowUp(
            point=follow_up.point,
            asked=follow_up.question,
            question=question,
            transcript=transcript,
            feedback=feedback,
            attempt_id=attempt_id,
            audio_path=audio_path,
            timings={"score_s": scored - started, "save_s": time.perf_counter() - scored},
        )

    def transcribe_file(
        self,
        question: Question,
        path: Path,
        progress: Callable[[float], None] | None = None,
    ) -> Transcript:
        from viva.scoring.coverage import hotwords as jargon  # the CLI's builder too

        return self.transcriber().transcribe(path, hotwords=jargon(question), progress=progress)

    @property
    def refine(self) -> bool:
        """After the feedback on a live-transcribed answer is shown, transcribe its recording
        again with the batch path and replace the result if the text changed
        (:meth:`refine_attempt`; Settings: "Transcribe answers again, more carefully")."""
        return self._refine_allowed and self.settings.refine_transcripts

    def refine_attempt(
        self, saved: SavedAttempt, progress: Callable[[float], None] | None = None
    ) -> SavedAttempt | None:
        """Transcribe a stored answer's recording again with the batch path and, if the text
        changed, score it and store the result in the attempt's place. Runs on a worker.

        The live transcript, which the first feedback is built from, is decoded in chunks of
        3-6 s so that little is left at Stop; the batch path decodes 15-28 s chunks with beam 5
        and the question's vocabulary (streamed WER 16.7 / 19.4 / 30.7 % against batch 11.7 /
        18.6 / 21.0 % on the 120 s answers of ``benchmarks/results/transcription.md``). The
        first results move to the attempt's score history (``AttemptStore.replace_score``).
        Returns the refined answer (``refined_from`` set), or None when there is nothing to
        refine or the words came out the same. ``progress`` may raise to cancel.
        """
        from viva.scoring import SCORER_VERSION

        audio = saved.audio_path
        if saved.attempt_id is None or audio is None or not audio.is_file():
            return None
        started = time.perf_counter()
        transcript = self.transcribe_file(saved.question, audio, progress)
        transcript = replace(transcript, extra={**transcript.extra, "pass": "refined"})
        transcribed = time.perf_counter()
        if _WORD_RE.findall(transcript.text.lower()) == _WORD_RE.findall(
            saved.transcript.text.lower()
        ):
            log.info(
                "attempt %s: refined transcript unchanged (%.2f s)",
                saved.attempt_id,
                transcribed - started,
            )
            return None
        feedback = self.score(saved.question, transcript)
        store = self.open_store()
        try:
            store.replace_score(
                saved.attempt_id,
                feedback,
                transcript=transcript,
                model_name=self._model_name(),
                scorer_version=str(SCORER_VERSION),
            )
        finally:
            _close(store)
        log.info(
            "attempt %s refined: coverage %.2f -> %.2f (transcribed in %.2f s)",
            saved.attempt_id,
            saved.feedback.coverage,
            feedback.coverage,
            transcribed - started,
        )
        return replace(
            saved,
            transcript=transcript,
            feedback=feedback,
            refined_from=saved.feedback,
            timings={
                **saved.timings,
                "refine_transcribe_s": transcribed - started,
                "refine_s": time.perf_counter() - started,
            },
        )

    def _save(
        self,
        store: AttemptStore,
        question: Question,
        transcript: Transcript,
        feedback: Feedback,
        audio_path: Path | None,
        session_id: int | None,
        **link: Any,
    ) -> tuple[int | None, str | None, str | None]:
        """Store a scored answer (``link``: a follow-up's parent, point and question asked).

        Returns the attempt id, or, when it could not be stored now, a note for the user and
        the uid it is queued under. A busy or failing history never drops it: it waits on
        disk and is saved the next time the store opens; the attempt id is None then.
        """
        from viva.storage.store import save_or_queue

        result = save_or_queue(
            question,
            transcript,
            feedback,
            audio_path=audio_path,
            model_name=self._model_name() if audio_path else None,
            session_id=session_id,
            store=store,
            **link,
        )
        if result.queued is None:
            return result.attempt_id, None, None
        log.warning("%s queued for later (%s): %s", question.id, result.reason, result.queued)
        note = (
            f"Your answer was scored but could not be added to your history yet "
            f"({result.reason}). It is kept on disk and is added the next time Viva opens "
            "the history; nothing is lost."
        )
        return None, note, result.uid

    def _model_name(self) -> str | None:
        if self._transcriber is None:
            return None
        try:
            return self._transcriber.model_name
        except Exception as exc:  # noqa: BLE001 - a name is optional; never fail a save on it
            log.warning("could not read the model name: %s", exc)
            return None


def _close(store: Any) -> None:
    close = getattr(store, "close", None)
    if callable(close):
        close()


def _default_bank() -> Bank:
    from viva.bank import open_bank

    return open_bank()


def _default_transcriber(settings: Settings) -> TranscriberLike:
    from viva.speech.transcriber import Transcriber

    language = settings.language or "en"
    return Transcriber(settings.model_dir or None, language=language)


def _default_speaker(settings: Settings) -> SpeakerLike:
    from viva.speech.speaker import Speaker

    return Speaker(voice=settings.voice, rate=settings.rate, device=settings.output_device)


def _search_rank(question: Question, needle: str, words: list[str]) -> tuple[int, float] | None:
    """(tier, closeness) of ``question`` for the search ``needle``; None when it does not match.

    Tier 0: the question's own text holds the needle; 1: a variant does; 2: every word of the
    needle is in the text or a variant; 3: a tag, the topic or the id holds it; 4: a close
    spelling (rapidfuzz) of words of the text or a variant; 5: of a tag.
    """
    from rapidfuzz import fuzz

    title = question.question.lower()
    variants = [v.lower() for v in question.variants]
    labels = [t.lower() for t in question.tags] + [question.topic.lower(), question.id.lower()]
    closeness = fuzz.partial_ratio(needle, title)
    if needle in title:
        # Earlier and whole-word hits first, then shorter questions (the needle is more of it).
        at = title.index(needle)
        whole = at == 0 or not title[at - 1].isalnum()
        return 0, (100.0 if whole else 90.0) - at / 10 - len(title) / 100
    if any(needle in v for v in variants):
        return 1, max(fuzz.partial_ratio(needle, v) for v in variants)
    if len(words) > 1 and any(all(w in text for w in words) for text in (title, *variants)):
        return 2, closeness
    if any(needle in label for label in labels):
        return 3, max(fuzz.partial_ratio(needle, label) for label in labels)
    if all(len(w) >= 4 for w in words):
        # A misspelt word ("canry") is close to a whole word of the text or a variant (tier 4)
        # or of a tag (tier 5).
        for tier, texts in ((4, (title, *variants)), (5, labels)):
            vocabulary = {w for t in texts for w in _WORD_RE.findall(t)}
            best = min(max((fuzz.ratio(w, v) for v in vocabulary), default=0.0) for w in words)
            if best >= 80:
                return tier, best
    return None


def filter_questions(
    questions: Sequence[Question],
    *,
    text: str = "",
    topic: str | None = None,
    difficulty: str | None = None,
    only: set[str] | None = None,
) -> list[Question]:
    """The questions matching the Practice list's search box and filters.

    Without search text the bank's order is kept; with it, questions whose own text matches
    come first, then variants, then all words anywhere in the text, tags/topic/id, and close
    spellings (of the text, then of tags) last.
    """
    needle = " ".join(text.lower().split())
    words = needle.split()
    ranked: list[tuple[tuple[int, float], int, Question]] = []
    for n, q in enumerate(questions):
        if topic and q.topic != topic:
            continue
        if difficulty and q.difficulty != difficulty:
            continue
        if only is not None and q.id not in only:
            continue
        if not needle:
            ranked.append(((0, 0.0), n, q))
            continue
        rank = _search_rank(q, needle, words)
        if rank is not None:
            ranked.append(((rank[0], -rank[1]), n, q))
    ranked.sort(key=lambda r: (r[0], r[1]))
    return [q for _r, _n, q in ranked]
