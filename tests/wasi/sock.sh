#!/bin/sh
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# --tcplisten and -S tcplisten=: a guest server answers one request from a bash client.
# Usage: sock.sh MOAT WASM_DIR TMP
set -eu
moat=$1 wasm=$2 tmp=$3
mkdir -p "$tmp"
command -v bash >/dev/null || { echo "sock.sh: SKIP: bash (for /dev/tcp) not found"; exit 77; }
serve() { # FLAG PREFIX: runs the guest with FLAG PREFIX127.0.0.1:PORT, connects, checks
    port=$((20000 + ($$ * 2 + ${#1}) % 20000))
    "$moat" run "$1" "${2}127.0.0.1:$port" "$wasm/sock.wasm" >"$tmp/server.out" 2>&1 &
    pid=$!
    i=0
    while ! bash -c "exec 3<>/dev/tcp/127.0.0.1/$port && printf ping >&3 && cat <&3" \
        >"$tmp/reply" 2>/dev/null; do
        i=$((i + 1))
        [ $i -lt 100 ] || { kill $pid; echo "sock.sh: cannot connect"; exit 1; }
        sleep 0.1
    done
    status=0
    wait $pid || status=$?
    cat "$tmp/server.out"
    [ $status -eq 0 ] || { echo "sock.sh: server exited $status"; exit 1; }
    [ "$(cat "$tmp/reply")" = "pong: ping" ] || { echo "sock.sh: reply '$(cat "$tmp/reply")'"; exit 1; }
    echo "sock.sh: $1 ok"
}
serve --tcplisten ""
serve -S tcplisten=
