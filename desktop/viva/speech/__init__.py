"""Qt-free speech engine: recording, text-to-speech and local Whisper transcription."""
