"""Viva: offline spoken interview practice."""

from viva import privacy as _privacy

__version__ = "0.1.0"

# Before any Viva module can import onnxruntime (faster-whisper's VAD, the judge, the voice):
# nothing leaves the machine (see viva/privacy.py and RELIABILITY.md).
_privacy.apply()
