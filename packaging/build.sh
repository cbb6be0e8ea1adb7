#!/usr/bin/env bash
# Build the self-contained Viva app from this checkout: one command, nothing else to install.
#
#   packaging/build.sh            build packaging/dist/viva/ (run packaging/dist/viva/viva)
#   packaging/build.sh --check    build, run the built app offline (version, bank, transcription,
#                                 smoke test with the network cut off), record size and start-up
#                                 in benchmarks/results/packaging.md
#   packaging/build.sh --help     all options (--onefile, --with-pyav, --python, ...)
#
# Needs Python 3.10+ with venv (Debian/Ubuntu: apt install python3-venv) and access to PyPI
# for the first build; PYTHON=/path/to/python builds with an existing environment instead.
# All the work happens in packaging/build.py, which also runs on Windows and macOS.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bootstrap="${PYTHON:-}"
if [[ -z "$bootstrap" ]]; then
    for candidate in python3 python; do
        if command -v "$candidate" >/dev/null 2>&1; then
            bootstrap="$candidate"
            break
        fi
    done
fi
if [[ -z "$bootstrap" ]]; then
    echo "build.sh: error: Python 3.10 or newer is needed; install python3 and python3-venv." >&2
    exit 2
fi
if ! "$bootstrap" -c 'import sys; sys.exit(sys.version_info < (3, 10))'; then
    echo "build.sh: error: $("$bootstrap" -V 2>&1) is too old; Viva needs Python 3.10 or newer." >&2
    exit 2
fi
exec "$bootstrap" "$here/build.py" "$@"
