#!/bin/sh
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# Rename races against the sandbox: a host loop keeps moving box/d between a real
# directory and a symlink to the outside while guests/race.c opens d/file.txt; the
# outside secret must never be read. Usage: race.sh MOAT WASM_DIR TMP
set -eu
moat=$1 wasm=$2 tmp=$3
rm -rf "$tmp" && mkdir -p "$tmp/box/ddir" "$tmp/outside"
echo "TOP SECRET" >"$tmp/outside/file.txt"
echo inside >"$tmp/box/ddir/file.txt"
ln -s ../outside "$tmp/box/dlink"
(
    cd "$tmp/box"
    while [ ! -e ../stop ]; do
        mv ddir d && mv d ddir && mv dlink d && mv d dlink
    done
) &
swapper=$!
status=0
"$moat" run --dir "$tmp/box::/box" "$wasm/race.wasm" || status=$?
touch "$tmp/stop"
wait $swapper
[ $status -eq 0 ] || { echo "race.sh: guest failed ($status)"; exit 1; }
echo "race.sh: no leak"
