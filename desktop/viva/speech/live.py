"""Live transcription while the user speaks, on a 2-core CPU.

Policy (measured in benchmarks/results/transcription.md): **VAD-bounded commits + a tentative
tail**, built so that little is left to decode when the user presses Stop.

* Silero VAD (faster-whisper's ONNX model) runs window by window (32 ms) on the incoming audio.
* The segmenter walks those windows one at a time, so where chunks are cut depends only on the
  audio, never on how far the worker lags behind.
* The open chunk is *committed* - decoded with beam 5 and word timestamps, the previous committed
  text as prompt - at a pause (``pause_s`` of non-speech) once it holds ``min_chunk_s`` of
  speech, or when it reaches ``max_chunk_s``. At the cap it is cut at the longest quiet run of its
  second half; if there is none, it is decoded whole and only the words ending ``holdback_s``
  before its end are kept, the rest (the overlap) is decoded again, with right context, as the
  start of the next chunk. A word repeated across a border is dropped. (Cutting at Whisper's word
  times alone lost words: tiny.en squeezes the times of the last words of a cut chunk.)
* ``context_s`` (default 0, not adopted) decodes a committed chunk with that much of the audio
  before its border in front and drops the words that audio yields
  (``benchmarks/border_context.py``: mixed, WER better on two voices and worse on the third).
* ``revise`` (default off, not adopted) decodes each committed chunk together with the one
  before it, when the two are adjacent, and replaces that previous chunk's words with the new
  decode's: every chunk but the last is final only once it has been decoded with the audio after
  it too (6-12 s windows instead of 3-6 s), one decode per commit as before, over twice the
  audio; not after Stop. Without timing it lowers WER on two voices of three; in real time on 2
  cores the worker has no time for it (after Stop 1.0-1.4 s, lag p90 3.9-5.9 s:
  ``benchmarks/results/transcription.md``, eleventh run).
* About once a second the open chunk is re-decoded cheaply (beam 1, no timestamps) and shown
  as *tentative* text - only when no commit is waiting, only on the newest audio, and never
  after Stop: there is no queue of tentative jobs that could go stale.
* At ``finish()`` only the open chunk (< ``max_chunk_s``, usually the last phrase) is left; it is
  decoded greedily (``tail_beam_size``, :data:`TAIL_BEAM_SIZE`): the user is waiting for it.
* ``announce_finish()`` (called when Stop is pressed, while the device still hands over its
  last blocks) starts no tentative decode from then on, so that ``finish()`` waits at most for
  the decode under way at Stop.
* A worker that falls behind (a busy machine) commits with beam 1 while more than
  ``BACKLOG_GREEDY_S`` of received audio waits, so the backlog stops growing; it returns to full
  quality once it has caught up.

Feed it from :class:`viva.speech.recorder.Recorder` (``on_chunk=live.feed``) or from a file at
real-time pace with :class:`FileSource`. ``feed()`` never blocks: decoding runs on a worker thread.
Callbacks run on that worker thread.
"""

from __future__ import annotations

import bisect
import difflib
import logging
import math
import queue
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from viva.speech.audio import SAMPLE_RATE, load_audio
from viva.speech.decoder import Decoder
from viva.speech.guard import VoiceMap
from viva.speech.transcript import Segment, Transcript, Word, join_words

log = logging.getLogger(__name__)

WINDOW = 512  # Silero VAD window at 16 kHz (32 ms)
MIN_SPEECH_WINDOWS = 6  # ~0.2 s of speech before a chunk is worth decoding
LEAD_IN_S = 0.5  # silence kept before speech when a chunk starts
PAUSE_PAD_S = 0.2  # silence kept after the last speech window when cutting at a pause
PREPARE_PAUSE_S = 0.25  # silence after speech that starts a final decode ahead of the commit


@dataclass(frozen=True, slots=True)
class Partial:
    """What a live display shows: committed text plus the tentative tail (may still change)."""

    committed: str
    tentative: str
    audio_s: float  # audio received so far

    @property
    def text(self) -> str:
        return f"{self.committed} {self.tentative}".strip()


@dataclass(frozen=True, slots=True)
class Commit:
    """A stretch of final text with word timestamps."""

    text: str
    words: tuple[Word, ...]
    start_s: float
    end_s: float


