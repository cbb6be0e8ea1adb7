"""Qt-free persistence: paths, attempts store, spaced repetition, reports, backup."""
