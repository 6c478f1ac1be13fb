#!/bin/sh
# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# Regenerates the committed .wasm files of the CLI tests and examples from their .wat
# sources (needs wabt's wat2wasm; tests never do, they use the committed binaries).
set -eu
root=$(cd "$(dirname "$0")/../../.." && pwd)
for wat in "$root"/tests/cli/wasm/*.wat "$root"/examples/*.wat; do
    wat2wasm --debug-names "$wat" -o "${wat%.wat}.wasm"
done