@dataclass
class LiveStats:
    after_stop_s: float | None = None  # finish() called -> final transcript ready
    stop_wait_s: float | None = None  # ... of which: the decode running at Stop, then backlog
    tail_s: float | None = None  # audio left to decode at Stop
    lag_median_s: float | None = None  # word first shown (tentative or committed)
    lag_p90_s: float | None = None
    commit_lag_median_s: float | None = None  # word final
    commit_lag_p90_s: float | None = None
    commits: int = 0
    partials: int = 0
    prepared: int = 0  # final decodes made ahead at a short pause
    reused: int = 0  # ... of which a commit or the tail at Stop reused
    decode_s: float = 0.0
    audio_s: float = 0.0
    greedy: int = 0  # commits decoded with beam 1 because the worker had fallen behind
    revised: int = 0  # previous chunks whose words a commit's decode replaced (``revise``)

    def to_dict(self) -> dict[str, Any]:
        return {k: (round(v, 3) if isinstance(v, float) else v) for k, v in vars(self).items()}


#: A live worker that falls behind the speaker (a busy machine) commits greedily (beam 1, about
#: twice as fast as beam 5) while more than this much received audio waits behind the chunk it
#: decodes, so the backlog - and the wait after Stop - stops growing. Not used in batch.
BACKLOG_GREEDY_S = 8.0

#: Beam size for the tail decoded after Stop. Greedy decoding cut the tail's decode from about
#: 0.6 s to 0.48 s on the 120 s answers of benchmarks/transcription.py (4-4.6 s tails) with the
#: same streamed WER on all three; commits keep beam 5, as nobody waits for them.
TAIL_BEAM_SIZE = 1

#: Beam size for the final decode made ahead at a short pause (``_maybe_prepare``). None: the
#: commits' beam. When Stop comes while that decode runs, the user waits for it.
PREPARE_BEAM_SIZE: int | None = None

#: Samples handed to the VAD at a time when a whole recording is transcribed (30 s).
INGEST_BLOCK = 30 * SAMPLE_RATE
#: ``revise`` decodes a chunk with the previous one only if at most this much (a lead-in of
#: silence) lies between them: never across a long silence, where Whisper invents words.
REVISE_GAP_S = 1.0


class _StreamingVad:
    """Silero speech probabilities for a stream, one per 512-sample window.

    faster-whisper's ``SileroVADModel.__call__`` restarts the model's recurrent state on every
    call, so feeding it block by block made the probabilities (and so the chunk borders) depend on
    how the audio happened to be split. Here the state (``h``, ``c``) and the 64-sample context are
    carried from call to call: the result is the same as one pass over the whole stream.
    """

    CONTEXT = 64

    def __init__(self) -> None:
        from faster_whisper.vad import get_vad_model

        self._session = get_vad_model().session
        self._pending = np.zeros(0, dtype=np.float32)
        self._context = np.zeros(self.CONTEXT, dtype=np.float32)
        self._h = np.zeros((1, 1, 128), dtype=np.float32)
        self._c = np.zeros((1, 1, 128), dtype=np.float32)

    def push(self, samples: np.ndarray) -> np.ndarray:
        buf = np.concatenate([self._pending, samples])
        n = len(buf) // WINDOW
        if n == 0:
            self._pending = buf
            return np.zeros(0, dtype=np.float32)
        windows = buf[: n * WINDOW].reshape(n, WINDOW)
        self._pending = buf[n * WINDOW :]
        contexts = np.concatenate([self._context[None, :], windows[:-1, -self.CONTEXT :]], axis=0)
        self._context = windows[-1, -self.CONTEXT :].copy()
        batch = np.ascontiguousarray(np.concatenate([contexts, windows], axis=1), dtype=np.float32)
        out, self._h, self._c = self._session.run(
            None, {"input": batch, "h": self._h, "c": self._c}
        )
        return np.asarray(out, dtype=np.float32).reshape(-1)


