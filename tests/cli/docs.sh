# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# docs/cli.md mirrors the help: every line of `moat --help` and `moat CMD --help` must
# appear in it verbatim.
. "$(dirname "$0")/lib.sh"

for cmd in "" run wast inspect compile; do
    run moat $cmd --help
    expect_status 0
    while IFS= read -r line; do
        [ -n "$line" ] || continue
        grep -qxF -- "$line" "$src/docs/cli.md" \
            || fail "docs/cli.md lacks the help line '$line' (moat $cmd --help)"
    done <"$tmp/out"
done
finish
