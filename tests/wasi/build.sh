#!/bin/sh
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# Builds the WASI test guests at test time with clang-19 for wasm32-wasi against Debian's
# wasi-libc (packages clang-19 lld-19 wasi-libc libclang-rt-19-dev-wasm32, and
# libc++-19-dev-wasm32 for the C++ guest; rustc + libstd-rust-dev-wasm32 for the Rust one).
# Usage: build.sh SOURCE_DIR OUT_DIR
set -eu
src=$1/tests/wasi/guests out=$2
cc=${MOAT_WASI_CC:-clang-19}
cflags="--target=wasm32-wasi --sysroot=/usr -O2 -Wall -Werror -I$src"
mkdir -p "$out"
for c in basics files sandbox race readonly exit sock tree_copy needs_import preload_main; do
    $cc $cflags "$src/$c.c" -o "$out/$c.wasm"
done
$cc $cflags -mexec-model=reactor "$src/reactor.c" -o "$out/reactor.wasm"
$cc $cflags "$1/examples/hello.c" -o "$out/hello.wasm"
if [ -e /usr/include/wasm32-wasi/c++/v1/vector ]; then
    ${cc%-19}++-19 $cflags -fno-exceptions "$src/cxx.cpp" -o "$out/cxx.wasm"
else
    echo "build.sh: libc++-19-dev-wasm32 missing: the C++ guest is skipped"
fi
if [ -x /usr/bin/rustc ] && [ -d /usr/lib/rustlib/wasm32-wasi ]; then
    /usr/bin/rustc --edition 2021 -O --target wasm32-wasi "$src/rust.rs" -o "$out/rust.wasm"
else
    echo "build.sh: /usr/bin/rustc with libstd-rust-dev-wasm32 missing: the Rust guest is skipped"
fi
echo "build.sh: guests built in $out"
