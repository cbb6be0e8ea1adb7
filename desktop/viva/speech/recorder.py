"""Microphone capture streamed to a WAV file, with a level meter and a live-consumer hook.

Design (STYLE.md §3): the audio callback only does ``q.put(indata.copy())``. A writer thread
drains the queue into a ``soundfile.SoundFile`` (16 kHz mono PCM_16), resampling if the device
cannot capture at 16 kHz, computing the meter level and calling ``on_chunk`` for the live
transcriber. It flushes and fsyncs about once a second and rewrites the WAV header's sizes each
time, so a killed recording is a valid WAV as it lies (players, ``soxi`` and Python's ``wave``
read it) holding all but the last second. A sidecar ``<name>.wav.partial`` (JSON: pid, device,
question id) marks the file unfinished until a clean stop; :func:`repair_unfinished` fixes the
rest after a crash and puts the question id into the file name. While recording, the WAV is
``flock``-ed: :func:`is_being_recorded` tells other processes (crash recovery, a second app
instance) to keep off it.

``sd_module`` lets tests inject a fake ``sounddevice`` that replays a file through the callback.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import queue
import re
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import soundfile as sf

from viva.speech.audio import StreamResampler, rms, to_mono
from viva.speech.devices import AudioDevice, find_input
from viva.speech.errors import DeviceBusy, DeviceLost, MicrophoneUnavailable, SpeechError
from viva.speech.recording import Recording

log = logging.getLogger(__name__)

PARTIAL_SUFFIX = ".partial"
#: Paths this process is recording right now (repair_unfinished never touches them).
_ACTIVE: set[Path] = set()
_ACTIVE_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class RepairedRecording:
    """A WAV left unfinished by a crash, as :func:`repair_unfinished` found it.

    ``problem`` is None when the header was fixed; otherwise the file could not be repaired
    (it is kept as is, never deleted) and ``problem`` says why, for the log and the user.
    """

    path: Path
    duration_s: float
    samplerate: int
    interrupted: bool = True
    problem: str | None = None
    #: The question it answered, from the sidecar (also put into the file name).
    question_id: str | None = None

    @property
    def repaired(self) -> bool:
        return self.problem is None


def _sidecar(path: Path) -> Path:
    return path.with_name(path.name + PARTIAL_SUFFIX)


_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9_.-]+")


def _safe_id(question_id: str) -> str:
    return _UNSAFE_NAME.sub("-", question_id).strip(".-")[:80]


def default_recording_path(question_id: str | None = None) -> Path:
    """``recordings/answer-<time>[-<question id>].wav``: the name says which question it
    answered from the first second (crash recovery reads it back)."""
    from viva.storage.paths import recordings_dir

    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    suffix = f"-{_safe_id(question_id)}" if question_id and _safe_id(question_id) else ""
    return recordings_dir() / f"answer-{stamp}{suffix}.wav"


def is_being_recorded(path: str | os.PathLike[str]) -> bool:
    """True while some process records into ``path`` (it holds an exclusive ``flock`` on it;
    the lock dies with the process, so a killed recorder releases it)."""
    p = Path(path)
    with _ACTIVE_LOCK:
        if p.resolve() in _ACTIVE:
            return True
    try:
        fd = os.open(p, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        os.close(fd)  # closing drops our shared lock too
    return False


def _data_chunk_offset(path: Path) -> int:
    """Byte offset of the audio in a WAV that has just been created (after the data header)."""
    with open(path, "rb") as fh:
        head = fh.read(4096)
    pos = 12
    while pos + 8 <= len(head):
        chunk_id, size = struct.unpack_from("<4sI", head, pos)
        if chunk_id == b"data":
            return pos + 8
        pos += 8 + size + (size & 1)
    raise ValueError(f"{path} has no data chunk in its first 4 KiB")


class Recorder:
    """Records one answer at a time from an input device into a 16 kHz mono WAV.

    Callbacks (``on_chunk``, ``on_level``, ``on_error``) run on the writer thread: keep them
    quick and thread-safe (the UI turns them into signals). ``levels`` is a ``maxsize=1`` queue
    holding the latest RMS level, for a meter that polls.
    """

    def __init__(
        self,
        device: int | str | None = None,
        *,
        samplerate: int = 16000,
        max_seconds: float = 600.0,
        sd_module: ModuleType | Any | None = None,
        on_chunk: Callable[[np.ndarray], None] | None = None,
        on_level: Callable[[float], None] | None = None,
        on_error: Callable[[SpeechError], None] | None = None,
        block_seconds: float = 0.1,
        flush_seconds: float = 1.0,
        stall_seconds: float = 2.0,
        question_id: str | None = None,
    ) -> None:
        if sd_module is None:
            import sounddevice  # lazily: PortAudio scans devices at import

            sd_module = sounddevice
        self._sd: ModuleType | Any = sd_module
        self.device = device
        self.samplerate = samplerate
        self.max_seconds = max_seconds
        self.on_chunk = on_chunk
        self.on_level = on_level
        self.on_error = on_error
        self.block_seconds = block_seconds
        self.flush_seconds = flush_seconds
        self.stall_seconds = stall_seconds
        #: The question being answered: in the default file name and the sidecar.
        self.question_id = question_id
        self._lock_fd: int | None = None
        self._data_offset = 44
        self.levels: queue.Queue[float] = queue.Queue(maxsize=1)
        self.level = 0.0
        self.finished = threading.Event()  # set when the writer has closed the file
        self._q: queue.Queue[np.ndarray | None] = queue.Queue()
        self._stream: Any = None
        self._writer: threading.Thread | None = None
        self._file: sf.SoundFile | None = None
        self._path: Path | None = None
        self._device_info: AudioDevice | None = None
        self._stream_rate = samplerate
        self._frames = 0
        self._status_count = 0
        self._stop_requested = False
        self._writer_done = False
        self._capped = False
        self._error: SpeechError | None = None
        self._started_at = 0.0

    # -- public -----------------------------------------------------------------------------
    @property
    def is_recording(self) -> bool:
        return self._writer is not None and not self.finished.is_set()

    @property
    def path(self) -> Path | None:
        return self._path

    @property
    def duration_s(self) -> float:
        """Seconds written to the file so far."""
        return self._frames / self.samplerate

    @property
    def stream_samplerate(self) -> int:
        """The rate the device captures at (resampled to ``samplerate`` if different)."""
        return self._stream_rate

    def start(self, path: Path | None = None) -> Path:
        """Open the file, then start capturing. Returns the WAV path.

        Raises MicrophoneUnavailable (no input device), DeviceBusy (cannot open it).
        """
        if self._writer is not None:
            raise RuntimeError("Recorder.start() called twice; use a new Recorder per answer")
        sd = self._sd
        dev = find_input(self.device, sd)
        self._device_info = dev
        self._stream_rate = self._probe_rate(dev)
        path = Path(path) if path is not None else default_recording_path(self.question_id)
        path = path.expanduser().resolve()
        sidecar = _sidecar(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            sidecar.write_text(
                json.dumps(
                    {
                        "samplerate": self.samplerate,
                        "channels": 1,
                        "subtype": "PCM_16",
                        "pid": os.getpid(),
                        "device": dev.name,
                        "question_id": self.question_id,
                        "started": datetime.now().isoformat(timespec="seconds"),
                    }
                ),
                encoding="utf-8",
            )
        except OSError as exc:
            raise SpeechError(
                f"Could not create the recording file {path} ({exc.strerror or exc}). Choose "
                "a folder you can write to, with free disk space.",
                detail=str(exc),
            ) from exc
        try:
            # mode "x": never overwrite an existing answer
            self._file = sf.SoundFile(
                str(path),
                mode="x",
                samplerate=self.samplerate,
                channels=1,
                subtype="PCM_16",
                format="WAV",
            )
        except (OSError, sf.LibsndfileError) as exc:
            sidecar.unlink(missing_ok=True)
            raise SpeechError(
                f"Could not create the recording file {path}. Check free disk space and "
                "permissions of the data folder.",
                detail=str(exc),
            ) from exc
        self._path = path
        with _ACTIVE_LOCK:
            _ACTIVE.add(path)
        try:
            self._data_offset = _data_chunk_offset(path)
            self._lock_fd = os.open(path, os.O_WRONLY)
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except (OSError, ValueError) as exc:
            log.warning("could not lock %s against other processes: %s", path, exc)
        try:
            self._stream = sd.InputStream(
                device=dev.index,
                samplerate=self._stream_rate,
                channels=1,
                dtype="float32",
                blocksize=max(1, int(self._stream_rate * self.block_seconds)),
                callback=self._callback,
                finished_callback=self._on_stream_finished,
            )
        except sd.PortAudioError as exc:
            self._abort_start()
            raise DeviceBusy(detail=f"{dev.name}: {exc}") from exc
        self._writer = threading.Thread(target=self._write_loop, name="viva-recorder", daemon=True)
        self._writer.start()
        try:
            self._stream.start()
        except sd.PortAudioError as exc:
            self._stop_requested = True
            self._q.put(None)
            self._writer.join(timeout=5)
            with contextlib.suppress(sd.PortAudioError):
                self._stream.close()
            self._abort_start()
            raise DeviceBusy(detail=f"{dev.name}: {exc}") from exc
        self._started_at = time.monotonic()
        log.info(
            "recording from %s (%d Hz -> %d Hz) into %s",
            dev.name,
            self._stream_rate,
            self.samplerate,
            path,
        )
        return path

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the recording ends by itself (length cap, device lost). True if it did."""
        return self.finished.wait(timeout)

    def stop(self) -> Recording:
        """Stop capturing, finish the file, return it.

        Raises DeviceLost (with ``.recording`` set: the audio captured so far is kept) if the
        device disappeared during the recording.
        """
        if self._writer is None or self._path is None:
            raise RuntimeError("Recorder.stop() called before start()")
        sd = self._sd
        self._stop_requested = True
        if self._stream is not None:
            try:
                self._stream.stop()
            except sd.PortAudioError as exc:
                log.warning("stopping the input stream failed: %s", exc)
                if self._error is None:
                    self._error = DeviceLost(detail=str(exc))
            try:
                self._stream.close()
            except sd.PortAudioError as exc:
                log.warning("closing the input stream failed: %s", exc)
            self._stream = None
        self._q.put(None)  # after stream.stop(): every block is already queued
        self._writer.join(timeout=10)
        if self._writer.is_alive():
            log.error("recorder writer thread did not finish in time")
        recording = Recording(
            path=self._path,
            duration_s=round(self.duration_s, 3),
            samplerate=self.samplerate,
            device=self._device_info.name if self._device_info else None,
            capped=self._capped,
            interrupted=isinstance(self._error, DeviceLost),
            overflows=self._status_count,
        )
        if isinstance(self._error, DeviceLost):
            self._error.recording = recording
            raise self._error
        if self._error is not None:
            raise self._error
        return recording

    # -- internals --------------------------------------------------------------------------
    def _probe_rate(self, dev: AudioDevice) -> int:
        sd = self._sd
        try:
            sd.check_input_settings(
                device=dev.index, samplerate=self.samplerate, channels=1, dtype="float32"
            )
            return self.samplerate
        except (sd.PortAudioError, ValueError) as exc:
            rate = int(dev.default_samplerate) or 48000
            log.info(
                "%s cannot capture at %d Hz (%s); using %d Hz and resampling",
                dev.name,
                self.samplerate,
                exc,
                rate,
            )
            return rate

    def _release_lock(self) -> None:
        if self._lock_fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._lock_fd)  # drops the flock
            self._lock_fd = None

    def _abort_start(self) -> None:
        self._release_lock()
        if self._file is not None:
            self._file.close()
            self._file = None
        if self._path is not None:
            self._path.unlink(missing_ok=True)
            _sidecar(self._path).unlink(missing_ok=True)
            with _ACTIVE_LOCK:
                _ACTIVE.discard(self._path)
        self.finished.set()

    def _callback(self, indata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
        # Runs on PortAudio's thread: no I/O, no logging, no allocation beyond the copy.
        if status:
            self._status_count += 1
        if self._writer_done:
            raise self._sd.CallbackStop
        self._q.put(indata.copy())

    def _on_stream_finished(self) -> None:
        if not self._stop_requested:
            # The stream ended without stop(): the device went away.
            self._q.put(None)

    def _publish_level(self, level: float) -> None:
        self.level = level
        with contextlib.suppress(queue.Empty):
            self.levels.get_nowait()
        with contextlib.suppress(queue.Full):
            self.levels.put_nowait(level)
        if self.on_level is not None:
            self.on_level(level)

    def _fsync(self) -> None:
        """Flush the audio, make the header's sizes match it, and fsync: a process killed from
        here on leaves a valid WAV holding everything written so far."""
        assert self._file is not None
        assert self._path is not None
        self._file.flush()
        data_bytes = self._frames * 2  # mono PCM_16
        fd = self._lock_fd if self._lock_fd is not None else os.open(self._path, os.O_WRONLY)
        try:
            os.pwrite(fd, struct.pack("<I", self._data_offset - 8 + data_bytes), 4)
            os.pwrite(fd, struct.pack("<I", data_bytes), self._data_offset - 4)
            os.fsync(fd)
        finally:
            if fd != self._lock_fd:
                os.close(fd)

    def _fail(self, error: SpeechError) -> None:
        self._error = error
        log.warning("recording interrupted: %s", error)
        if self.on_error is not None:
            try:
                self.on_error(error)
            except Exception:
                log.exception("on_error callback failed")

    def _write_loop(self) -> None:
        assert self._file is not None
        assert self._path is not None
        resampler = StreamResampler(self._stream_rate, self.samplerate)
        max_frames = int(self.max_seconds * self.samplerate)
        next_flush = time.monotonic() + self.flush_seconds
        try:
            while True:
                try:
                    block = self._q.get(timeout=self.stall_seconds)
                except queue.Empty:
                    if self._stop_requested:
                        break
                    self._fail(DeviceLost(detail=f"no audio for {self.stall_seconds:.1f} s"))
                    break
                if block is None:
                    if not self._stop_requested:
                        self._fail(DeviceLost(detail="the input stream ended"))
                    break
                mono = resampler.process(to_mono(block))
                remaining = max_frames - self._frames
                if len(mono) >= remaining:
                    mono = mono[:remaining]
                    self._capped = True
                if len(mono):
                    self._file.write(mono)
                    self._frames += len(mono)
                    self._publish_level(rms(mono))
                    if self.on_chunk is not None:
                        try:
                            self.on_chunk(mono)
                        except Exception:
                            log.exception("on_chunk consumer failed; recording continues")
                now = time.monotonic()
                if now >= next_flush:
                    self._fsync()
                    next_flush = now + self.flush_seconds
                if self._capped:
                    log.info("recording reached its %.0f s cap", self.max_seconds)
                    break
        except (OSError, sf.LibsndfileError) as exc:
            self._fail(SpeechError("Writing the recording failed (disk full?).", detail=str(exc)))
        finally:
            self._writer_done = True
            try:
                self._file.close()  # writes the final header
                _sidecar(self._path).unlink(missing_ok=True)
            except (OSError, sf.LibsndfileError) as exc:
                log.error("could not finish %s: %s", self._path, exc)
            self._release_lock()
            with _ACTIVE_LOCK:
                _ACTIVE.discard(self._path)
            self.finished.set()


# -- crash recovery --------------------------------------------------------------------------
def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


class _Unrepairable(ValueError):
    """The file is not a WAV whose header can be fixed from its size."""


def _patch_wav_header(path: Path) -> tuple[int, int]:
    """Fix RIFF and data chunk sizes from the file size. Returns (frames, samplerate).

    Raises _Unrepairable for files that are not WAVs with a readable fmt chunk before a data
    chunk (e.g. a crash cut the header itself short).
    """
    with open(path, "r+b") as fh:
        head = fh.read(12)
        if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
            raise _Unrepairable("it is not a WAV file")
        size = os.fstat(fh.fileno()).st_size
        pos = 12
        block_align = 0
        rate = 0
        while pos + 8 <= size:
            fh.seek(pos)
            chunk_id, chunk_size = struct.unpack("<4sI", fh.read(8))
            if chunk_id == b"fmt ":
                fmt = fh.read(16)
                if chunk_size < 16 or len(fmt) < 16:
                    raise _Unrepairable("its format header is cut short")
                _, channels, rate, _, block_align, _ = struct.unpack("<HHIIHH", fmt)
                if rate <= 0 or channels <= 0 or block_align <= 0:
                    raise _Unrepairable("its format header is invalid")
            elif chunk_id == b"data":
                if rate <= 0:
                    raise _Unrepairable("it has no format header before its audio")
                data_off = pos + 8
                actual = size - data_off
                actual -= actual % block_align
                if chunk_size != actual:
                    fh.seek(pos + 4)
                    fh.write(struct.pack("<I", actual))
                    fh.seek(4)
                    fh.write(struct.pack("<I", data_off + actual - 8))
                    fh.truncate(data_off + actual)
                    fh.flush()
                    os.fsync(fh.fileno())
                return actual // block_align, rate
            pos += 8 + chunk_size + (chunk_size & 1)
    raise _Unrepairable("it holds no audio data" if rate else "its header is cut short")


def _header_inconsistent(path: Path) -> bool:
    try:
        info = sf.info(str(path))
    except (RuntimeError, sf.LibsndfileError):
        return True
    expected = path.stat().st_size
    # A WAV whose header claims fewer frames than the file holds was not finished.
    payload = info.frames * info.channels * 2
    return info.frames == 0 and expected > 1024 or expected - payload > 4096


def repair_unfinished(directory: str | os.PathLike[str] | None = None) -> list[RepairedRecording]:
    """Find WAVs left unfinished by a crash (``.partial`` sidecar, or a header that does not
    match the file size), fix their headers in place and report them as interrupted.

    A file that cannot be repaired (e.g. its header itself was cut short) is kept untouched,
    logged, and reported with ``problem`` set; the others are still repaired. Files being
    recorded by a live process are left alone."""
    if directory is None:
        from viva.storage.paths import recordings_dir

        directory = recordings_dir()
    folder = Path(directory)
    if not folder.is_dir():
        return []
    with _ACTIVE_LOCK:
        active = set(_ACTIVE)
    candidates: dict[Path, Path | None] = {}
    for partial in folder.glob("*.wav" + PARTIAL_SUFFIX):
        wav = partial.with_name(partial.name[: -len(PARTIAL_SUFFIX)])
        candidates[wav.resolve()] = partial
    for wav in folder.glob("*.wav"):
        key = wav.resolve()
        if key not in candidates and key not in active and _header_inconsistent(wav):
            candidates[key] = None
    repaired: list[RepairedRecording] = []
    for wav, sidecar in sorted(candidates.items()):
        if wav in active or is_being_recorded(wav):
            continue
        meta: dict[str, Any] = {}
        if sidecar is not None:
            try:
                loaded = json.loads(sidecar.read_text(encoding="utf-8"))
                meta = loaded if isinstance(loaded, dict) else {}
            except (OSError, ValueError):
                meta = {}
            pid = meta.get("pid")
            if isinstance(pid, int) and pid != os.getpid() and _pid_alive(pid):
                log.info("%s is still being recorded by process %d; not touching it", wav, pid)
                continue
        if not wav.exists():
            if sidecar is not None:
                sidecar.unlink(missing_ok=True)
            continue
        try:
            frames, rate = _patch_wav_header(wav)
        except (OSError, struct.error, _Unrepairable) as exc:
            # One bad file must not stop the others: keep it (and its sidecar) and report it.
            log.warning("could not repair %s: %s; the file is kept as is", wav, exc)
            repaired.append(
                RepairedRecording(
                    path=wav,
                    duration_s=0.0,
                    samplerate=0,
                    problem=f"The recording {wav.name} could not be repaired "
                    f"({exc}). It was kept; delete it if it is not needed.",
                )
            )
            continue
        question_id = meta.get("question_id") if isinstance(meta.get("question_id"), str) else None
        wav = _name_with_question(wav, question_id)
        if sidecar is not None:
            sidecar.unlink(missing_ok=True)
        log.info("repaired unfinished recording %s (%.2f s)", wav, frames / rate)
        repaired.append(
            RepairedRecording(
                path=wav,
                duration_s=round(frames / rate, 3),
                samplerate=rate,
                question_id=question_id,
            )
        )
    return repaired


def _name_with_question(wav: Path, question_id: str | None) -> Path:
    """Rename ``wav`` so its name carries ``question_id`` (kept as is if it already does, or if
    the new name is taken or the rename fails)."""
    if not question_id or not _safe_id(question_id) or _safe_id(question_id) in wav.stem:
        return wav
    target = wav.with_name(f"{wav.stem}-{_safe_id(question_id)}{wav.suffix}")
    if target.exists():
        return wav
    try:
        os.rename(wav, target)
    except OSError as exc:
        log.warning("could not rename %s to carry its question id: %s", wav, exc)
        return wav
    return target


__all__ = [
    "MicrophoneUnavailable",
    "Recorder",
    "Recording",
    "RepairedRecording",
    "repair_unfinished",
]
