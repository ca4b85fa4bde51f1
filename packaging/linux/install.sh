#!/bin/sh
# Put gdsim in the desktop's application menu: installs the .desktop file, the AppStream
# metainfo and the hicolor icons for a gdsim installed with pip (for example in a venv).
#
#   packaging/linux/install.sh [--exec PATH] [--uninstall]
#
# Files go under ${PREFIX:-$HOME/.local}/share (applications/, metainfo/, icons/hicolor/).
# Run it from a checkout of the repository; it finds the files relative to itself.
# Installing twice is the same as installing once (files are overwritten); --uninstall removes
# exactly the files an install writes (and icon folders it leaves empty), nothing else.
#
# The installed desktop file runs gdsim by its absolute path, because a desktop session's PATH
# rarely contains a venv's bin folder. That path is `command -v gdsim` unless --exec names one;
# re-run the script if gdsim moves. Caches are refreshed when their tools are present, but only
# caches that already exist (or that the entry needs: update-desktop-database if it declares a
# MimeType), since a new cache in a user's folder goes stale when other programs install files
# without refreshing it, and the desktop entry itself needs none.
set -eu

APP_ID=io.github.gdsim.Gdsim
SIZES="16 24 32 48 64 128 256 512"

usage() {
    echo "usage: $0 [--exec PATH] [--uninstall]" >&2
    echo "  installs under \${PREFIX:-\$HOME/.local}/share; PREFIX is now '${PREFIX:-$HOME/.local}'" >&2
    exit 2
}

mode=install
exec_path=
while [ $# -gt 0 ]; do
    case "$1" in
        --uninstall) mode=uninstall ;;
        --exec)
            [ $# -ge 2 ] || usage
            exec_path=$2
            shift
            ;;
        --exec=*) exec_path=${1#--exec=} ;;
        -h | --help) usage ;;
        *)
            echo "$0: unknown argument '$1'" >&2
            usage
            ;;
    esac
    shift
done

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
prefix=${PREFIX:-$HOME/.local}
share=$prefix/share
hicolor=$share/icons/hicolor

desktop_dst=$share/applications/$APP_ID.desktop
metainfo_dst=$share/metainfo/$APP_ID.metainfo.xml
svg_dst=$hicolor/scalable/apps/$APP_ID.svg

refresh_caches() {
    if command -v update-desktop-database >/dev/null 2>&1 && {
        [ -f "$share/applications/mimeinfo.cache" ] || grep -qs '^MimeType=' "$here/$APP_ID.desktop"
    }; then
        update-desktop-database -q "$share/applications" || true
    fi
    if command -v gtk-update-icon-cache >/dev/null 2>&1 && [ -f "$hicolor/icon-theme.cache" ]; then
        gtk-update-icon-cache -q -t -f "$hicolor" || true
    fi
}

if [ "$mode" = uninstall ]; then
    rm -f "$desktop_dst" "$metainfo_dst" "$svg_dst"
    rmdir "$hicolor/scalable/apps" "$hicolor/scalable" 2>/dev/null || true
    for size in $SIZES; do
        rm -f "$hicolor/${size}x$size/apps/$APP_ID.png"
        rmdir "$hicolor/${size}x$size/apps" "$hicolor/${size}x$size" 2>/dev/null || true
    done
    refresh_caches
    echo "gdsim: removed its desktop entry, metainfo and icons from $share"
    exit 0
fi

# Sources, all checked before anything is written.
desktop_src=$here/$APP_ID.desktop
metainfo_src=$here/$APP_ID.metainfo.xml
svg_src=$root/resources/icons/gdsim.svg
for f in "$desktop_src" "$metainfo_src" "$svg_src"; do
    [ -f "$f" ] || { echo "$0: missing $f (run this from a gdsim checkout)" >&2; exit 1; }
done
for size in $SIZES; do
    f=$root/resources/icons/png/gdsim-$size.png
    [ -f "$f" ] || { echo "$0: missing $f (run packaging/render_icons.py)" >&2; exit 1; }
done

if [ -z "$exec_path" ]; then
    exec_path=$(command -v gdsim 2>/dev/null) || {
        echo "$0: gdsim is not on PATH; install it first (pip install .) or pass --exec /path/to/gdsim" >&2
        exit 1
    }
fi
case "$exec_path" in
    /*) ;;
    */*) exec_path=$(cd "$(dirname "$exec_path")" && pwd)/$(basename "$exec_path") ;;
    *)
        found=$(command -v "$exec_path" 2>/dev/null) || {
            echo "$0: --exec: no program '$exec_path' on PATH" >&2
            exit 1
        }
        exec_path=$found
        ;;
esac
if [ ! -f "$exec_path" ] || [ ! -x "$exec_path" ]; then
    echo "$0: $exec_path is not an executable file" >&2
    exit 1
fi
case "$exec_path" in
    *[\"\`\$\\%]* | *"
"*)
        echo "$0: cannot write '$exec_path' into a desktop file (it contains one of \" \` \$ \\ % or a newline)" >&2
        exit 1
        ;;
esac
# Quoted, so that spaces and the desktop-entry spec's other reserved characters are safe.
# Escaped for sed's replacement text: & and the | delimiter.
sed_path=$(printf '%s' "$exec_path" | sed -e 's/[&|]/\\&/g')

install_file() { # source, destination: write beside it, then rename (never half a file)
    mkdir -p "$(dirname "$2")"
    cp "$1" "$2.tmp.$$"
    chmod 644 "$2.tmp.$$"
    mv -f "$2.tmp.$$" "$2"
}

mkdir -p "$share/applications"
sed -e "s|^Exec=gdsim |Exec=\"$sed_path\" |" -e "s|^TryExec=gdsim\$|TryExec=$sed_path|" \
    "$desktop_src" >"$desktop_dst.tmp.$$"
chmod 644 "$desktop_dst.tmp.$$"
mv -f "$desktop_dst.tmp.$$" "$desktop_dst"
install_file "$metainfo_src" "$metainfo_dst"
install_file "$svg_src" "$svg_dst"
for size in $SIZES; do
    install_file "$root/resources/icons/png/gdsim-$size.png" "$hicolor/${size}x$size/apps/$APP_ID.png"
done
refresh_caches
echo "gdsim: installed its desktop entry (runs $exec_path), metainfo and icons under $share"
