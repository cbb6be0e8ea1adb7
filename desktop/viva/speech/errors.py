"""Typed speech errors. Each carries a ``user_message`` saying what happened and what to do.

Core code raises these; the UI and the CLI show ``user_message`` and log the traceback.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from viva.speech.recording import Recording


class SpeechError(Exception):
    """Base class of every error the speech engine reports to the user."""

    default_message = "Something went wrong with audio or speech."

    def __init__(self, user_message: str | None = None, *, detail: str | None = None) -> None:
        self.user_message = user_message or self.default_message
        self.detail = detail
        super().__init__(self.user_message if not detail else f"{self.user_message} ({detail})")


class MicrophoneUnavailable(SpeechError):
    """No input device exists, or the chosen one is not there."""

    default_message = "No microphone found. Plug one in or choose an input in Settings."


class DeviceBusy(SpeechError):
    """The device exists but could not be opened (used by another program, bad settings)."""

    default_message = (
        "The microphone could not be opened; another program may be using it. "
        "Close that program or choose another input in Settings."
    )


class DeviceLost(SpeechError):
    """The device disappeared mid-answer. ``recording`` holds what was captured until then."""

    default_message = (
        "The microphone was disconnected during your answer. What was recorded so far is kept; "
        "reconnect it (or choose another input in Settings) to continue."
    )

    def __init__(
        self,
        user_message: str | None = None,
        *,
        detail: str | None = None,
        recording: Recording | None = None,
    ) -> None:
        super().__init__(user_message, detail=detail)
        self.recording = recording


class OutputUnavailable(SpeechError):
    """No speaker/output device to play on."""

    default_message = (
        "No speaker or headphones found. Connect one or choose an output in Settings; "
        "questions are still shown as text."
    )


class TtsUnavailable(SpeechError):
    """No text-to-speech engine works on this machine."""

    default_message = (
        "Text-to-speech is not available (install espeak-ng). Questions are shown as text instead."
    )


class ModelNotFound(SpeechError):
    """The Whisper model folder is missing or incomplete."""

    default_message = (
        "The speech recognition model was not found. Reinstall Viva, or choose a folder with a "
        "CTranslate2 Whisper model (model.bin and tokenizer.json) in Settings."
    )


class AudioUnreadable(SpeechError):
    """An audio file or array could not be decoded."""

    default_message = "The audio could not be read. Use a WAV, FLAC, MP3 or OGG file."


def describe(exc: BaseException) -> str:
    """The message to show the user for any exception (speech errors give their own)."""
    if isinstance(exc, SpeechError):
        return exc.user_message
    return f"Unexpected error: {exc}"


__all__ = [
    "AudioUnreadable",
    "DeviceBusy",
    "DeviceLost",
    "MicrophoneUnavailable",
    "ModelNotFound",
    "OutputUnavailable",
    "SpeechError",
    "TtsUnavailable",
    "describe",
]
