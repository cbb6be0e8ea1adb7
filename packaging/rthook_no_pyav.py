"""PyInstaller runtime hook: stand in for PyAV, which the default build leaves out (~100 MB).

faster-whisper imports ``av`` at import time but only uses it in ``decode_audio`` for files
that libsndfile (soundfile) cannot read. Viva records WAV and reads WAV/FLAC/OGG/MP3 with
soundfile, so the bundle keeps only this placeholder: any real use raises AttributeError
(so ``hasattr`` keeps working for code that scans modules), which Viva reports as "Could not
read <file> ... Use a WAV, FLAC, MP3 or OGG file." Build with
``packaging/build.py --with-pyav`` to bundle the real PyAV instead.
"""

from __future__ import annotations

import sys
import types


def _missing(name: str) -> object:
    raise AttributeError(
        f"av.{name}: PyAV is not included in this Viva build; "
        "convert the audio to WAV, FLAC, MP3 or OGG."
    )


if "av" not in sys.modules:
    _stub = types.ModuleType("av", "Placeholder: PyAV is not bundled in this Viva build.")
    _stub.__getattr__ = _missing  # type: ignore[method-assign]
    sys.modules["av"] = _stub
