#!/bin/sh
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# Installs the build into a temporary prefix and uses it the way a host project would:
# examples/plugin-host and tests/embed/test_limits.c are compiled against the installed
# moat.h and libmoat.so through pkg-config, then run.
# Usage: install.sh BUILD_DIR SOURCE_DIR CC "EXTRA_CFLAGS"
set -eu
build=$1 src=$2 cc=$3 extra=${4:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
export PKG_CONFIG_PATH="$tmp/prefix/lib/pkgconfig"
echo "pkg-config: $(pkg-config --modversion moat): $(pkg-config --cflags --libs moat)"
test -f "$tmp/prefix/include/moat.h"
test -f "$tmp/prefix/lib/libmoat.a"
test -f "$tmp/prefix/lib/cmake/moat/moatConfig.cmake"
# shellcheck disable=SC2086 # extra and pkg-config output are word lists
$cc $extra -std=c17 -Wall -Wextra -Werror $(pkg-config --cflags moat) \
    "$src/examples/plugin-host/plugin_host.c" -o "$tmp/plugin-host" \
    $(pkg-config --libs moat) -lpthread -Wl,-rpath,"$tmp/prefix/lib"
# The header alone must compile as C++ too (extern "C").
if command -v c++ >/dev/null 2>&1; then
    echo '#include <moat.h>
int main() { return moat_version()[0] == 0; }' > "$tmp/cxx.cc"
    c++ $(pkg-config --cflags moat) -c "$tmp/cxx.cc" -o "$tmp/cxx.o"
fi
"$tmp/plugin-host" "$src/examples/plugin-host"
# shellcheck disable=SC2086
$cc $extra -std=c17 -Wall -Wextra -Werror $(pkg-config --cflags moat) -I"$src/tests/unit" \
    -I"$src/tests/embed" "$src/tests/embed/test_limits.c" -o "$tmp/test_limits" \
    $(pkg-config --libs moat) -lpthread -Wl,-rpath,"$tmp/prefix/lib"
"$tmp/test_limits"
echo "install test passed"
