#!/bin/sh
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# Runs one WASI test guest (built by build.sh) with the grants it expects and checks what
# it reports. Usage: guest.sh CASE MOAT WASM_DIR TMP. Exit 77 = skipped (ctest SKIP).
set -eu
case_=$1 moat=$2 wasm=$3 tmp=$4
rm -rf "$tmp" && mkdir -p "$tmp"
name="guest.sh $case_"
. "$(dirname "$0")/lib.sh"
case $case_ in
basics)
    expect 0 "$moat" run --env FOO=bar --env EMPTY= "$wasm/basics.wasm" one "two words"
    has out "basics: " ;;
files)
    mkdir "$tmp/sandbox"
    expect 0 "$moat" run --dir "$tmp/sandbox::/sandbox" "$wasm/files.wasm"
    [ -z "$(ls -A "$tmp/sandbox")" ] || fail "files left behind: $(ls -A "$tmp/sandbox")" ;;
readonly)
    mkdir -p "$tmp/data/sub" && echo granted >"$tmp/data/in.txt"
    before=$(ls -lR --time-style=+%s%N "$tmp/data")
    expect 0 "$moat" run --dir "$tmp/data::/data::ro" "$wasm/readonly.wasm"
    # --dir HOST::readonly maps HOST at the same path.
    (cd "$tmp" && expect 0 "$moat" run --dir data::readonly "$wasm/hello.wasm" data/in.txt)
    has out granted
    after=$(ls -lR --time-style=+%s%N "$tmp/data")
    [ "$before" = "$after" ] || { echo "$before"; echo "$after"; fail "read-only tree changed"; } ;;
exit)
    expect 3 "$moat" run "$wasm/exit.wasm" exit 3
    has out "before exit, no newline yet" # buffered output flushed by the guest's exit
    has err "to stderr"
    expect 0 "$moat" run "$wasm/exit.wasm" exit 0
    expect 125 "$moat" run "$wasm/exit.wasm" raw-exit 125
    expect 1 "$moat" run "$wasm/exit.wasm" raw-exit 126
    has err "exited with status 126, outside the portable range 0..125"
    expect 9 "$moat" run "$wasm/exit.wasm" return 9
    expect 134 "$moat" run "$wasm/exit.wasm" trap
    has err "moat: trap: unreachable"
    has err "exit.wasm!fault"
    has err "exit.wasm!_start" ;;
hello)
    mkdir "$tmp/granted" && echo "file contents" >"$tmp/granted/f.txt"
    expect 0 "$moat" run "$wasm/hello.wasm"
    has out "Hello, WebAssembly! I am $wasm/hello.wasm."
    expect 0 "$moat" run --dir "$tmp/granted::/g::ro" "$wasm/hello.wasm" /g/f.txt
    has out "file contents"
    expect 2 "$moat" run --dir "$tmp/granted::/g" "$wasm/hello.wasm" "$tmp/granted/f.txt"
    has err "Capabilities insufficient" ;;
cxx)
    [ -f "$wasm/cxx.wasm" ] || { echo "SKIP: no C++ guest (libc++-19-dev-wasm32 missing)"; exit 77; }
    mkdir "$tmp/work"
    expect 0 "$moat" run --dir "$tmp/work::/work" "$wasm/cxx.wasm" three two one
    has out "sorted: one,three,two, distinct letters: 7" ;;
rust)
    [ -f "$wasm/rust.wasm" ] || { echo "SKIP: no Rust guest (/usr/bin/rustc or libstd-rust-dev-wasm32 missing)"; exit 77; }
    mkdir "$tmp/work"
    expect 7 "$moat" run --env GREETING=hi --dir "$tmp/work::/work" "$wasm/rust.wasm" alpha beta
    has out "rust: all checks passed"
    [ -f "$tmp/work/sub/moved.txt" ] || fail "rust.txt was not moved" ;;
tree_copy)
    mkdir -p "$tmp/src/a/b" "$tmp/src/c" "$tmp/dst"
    echo one >"$tmp/src/x.txt" && echo two >"$tmp/src/c/y"
    i=0; while [ $i -lt 50 ]; do echo "line $i" >>"$tmp/src/a/b/blob"; i=$((i + 1)); done
    expect 0 "$moat" run --dir "$tmp/src::/src::ro" --dir "$tmp/dst::/dst" "$wasm/tree_copy.wasm"
    has out "tree_copy: 3 files, 4 directories"
    diff -r -x copy.log "$tmp/src" "$tmp/dst" || fail "copy differs"
    [ "$(wc -l <"$tmp/dst/copy.log")" -eq 4 ] || fail "copy.log: $(cat "$tmp/dst/copy.log")" ;;
*)
    fail "unknown case" ;;
esac
echo "guest.sh $case_: ok"
