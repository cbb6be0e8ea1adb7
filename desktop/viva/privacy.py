"""Nothing leaves the machine: opt every process out of the telemetry of the libraries Viva loads.

Why this exists (issue 13): onnxruntime 1.29 and later (Linux wheels from PyPI) carry a 1DS
telemetry client that, about 9 s after the first ONNX session is created, resolves
``mobile.events.data.microsoft.com`` and uploads ``ProcessInfo``/session events (with the model
file name and a device id kept in ``~/.cache/Microsoft/DeveloperTools/.onnxruntime``). Viva loads
onnxruntime through faster-whisper's Silero VAD (and soon the coverage judge and the piper voice).
``onnxruntime.disable_telemetry_events()`` is called too late to matter: the client is created
with the environment. The library reads ``ORT_DISABLE_TELEMETRY=1`` when that environment is
created and then creates no uploader, no event and no device id (verified with
``strace -f -e trace=socket,connect`` on 1.29.0, 1.30.0 and 1.32.0: 0 inet sockets in 60 s, against
4 DNS rounds in 45 s without it; see RELIABILITY.md). onnxruntime 1.28 and earlier have no such
client at all.

:func:`apply` is called by ``viva/__init__.py``, so it runs before any Viva module can import
onnxruntime, in every process that imports Viva: the app, the CLI, the TTS worker subprocess,
the tests. The variables are inherited by child processes. Keep this module free of imports
beyond the standard library.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

#: Always forced: a user cannot switch these back on through the environment.
FORCED: Mapping[str, str] = {
    # onnxruntime >= 1.29 (POSIX 1DS telemetry): full opt-out when set before the environment
    # is created.
    "ORT_DISABLE_TELEMETRY": "1",
    # The name onnxruntime's own pull requests use for the same switch (#29843); harmless if unread.
    "ORT_TELEMETRY_DISABLED": "1",
    # huggingface_hub (used by faster-whisper only to download models, which Viva never does).
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "DO_NOT_TRACK": "1",
}

#: Set unless the user chose otherwise (a developer may still download a model on purpose).
DEFAULTS: Mapping[str, str] = {
    # No model download or hub request at run time: a missing model fails fast and locally.
    "HF_HUB_OFFLINE": "1",
}


def apply(environ: os._Environ[str] | dict[str, str] | None = None) -> None:
    """Set the opt-out variables in ``environ`` (default ``os.environ``, which also updates the
    C environment that native libraries read)."""
    env = os.environ if environ is None else environ
    for key, value in FORCED.items():
        env[key] = value
    for key, value in DEFAULTS.items():
        env.setdefault(key, value)


def telemetry_opted_out(environ: Mapping[str, str] | None = None) -> bool:
    """True when every forced opt-out is in place (for diagnostics and tests)."""
    env = os.environ if environ is None else environ
    return all(env.get(key) == value for key, value in FORCED.items())