def _same_start(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two arrays begin at the same memory address."""
    return bool(a.__array_interface__["data"][0] == b.__array_interface__["data"][0])


class _Growing:
    """An append-only float32 buffer (amortised O(1) appends; ``view()`` is not a copy)."""

    def __init__(self, capacity: int) -> None:
        self._buf = np.zeros(capacity, dtype=np.float32)
        self._n = 0
        self._borrowed = False

    def __len__(self) -> int:
        return self._n

    @classmethod
    def over(cls, samples: np.ndarray) -> _Growing:
        """A buffer whose storage is ``samples`` itself, filled in place (batch use: the whole
        recording is in memory already, and appending its own blocks copies nothing)."""
        buf = cls(0)
        buf._buf = samples
        buf._borrowed = True
        return buf

    def append(self, values: np.ndarray) -> None:
        need = self._n + len(values)
        if self._borrowed:
            if need > len(self._buf) or not _same_start(values, self._buf[self._n :]):
                raise ValueError("a borrowed buffer only takes its own next samples")
            self._n = need
            return
        if need > len(self._buf):
            bigger = np.zeros(max(need, 2 * len(self._buf)), dtype=np.float32)
            bigger[: self._n] = self._buf[: self._n]
            self._buf = bigger
        self._buf[self._n : need] = values
        self._n = need

    def view(self) -> np.ndarray:
        return self._buf[: self._n]


@dataclass(frozen=True, slots=True)
class _Prepared:
    """A final-quality decode of the open chunk up to a pause, made while waiting for audio."""

    start: int  # chunk start (samples)
    speech_end: int  # end of the last speech window it covers
    end: int  # end of the decoded audio
    result: Transcript


@dataclass
class _Tentative:
    wall: float
    start_s: float
    words: list[str] = field(default_factory=list)


def _norm_words(text: str) -> list[str]:
    return [w for w in re.sub(r"[^a-z0-9' ]+", " ", text.lower()).split() if w]


def _from(result: Transcript, start_s: float) -> Transcript:
    """``result`` without the words centred before ``start_s`` (decoded as left context)."""
    words = tuple(w for w in result.words if (w.start + w.end) / 2 >= start_s)
    if len(words) == len(result.words):
        return result
    text = join_words(words)
    segments = (Segment(start=words[0].start, end=words[-1].end, text=text),) if words else ()
    return replace(result, text=text, words=words, segments=segments)


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    return float(np.percentile(np.asarray(values), q))


class LiveTranscriber:
    """Incremental transcription; see the module docstring for the policy."""

    def __init__(
        self,
        transcriber: Decoder,
        *,
        hotwords: str | None = None,
        on_partial: Callable[[Partial], None] | None = None,
        on_commit: Callable[[Commit], None] | None = None,
        pause_s: float = 0.5,
        max_chunk_s: float = 6.0,
        min_chunk_s: float = 3.0,
        holdback_s: float = 1.5,
        tentative_every_s: float = 1.0,
        commit_beam_size: int | None = None,
        tail_beam_size: int | None = TAIL_BEAM_SIZE,
        prepare_beam_size: int | None = PREPARE_BEAM_SIZE,
        threshold: float = 0.5,
        prepare: bool = True,
        context_s: float = 0.0,
        revise: bool = False,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.transcriber = transcriber
        self.hotwords = hotwords
        self.on_partial = on_partial
        self.on_commit = on_commit
        self.pause_s = pause_s
        self.max_chunk_s = max_chunk_s
        self.min_chunk_s = min_chunk_s
        self.holdback_s = holdback_s
        self.tentative_every_s = tentative_every_s
        self.commit_beam_size = commit_beam_size  # None: the transcriber's (5)
        self.tail_beam_size = tail_beam_size  # None: the commits' beam
        self.prepare_beam_size = prepare_beam_size  # None: the commits' beam
        self.threshold = threshold
        self.prepare = prepare  # final decode ahead at a short pause (see _maybe_prepare)
        self.neg_threshold = max(threshold - 0.15, 0.01)
        if revise and context_s > 0:
            # Both put audio before the chunk's start into its decode; with both, the words a
            # context_s decode yields there would replace a whole previous commit.
            raise ValueError("revise and context_s cannot be combined")
        self.context_s = context_s  # audio before a chunk decoded with it (words there dropped)
        self.revise = revise  # the previous chunk decoded again with each commit (words replaced)
        self.clock = clock
        self._stats = LiveStats()
        self._lags_done = False
        self.commits: list[Commit] = []
        self._q: queue.Queue[np.ndarray | None] = queue.Queue()
        self._audio_buf = _Growing(SAMPLE_RATE * 60)  # everything received, 16 kHz
        self._probs_buf = _Growing(2048)  # VAD probability per window
        self._arrivals: list[tuple[int, float]] = []  # (samples received, wall time)
        self._tentatives: list[_Tentative] = []
        self._commit_walls: list[float] = []
        self._chunk_start = 0  # sample index where the open chunk starts
        self._scan_w = 0  # next VAD window the segmenter looks at
        self._last_tentative_wall = 0.0
        self._last_tentative_len = 0
        self._prepared: _Prepared | None = None
        self._final: Transcript | None = None
        self._error: BaseException | None = None
        self._done = threading.Event()
        self._stopping = threading.Event()
        self._finish_called_at: float | None = None
        self._worker = threading.Thread(target=self._run, name="viva-live", daemon=True)
        self._started = False
        self._batch = False  # transcribe_all(): the whole recording is there, nothing is behind
        self._lock = threading.Lock()

    # -- public -----------------------------------------------------------------------------
    def start(self) -> None:
        """Load the model and VAD and start the worker (``feed`` starts it if needed)."""
        with self._lock:
            if self._started:
                return
            self._started = True
        self.transcriber.load()
        self._vad = _StreamingVad()
        self._worker.start()

    def feed(self, chunk: np.ndarray) -> None:
        """Queue 16 kHz mono float32 samples. Never blocks on decoding."""
        if not self._started:
            self.start()
        samples = np.asarray(chunk, dtype=np.float32).reshape(-1)
        self._q.put(samples)

    def announce_finish(self) -> None:
        """Stop was pressed: ``finish()`` follows once the device has handed over its last
        audio (closing it takes 0.1-0.2 s). No tentative decode starts from now on: its text
        would never be shown, and ``finish()`` would wait for it. Callable from any thread.

        (Decoding the tail here, on the audio received so far, was tried: when the last blocks
        still held speech it had to be decoded again, and Stop -> feedback got slower.)"""
        self._stopping.set()

    def finish(self, timeout: float | None = 120.0) -> Transcript:
        """No more audio: decode the tail and return the whole transcript (blocks)."""
        if not self._started:
            self.start()
        self._finish_called_at = self.clock()
        self._stopping.set()  # no new tentative decode from now on
        self._q.put(None)
        if not self._done.wait(timeout):
            raise TimeoutError("live transcription did not finish in time")
        self._stats.after_stop_s = self.clock() - self._finish_called_at
        log.info(
            "live transcript final %.2f s after finish(): %.2f s waiting for the decode under "
            "way, %.1f s of tail audio decoded (%d decodes made ahead reused)",
            self._stats.after_stop_s,
            self._stats.stop_wait_s or 0.0,
            self._stats.tail_s or 0.0,
            self._stats.reused,
        )
        if self._error is not None:
            raise self._error
        assert self._final is not None
        return self._final

    def transcribe_all(self, samples: np.ndarray) -> Transcript:
        """Batch use: segment and decode a whole recording on the calling thread.

        The chunks are cut exactly as in the live path (same VAD, pauses and cap), so a long
        file is decoded in short, prompt-linked chunks with the same faithfulness guard, never
        in Whisper's 30 s windows. No tentative decodes are made.
        """
        with self._lock:
            if self._started:
                raise RuntimeError("transcribe_all() on a live transcriber that was started")
            self._started = True
            self._batch = True
        self.transcriber.load()
        self._vad = _StreamingVad()
        self._stopping.set()
        try:
            # In blocks, as the live path gets it: the VAD's working memory (onnxruntime keeps
            # its largest batch) stays that of one block, not of the whole recording.
            flat = np.ascontiguousarray(samples, dtype=np.float32).reshape(-1)
            self._audio_buf = _Growing.over(flat)  # the recording is not copied a second time
            for start in range(0, len(flat), INGEST_BLOCK):
                self._ingest(flat[start : start + INGEST_BLOCK])
                self._maybe_commit()
            self._commit_tail()
            self._final = self._build_final()
        finally:
            self._done.set()
        return self._final

    @property
    def stats(self) -> LiveStats:
        """Measurements; the lag figures are filled in once the transcription has finished."""
        if self._done.is_set() and not self._lags_done:
            self._lags_done = True
            self._compute_lags()
        return self._stats

    @property
    def committed_text(self) -> str:
        return " ".join(c.text for c in self.commits).strip()

    @property
    def committed_words(self) -> tuple[Word, ...]:
        """Every committed word so far (with ``revise`` an earlier commit's words may change)."""
        return tuple(w for c in self.commits for w in c.words)

    @property
    def _audio(self) -> np.ndarray:
        return self._audio_buf.view()

    @property
    def _probs(self) -> np.ndarray:
        return self._probs_buf.view()

    # -- worker -----------------------------------------------------------------------------
    def _run(self) -> None:
        try:
            finishing = False
            while not finishing:
                items: list[np.ndarray | None] = []
                try:
                    items.append(self._q.get(timeout=0.05))
                    while True:
                        items.append(self._q.get_nowait())
                except queue.Empty:
                    pass
                new = [i for i in items if i is not None]
                finishing = len(new) < len(items)
                if new:
                    self._ingest(np.concatenate(new))
                self._maybe_commit()
                if not finishing and self._q.empty() and not self._maybe_prepare():
                    self._maybe_tentative()
            if self._finish_called_at is not None:
                self._stats.stop_wait_s = max(0.0, self.clock() - self._finish_called_at)
            self._commit_tail()
            self._final = self._build_final()
        except BaseException as exc:  # noqa: BLE001 - handed to the caller of finish()
            log.exception("live transcription failed")
            self._error = exc
        finally:
            self._done.set()

    def _ingest(self, samples: np.ndarray) -> None:
        self._audio_buf.append(samples)
        self._arrivals.append((len(self._audio_buf), self.clock()))
        probs = self._vad.push(samples)
        if len(probs):
            self._probs_buf.append(probs)

    # -- segmentation (window by window: independent of the worker's timing) ----------------
    def _speech_windows(self, start: int, end: int) -> np.ndarray:
        return np.nonzero(self._probs[start:end] >= self.threshold)[0] + start

    def _maybe_commit(self) -> None:
        pause = int(self.pause_s * SAMPLE_RATE)
        min_chunk = int(self.min_chunk_s * SAMPLE_RATE)
        max_chunk = int(self.max_chunk_s * SAMPLE_RATE)
        lead = int(LEAD_IN_S * SAMPLE_RATE)
        while self._scan_w < len(self._probs):
            w = self._scan_w
            self._scan_w += 1
            end = (w + 1) * WINDOW
            start_w = self._chunk_start // WINDOW
            speech = self._speech_windows(start_w, w + 1)
            if len(speech) == 0:
                # Only silence so far: keep the chunk start close (a short lead-in).
                self._chunk_start = max(self._chunk_start, end - lead)
                continue
            last_speech_end = int(speech[-1] + 1) * WINDOW
            silence = end - last_speech_end
            if silence >= pause and last_speech_end - self._chunk_start >= min_chunk:
                cut = last_speech_end + min(int(PAUSE_PAD_S * SAMPLE_RATE), silence)
                self._commit(self._chunk_start, cut)
            elif end - self._chunk_start >= max_chunk:
                quiet = self._quiet_cut(start_w, w + 1)
                if quiet is not None:
                    self._commit(self._chunk_start, quiet)
                else:
                    self._commit_by_words(self._chunk_start, end)

    def _quiet_cut(self, start_w: int, end_w: int) -> int | None:
        """The middle of the longest low-probability run in the chunk's second half (the latest
        of equally long runs), or None if there is no gap of at least ~0.1 s."""
        lo = start_w + (end_w - start_w) // 2
        quiet = self._probs[lo:end_w] < self.neg_threshold
        best_len, best_mid, run = 0, None, 0
        for i, q in enumerate(quiet):
            run = run + 1 if q else 0
            if run >= best_len and run > 0:
                best_len, best_mid = run, lo + i - run // 2
        if best_mid is None or best_len < 3:
            return None
        return int(best_mid * WINDOW)

    def _prompt(self, before_s: float | None = None) -> str | None:
        """The committed text (its last 300 characters), or only the words that end before
        ``before_s`` when the audio from there on is decoded again as context."""
        if before_s is None:
            text = self.committed_text
        else:
            text = join_words(w for c in self.commits for w in c.words if w.end <= before_s)
        return text[-300:] if text else None

    def _decode(self, start: int, end: int, *, final: bool, beam: int | None = None) -> Transcript:
        t0 = time.perf_counter()
        behind = (len(self._audio) - end) / SAMPLE_RATE
        if final and not self._batch and beam != 1 and behind > BACKLOG_GREEDY_S:
            log.info("live transcription %.1f s behind: committing greedily", behind)
            beam = 1
            self._stats.greedy += 1
        begin = self._context_start(start) if final else start
        result = self.transcriber.decode(
            self._audio[begin:end],
            offset_s=begin / SAMPLE_RATE,
            # The vocabulary only on final decodes: it lengthens the prompt, and the tentative
            # re-decodes (about once a second) must stay cheap (benchmarks/results/jargon.md).
            hotwords=self.hotwords if final else None,
            prompt=self._prompt(begin / SAMPLE_RATE if begin < start else None),
            beam_size=beam if final else 1,
            word_timestamps=final,
            voice=VoiceMap(self._probs, threshold=self.threshold),
        )
        self._stats.decode_s += time.perf_counter() - t0
        return result

    def _context_start(self, start: int) -> int:
        """Where a final decode of the chunk starting at ``start`` begins: the previous chunk's
        start (``revise``, when it ends at most :data:`REVISE_GAP_S` before), ``context_s``
        before it, or ``start``."""
        if not self.commits:
            return start
        if self.revise and (self._batch or not self._stopping.is_set()):
            previous = self.commits[-1]
            if start / SAMPLE_RATE - previous.end_s <= REVISE_GAP_S:
                return min(start, int(round(previous.start_s * SAMPLE_RATE)))
        if self.context_s > 0:
            return max(0, start - int(self.context_s * SAMPLE_RATE))
        return start

    def _own_words(self, result: Transcript, start: int) -> Transcript:
        """A final decode's words from ``start`` on. The words before it (its left context)
        are dropped, or with ``revise`` replace the previous commit's words."""
        start_s = start / SAMPLE_RATE
        if self.revise and self.commits:
            previous = self.commits[-1]
            before = tuple(
                w for w in result.words if previous.start_s <= (w.start + w.end) / 2 < start_s
            )
            # A decode that heard nothing there leaves the words it had: never a lost phrase.
            if before:
                self.commits[-1] = replace(previous, text=join_words(before).strip(), words=before)
                self._stats.revised += 1
                # For the lag figures: the words it had were shown from its commit on, the
                # revised ones are final only now.
                self._tentatives.append(
                    _Tentative(
                        wall=self._commit_walls[-1],
                        start_s=previous.start_s,
                        words=_norm_words(previous.text),
                    )
                )
                self._commit_walls[-1] = self.clock()
        return _from(result, start_s)

    def _dedupe_border(self, words: tuple[Word, ...]) -> tuple[Word, ...]:
        """Drop a first word that repeats the last committed one across a cap border."""
        if not words or not self.commits or not self.commits[-1].words:
            return words
        last = self.commits[-1].words[-1]
        first = words[0]
        if _norm_words(first.word) == _norm_words(last.word) and first.start < last.end + 0.3:
            return words[1:]
        return words

    def _emit_commit(self, words: tuple[Word, ...], fallback: str, start: int, end: int) -> None:
        text = join_words(words) if words else fallback
        if not text.strip():
            return
        commit = Commit(
            text=text.strip(), words=words, start_s=start / SAMPLE_RATE, end_s=end / SAMPLE_RATE
        )
        self.commits.append(commit)
        self._commit_walls.append(self.clock())
        self._stats.commits += 1
        if self.on_commit is not None:
            self.on_commit(commit)
        self._emit_partial("")

    def _take_prepared(self, start: int, end: int) -> Transcript | None:
        """The prepared decode of [start, end), if only silence followed the speech it covers.

        The cut may fall inside the silence the prepared decode kept after the speech (it keeps
        PAUSE_PAD_S, the commit cuts halfway into the pause): the audio between the two cuts is
        silence, so the decode stands for the chunk and the next one starts at ``end``."""
        prepared, self._prepared = self._prepared, None
        if prepared is None or prepared.start != start or prepared.speech_end > end:
            return None
        after = self._speech_windows(prepared.speech_end // WINDOW, (end + WINDOW - 1) // WINDOW)
        if len(after):
            return None  # the speaker went on: the decode lacks the newer words
        self._stats.reused += 1
        return prepared.result

    def _commit(self, start: int, end: int, *, beam: int | None = None) -> None:
        self._chunk_start = end
        self._last_tentative_len = 0
        if len(self._speech_windows(start // WINDOW, end // WINDOW)) < MIN_SPEECH_WINDOWS:
            # A click or a breath: Whisper would hallucinate on it (e.g. echo the prompt).
            self._prepared = None
            return
        result = self._take_prepared(start, end)
        if result is None:
            result = self._decode(start, end, final=True, beam=beam or self.commit_beam_size)
        result = self._own_words(result, start)
        words = self._dedupe_border(result.words)
        self._emit_commit(words, result.text if not result.words else "", start, end)
        # A cut at the cap's quiet point leaves speech in the open chunk that was on screen a
        # moment ago and is not any more: show it again at the next chance, not a second later.
        self._last_tentative_wall = -math.inf

    def _commit_by_words(self, start: int, end: int) -> None:
        """At the cap with no gap to cut at: decode the whole chunk, keep the words ending
        ``holdback_s`` before its end and start the next chunk between the last kept word and
        the next one, so the held back words are decoded again with their right context."""
        if len(self._speech_windows(start // WINDOW, end // WINDOW)) < MIN_SPEECH_WINDOWS:
            self._chunk_start = end
            return
        self._prepared = None
        result = self._own_words(
            self._decode(start, end, final=True, beam=self.commit_beam_size), start
        )
        words = self._dedupe_border(result.words)
        limit = end / SAMPLE_RATE - self.holdback_s
        keep = tuple(w for w in words if w.end <= limit)
        if not keep:
            keep, cut = words, end
        else:
            rest = words[len(keep) :]
            cut_s = (keep[-1].end + rest[0].start) / 2 if rest else keep[-1].end
            cut = min(end, max(int(round(cut_s * SAMPLE_RATE)), start + WINDOW))
        self._chunk_start = cut
        self._scan_w = min(self._scan_w, cut // WINDOW)  # re-scan the held-back audio
        self._last_tentative_len = 0
        self._emit_commit(keep, result.text if not result.words else "", start, cut)
        held = words[len(keep) :]
        if held and not self._stopping.is_set():
            # The held-back words stay on screen as the new chunk's tentative text (from this
            # same decode) until it is decoded again.
            self._show_tentative(cut, join_words(held))
            self._last_tentative_wall = self.clock()

    # -- work ahead while waiting for audio -------------------------------------------------
    def _maybe_prepare(self) -> bool:
        """At a short pause, decode the open chunk with final settings, so that the commit at
        the full pause - or the tail at Stop - reuses it if no speech follows. Returns True if
        it decoded."""
        if self._stopping.is_set() or not self.prepare:
            return False
        start = self._chunk_start
        end = len(self._probs) * WINDOW
        speech = self._speech_windows(start // WINDOW, end // WINDOW)
        if len(speech) < MIN_SPEECH_WINDOWS:
            return False
        speech_end = int(speech[-1] + 1) * WINDOW
        silence = end - speech_end
        if silence < PREPARE_PAUSE_S * SAMPLE_RATE:
            return False
        prepared = self._prepared
        if prepared is not None and prepared.start == start and prepared.speech_end == speech_end:
            return False  # already done for this pause
        cut = speech_end + min(int(PAUSE_PAD_S * SAMPLE_RATE), silence)
        result = self._decode(
            start, cut, final=True, beam=self.prepare_beam_size or self.commit_beam_size
        )
        self._prepared = _Prepared(start=start, speech_end=speech_end, end=cut, result=result)
        self._stats.prepared += 1
        shown = _from(result, start / SAMPLE_RATE).text
        if not self._stopping.is_set() and shown:
            # Shown at once (the display need not wait for the commit).
            self._show_tentative(start, shown)
        return True

    # -- tentative display ------------------------------------------------------------------
    def _commit_imminent(self, start: int, end: int) -> bool:
        """The open chunk ends in a pause that will commit it within a few windows."""
        speech = self._speech_windows(start // WINDOW, end // WINDOW)
        if len(speech) == 0:
            return False
        last_speech_end = int(speech[-1] + 1) * WINDOW
        return (
            end - last_speech_end >= self.pause_s * SAMPLE_RATE / 2
            and last_speech_end - start >= self.min_chunk_s * SAMPLE_RATE
        )

    def _maybe_tentative(self) -> None:
        if self._stopping.is_set():
            return
        now = self.clock()
        end = len(self._probs) * WINDOW
        start = self._chunk_start
        if now - self._last_tentative_wall < self.tentative_every_s:
            return
        half_s = SAMPLE_RATE // 2
        if end - start < half_s or end - self._last_tentative_len < half_s:
            return
        if len(self._speech_windows(start // WINDOW, end // WINDOW)) == 0:
            return
        if self._commit_imminent(start, end):
            return
        prepared = self._prepared
        if prepared is not None and prepared.start == start:
            after = self._speech_windows(prepared.speech_end // WINDOW, end // WINDOW)
            if len(after) == 0:
                return  # the prepared final decode already shows this audio
        self._last_tentative_wall = now
        self._last_tentative_len = end
        result = self._decode(start, end, final=False)
        if self._stopping.is_set():
            return  # Stop came while decoding: the tail decode supersedes this text
        self._stats.partials += 1
        self._show_tentative(start, result.text)

    def _show_tentative(self, start: int, text: str) -> None:
        """Show ``text`` as the open chunk's (starting at sample ``start``) tentative text, and
        remember when, for the lag figures."""
        self._tentatives.append(
            _Tentative(wall=self.clock(), start_s=start / SAMPLE_RATE, words=_norm_words(text))
        )
        self._emit_partial(text)

    def _emit_partial(self, tentative: str) -> None:
        if self.on_partial is not None:
            self.on_partial(
                Partial(
                    committed=self.committed_text,
                    tentative=tentative.strip(),
                    audio_s=len(self._audio) / SAMPLE_RATE,
                )
            )

    def _commit_tail(self) -> None:
        end = len(self._audio)
        start = self._chunk_start
        self._stats.tail_s = max(0, end - start) / SAMPLE_RATE
        reused = self._stats.reused
        if end - start < WINDOW:
            return
        start_w, end_w = start // WINDOW, (end + WINDOW - 1) // WINDOW
        speech = self._speech_windows(start_w, end_w)
        if len(speech) >= MIN_SPEECH_WINDOWS:
            # Whisper is not shown the silence after the last voiced window (as at a pause
            # commit): on silence its decoder writes words nobody said.
            end = min(end, int(speech[-1] + 1) * WINDOW + int(PAUSE_PAD_S * SAMPLE_RATE))
            # Greedy only where someone waits for it: a batch transcription's last chunk is
            # decoded like any other.
            tail_beam = None if self._batch else self.tail_beam_size
            self._commit(start, end, beam=tail_beam or self.commit_beam_size)
            self._stats.tail_s = 0.0 if self._stats.reused > reused else self._stats.tail_s

    def _build_final(self) -> Transcript:
        words = self.committed_words
        segments = tuple(
            Segment(
                start=round(c.words[0].start if c.words else c.start_s, 3),
                end=round(c.words[-1].end if c.words else c.end_s, 3),
                text=c.text,
            )
            for c in self.commits
        )
        duration = len(self._audio) / SAMPLE_RATE
        self._stats.audio_s = duration
        return Transcript(
            text=self.committed_text,
            words=words,
            segments=segments,
            language=self.transcriber.language or "en",
            duration_s=round(duration, 3),
        )

    # -- measurement ------------------------------------------------------------------------
    def _arrival(self, keys: list[int], t_s: float) -> float | None:
        """Wall time when the audio at ``t_s`` seconds had been received."""
        i = bisect.bisect_left(keys, int(t_s * SAMPLE_RATE))
        if i >= len(self._arrivals):
            return None
        return self._arrivals[i][1]

    def _compute_lags(self) -> None:
        keys = [n for n, _ in self._arrivals]
        commit_lags: list[float] = []
        shown_lags: list[float] = []
        for commit, wall in zip(self.commits, self._commit_walls, strict=False):
            first_seen = self._first_seen(commit, wall)
            for w, seen in zip(commit.words, first_seen, strict=False):
                arrived = self._arrival(keys, w.end)
                if arrived is None:
                    continue
                commit_lags.append(max(0.0, wall - arrived))
                shown_lags.append(max(0.0, seen - arrived))
        self._stats.commit_lag_median_s = _percentile(commit_lags, 50)
        self._stats.commit_lag_p90_s = _percentile(commit_lags, 90)
        self._stats.lag_median_s = _percentile(shown_lags, 50)
        self._stats.lag_p90_s = _percentile(shown_lags, 90)

    def _first_seen(self, commit: Commit, wall: float) -> list[float]:
        """For each committed word, when it was first displayed (a matching tentative word)."""
        seen = [wall] * len(commit.words)
        final = [(_norm_words(w.word) or [""])[0] for w in commit.words]
        for tent in self._tentatives:
            if tent.wall >= wall or abs(tent.start_s - commit.start_s) > 1e-6:
                continue
            matcher = difflib.SequenceMatcher(a=tent.words, b=final, autojunk=False)
            for block in matcher.get_matching_blocks():
                for k in range(block.size):
                    j = block.b + k
                    seen[j] = min(seen[j], tent.wall)
        return seen


class FileSource:
    """Pushes a file's audio into a consumer in blocks, at real-time pace (``speed`` x)."""

    def __init__(
        self, audio: str | Path | np.ndarray, *, block_s: float = 0.1, speed: float = 1.0
    ) -> None:
        self.samples = load_audio(audio)
        self.block = max(1, int(block_s * SAMPLE_RATE))
        self.speed = speed
        self.stopped = threading.Event()

    @property
    def duration_s(self) -> float:
        return len(self.samples) / SAMPLE_RATE

    def run(self, consumer: Callable[[np.ndarray], None]) -> float:
        """Feed every block (blocking). Returns the wall time at which the last block was fed.

        Block *n* is delivered when its audio has "been spoken", i.e. at start + end_of_block.
        """
        t0 = time.monotonic()
        for i in range(0, len(self.samples), self.block):
            block = self.samples[i : i + self.block]
            if self.speed > 0:
                due = t0 + (i + len(block)) / SAMPLE_RATE / self.speed
                delay = due - time.monotonic()
                if delay > 0 and self.stopped.wait(delay):
                    break
            elif self.stopped.is_set():
                break
            consumer(block)
        return time.monotonic()

    def stop(self) -> None:
        self.stopped.set()


def transcribe_live(
    transcriber: Decoder,
    audio: str | Path | np.ndarray,
    *,
    hotwords: str | None = None,
    speed: float = 1.0,
    on_partial: Callable[[Partial], None] | None = None,
    on_commit: Callable[[Commit], None] | None = None,
    **options: Any,
) -> tuple[Transcript, LiveStats]:
    """Play a file through the live path (``speed`` 1.0 = real time) and return the result."""
    source = FileSource(audio, speed=speed)
    live = LiveTranscriber(
        transcriber, hotwords=hotwords, on_partial=on_partial, on_commit=on_commit, **options
    )
    live.start()
    source.run(live.feed)
    transcript = live.finish()
    return transcript, live.stats
