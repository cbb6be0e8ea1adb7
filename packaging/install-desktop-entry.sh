#!/usr/bin/env bash
# Add Viva to your desktop's application menu (per user, no root needed).
#
#   install-desktop-entry.sh [--uninstall] [--no-link] [PATH/TO/viva]
#
# PATH/TO/viva is the built binary; by default the viva next to this script (the copy inside a
# built folder) or packaging/dist/viva/viva of this checkout. Installs, below
# ${XDG_DATA_HOME:-~/.local/share}:
#   applications/io.github.viva.Viva.desktop       (Exec points at the binary)
#   icons/hicolor/{16..512}/apps/io.github.viva.Viva.png, scalable/apps/...svg
#   metainfo/io.github.viva.Viva.metainfo.xml
# and a link ~/.local/bin/viva for the command line (skip with --no-link). Move the folder?
# Run this again. --uninstall removes all of it.
set -euo pipefail

APP_ID="io.github.viva.Viva"
SIZES=(16 32 48 64 128 256 512)

uninstall=0
link=1
binary=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --uninstall) uninstall=1 ;;
        --no-link) link=0 ;;
        -h | --help)
            sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
            exit 0
            ;;
        -*)
            echo "install-desktop-entry.sh: error: unknown option $1 (see --help)" >&2
            exit 2
            ;;
        *) binary="$1" ;;
    esac
    shift
done

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
data_home="${XDG_DATA_HOME:-$HOME/.local/share}"
bin_home="$HOME/.local/bin"
desktop_file="$data_home/applications/$APP_ID.desktop"
metainfo_file="$data_home/metainfo/$APP_ID.metainfo.xml"
icon_root="$data_home/icons/hicolor"

refresh_caches() {
    if command -v update-desktop-database >/dev/null 2>&1; then
        update-desktop-database -q "$data_home/applications" || true
    fi
    if command -v gtk-update-icon-cache >/dev/null 2>&1 && [[ -f "$icon_root/index.theme" ]]; then
        gtk-update-icon-cache -q -t "$icon_root" || true
    fi
}

if [[ $uninstall -eq 1 ]]; then
    rm -f "$desktop_file" "$metainfo_file" "$icon_root/scalable/apps/$APP_ID.svg"
    for size in "${SIZES[@]}"; do
        rm -f "$icon_root/${size}x${size}/apps/$APP_ID.png"
    done
    if [[ -L "$bin_home/viva" ]] && [[ "$(readlink "$bin_home/viva")" == */viva ]]; then
        rm -f "$bin_home/viva"
    fi
    refresh_caches
    echo "Viva's menu entry, icons and command link are removed (the app folder is untouched)."
    exit 0
fi

if [[ -z "$binary" ]]; then
    if [[ -x "$here/viva" && -d "$here/_internal" ]]; then
        binary="$here/viva"
    else
        binary="$here/dist/viva/viva"
    fi
fi
if [[ ! -x "$binary" ]]; then
    echo "install-desktop-entry.sh: error: no Viva binary at $binary." >&2
    echo "Build it first (packaging/build.sh) or pass the path of the viva binary." >&2
    exit 2
fi
binary="$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")"

# Icons and the desktop entry ship inside the built folder; in a checkout they are in assets/.
assets=""
for candidate in "$(dirname "$binary")/_internal/assets" "$here/../assets" "$here/assets"; do
    if [[ -f "$candidate/viva.desktop" ]]; then
        assets="$(cd "$candidate" && pwd)"
        break
    fi
done
if [[ -z "$assets" ]]; then
    echo "install-desktop-entry.sh: error: Viva's assets (viva.desktop, icons) were not found" \
        "next to $binary; rebuild with packaging/build.sh." >&2
    exit 2
fi

# Desktop Entry spec: quote the path, escaping \ " ` $ inside the quotes.
quoted="$(printf '%s' "$binary" | sed -e 's/[\\"`$]/\\&/g')"
quoted="\"${quoted//\\/\\\\}\""

mkdir -p "$(dirname "$desktop_file")" "$(dirname "$metainfo_file")" "$icon_root/scalable/apps"
while IFS= read -r line || [[ -n "$line" ]]; do
    case "$line" in
        "# "*) ;;
        Exec=*) printf 'Exec=%s\n' "$quoted" ;;
        TryExec=*) printf 'TryExec=%s\n' "${binary//\\/\\\\}" ;;
        *) printf '%s\n' "$line" ;;
    esac
done <"$assets/viva.desktop" >"$desktop_file"
install -m 644 "$assets/$APP_ID.metainfo.xml" "$metainfo_file"
install -m 644 "$assets/icons/viva.svg" "$icon_root/scalable/apps/$APP_ID.svg"
for size in "${SIZES[@]}"; do
    mkdir -p "$icon_root/${size}x${size}/apps"
    install -m 644 "$assets/icons/viva-$size.png" "$icon_root/${size}x${size}/apps/$APP_ID.png"
done

linked=""
if [[ $link -eq 1 ]]; then
    if [[ ! -e "$bin_home/viva" || -L "$bin_home/viva" ]]; then
        mkdir -p "$bin_home"
        ln -sfn "$binary" "$bin_home/viva"
        linked="$bin_home/viva"
    else
        echo "note: $bin_home/viva exists and is not a link; leaving it alone."
    fi
fi
refresh_caches

echo "Viva is in your applications menu ($desktop_file)."
echo "It runs $binary"
if [[ -n "$linked" ]]; then
    echo "The command line is available as 'viva' ($linked; ~/.local/bin must be on PATH)."
fi
echo "Remove with: $0 --uninstall"
