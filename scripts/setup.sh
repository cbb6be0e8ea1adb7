#!/usr/bin/env bash
# One entry point for the README's two commands on a fresh Debian/Ubuntu machine.
#
#   bash scripts/setup.sh run    install system packages + Viva in .venv, then start the app
#   bash scripts/setup.sh test   install system + test packages in .venv, then run every check
#
# Environment: VIVA_VENV (default .venv), PYTHON (default python3), VIVA_SKIP_APT=1 to skip
# apt-get (e.g. when the packages are known to be there).
set -euo pipefail

mode="${1:-run}"
shift || true
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
venv="${VIVA_VENV:-$root/.venv}"
python="${PYTHON:-python3}"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# Runtime: PortAudio (sounddevice), libsndfile (soundfile), espeak-ng (the default voice),
# alsa-utils (pyttsx3 plays through aplay), Qt's X11/EGL libraries.
runtime_pkgs=(
  libportaudio2 libsndfile1 espeak-ng alsa-utils
  libegl1 libgl1 libopengl0 libxkbcommon0 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4
  libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0
  libxcb-xkb1 libfontconfig1 libdbus-1-3 fonts-dejavu-core
)
# Tests: a PulseAudio server for the virtual microphone/speaker, sox, a virtual X screen, strace
# (tests/reliability/test_no_network.py: no inet socket while Viva runs).
test_pkgs=(pulseaudio pulseaudio-utils libasound2-plugins sox libsox-fmt-all xvfb xauth strace)

apt_install() {
  [[ "${VIVA_SKIP_APT:-0}" == 1 ]] && return 0
  command -v apt-get >/dev/null || { log "no apt-get: install ${*} yourself"; return 0; }
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$pkg")
  done
  ((${#missing[@]})) || return 0
  local sudo=()
  [[ $(id -u) -eq 0 ]] || sudo=(sudo)
  log "installing system packages: ${missing[*]}"
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
}

make_venv() {
  if [[ ! -x "$venv/bin/python" ]]; then
    log "creating $venv"
    "$python" -m venv "$venv" 2>/dev/null || { apt_install python3-venv; "$python" -m venv "$venv"; }
  fi
  "$venv/bin/python" -m pip install -q --upgrade pip
  log "installing Viva ($1) into $venv"
  "$venv/bin/python" -m pip install -q -e ".$1"
}

case "$mode" in
  run)
    apt_install "${runtime_pkgs[@]}"
    make_venv ""
    log "starting Viva"
    exec "$venv/bin/viva" "$@"
    ;;
  test)
    apt_install "${runtime_pkgs[@]}" "${test_pkgs[@]}"
    make_venv "[test]"
    export PATH="$venv/bin:$PATH"
    log "ruff"
    ruff check desktop tests benchmarks
    log "import contracts (core is Qt-free)"
    lint-imports
    log "mypy (strict on the Qt-free core and app layer, then the whole package)"
    mypy --strict desktop/viva/app desktop/viva/bank desktop/viva/speech desktop/viva/scoring \
        desktop/viva/storage
    mypy desktop/viva
    log "bank validation"
    viva bank validate
    log "pytest"
    export QT_QPA_PLATFORM=offscreen
    exec python -m pytest "$@"
    ;;
  *)
    echo "usage: bash scripts/setup.sh run|test [args...]" >&2
    exit 2
    ;;
esac
