"""PyInstaller runtime hook: give programs Viva starts the user's environment, not the bundle's.

The bootloader points ``LD_LIBRARY_PATH`` at the bundle so its libraries load; the dynamic
linker has read it by the time this runs. System programs Viva runs (espeak-ng for the voice)
must not pick up the bundle's copies of libstdc++ and friends, so the variable is restored to
what the user had (PyInstaller keeps it in ``LD_LIBRARY_PATH_ORIG``). Children that are Viva
itself (``sys.executable -m viva.speech._tts_worker``) get the bundle path from the bootloader
again.
"""

from __future__ import annotations

import os
import sys

if getattr(sys, "frozen", False) and sys.platform.startswith("linux"):
    original = os.environ.pop("LD_LIBRARY_PATH_ORIG", None)
    if original is not None:
        os.environ["LD_LIBRARY_PATH"] = original
    else:
        os.environ.pop("LD_LIBRARY_PATH", None)
