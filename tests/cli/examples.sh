# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# Every examples/*.wat runs straight from the text format (issue 5): hello_text.wat as a WASI
# command, the others through --invoke, traps included.
. "$(dirname "$0")/lib.sh"

run moat run "$examples/hello_text.wat"
expect_status 0
expect_out_exact "Hello from WebAssembly text!"

run moat run --invoke fib "$examples/fib.wat" 10
expect_status 0
expect_out_exact "55"

run moat run --invoke average "$examples/trap.wat" 10 0
expect_status 134
expect_err "integer divide by zero"
expect_err "trap!divide"

run moat run --invoke recurse "$examples/recurse.wat" 1
expect_status 134
expect_err "call stack exhausted"

# Every example in the text format is accounted for above.
for f in "$examples"/*.wat; do
    case $(basename "$f") in
    hello_text.wat | fib.wat | trap.wat | recurse.wat) ;;
    *) fail "examples/$(basename "$f") is not run by this test" ;;
    esac
done
finish
