#!/usr/bin/env bash
# Check a built bundle as a user would run it: it opens its main window and its trainer child
# answers (offscreen), it finds its resources inside itself, and `gdsim train` works.
#   bash packaging/smoke_test.sh [path/to/bundle/gdsim]    (default dist/gdsim/gdsim)
set -euo pipefail
# A path given on the command line is relative to where the script was started from.
APP="${1:-$(dirname "$0")/../dist/gdsim/gdsim}"
if [ ! -x "$APP" ]; then
    echo "smoke_test.sh: no bundle at $APP; build it with packaging/build.sh" >&2
    exit 1
fi
BUNDLE="$(cd "$(dirname "$APP")" && pwd)"
EXE="$BUNDLE/$(basename "$APP")"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
fail() { echo "smoke_test.sh: $*" >&2; exit 1; }

# Run from elsewhere with a bare environment, so nothing can come from this checkout.
cd "$tmp"
clean_env=(env -i "HOME=$tmp" "PATH=/usr/bin:/bin" "LANG=C.UTF-8" "QT_QPA_PLATFORM=offscreen")

out="$("${clean_env[@]}" timeout 120 "$EXE" --self-test --screenshot "$tmp/window.png")" \
    || fail "the self-test failed (exit $?)"
echo "$out"
[[ "$out" == "gdsim self-test: ok ("*"resources $BUNDLE/"* ]] \
    || fail "the self-test did not find the resources inside the bundle"
[ -s "$tmp/window.png" ] || fail "the self-test wrote no screenshot"

example="$(find "$BUNDLE" -path "*/resources/examples/moons-csv.json" | head -n 1)"
[ -n "$example" ] || fail "no resources/examples/moons-csv.json in the bundle"
# This example reads ../data/moons_like.csv: the bundled data files are checked too.
"${clean_env[@]}" timeout 120 "$EXE" train "$example" --steps 50 --out "$tmp/run.csv" \
    || fail "gdsim train failed (exit $?)"
[ "$(wc -l < "$tmp/run.csv")" -gt 50 ] || fail "gdsim train wrote too few rows"
# The licences travel with every copy: gdsim's beside resources/ (Help > About reads it there),
# the LGPL for Qt/PySide6 and the other libraries' own files under licenses/.
internal="$(dirname "$(dirname "$(dirname "$example")")")"
grep -q "MIT License" "$internal/LICENSE" || fail "no gdsim LICENSE in $internal"
for licence in LGPL-3.0.txt GPL-3.0.txt numpy pyqtgraph sympy mpmath; do
    [ -e "$internal/licenses/$licence" ] || fail "no licenses/$licence in the bundle"
done
echo "smoke_test.sh: ok"
