#!/bin/sh
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# The escape test set: builds a box with every kind of way out next to an outside tree,
# runs guests/sandbox.c in it, and proves the outside was neither changed nor read into
# the box (same listing and checksums before and after).
# Usage: sandbox.sh MOAT WASM_DIR TMP
set -eu
moat=$1 wasm=$2 tmp=$3
rm -rf "$tmp" && mkdir -p "$tmp/box/deep/a/b" "$tmp/box/sub" "$tmp/outside/dir"
t=$(cd "$tmp" && pwd)
echo "TOP SECRET" >"$t/outside/secret.txt"
ln -s secret.txt "$t/outside/link_outside"
echo inside >"$t/box/inside.txt"
echo inside2 >"$t/box/sub/inside2.txt"
cd "$t/box"
ln -s "$t/outside/secret.txt" abs_link
ln -s ../outside/secret.txt rel_link
ln -s ../outside dir_link
ln -s "$t/outside" abs_dir_link
ln -s / root_link
ln -s /proc/self/root proc_link
ln -s /proc/self/cwd proc_cwd
ln -s loop2 loop1
ln -s loop1 loop2
ln -s self_loop self_loop
ln -s chain2 chain1
ln -s chain3 chain2
ln -s ../outside/secret.txt chain3
ln -s deep/a/b/../../../../outside deep_link
ln -s deep/a/b/../../../.. up_link
ln -s ../outside/created.txt dangling
ln -s inside.txt ok_link
ln -s deep/a/../../sub ok_chain
cd - >/dev/null
snapshot() { (cd "$t/outside" && ls -la --time-style=+%s%N . dir && cat secret.txt) ; }
before=$(snapshot)
"$moat" run --dir "$t/box::/box" "$wasm/sandbox.wasm" "$t/outside/secret.txt"
after=$(snapshot)
if [ "$before" != "$after" ]; then
    echo "sandbox.sh: the outside tree changed:"; echo "$before"; echo "---"; echo "$after"
    exit 1
fi
if grep -rl "TOP SECRET" "$t/box" 2>/dev/null | grep -v -e _link -e chain -e dangling; then
    echo "sandbox.sh: the secret was copied into the box"; exit 1
fi
echo "sandbox.sh: outside tree unchanged"
