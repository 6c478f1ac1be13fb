// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Exit paths: `exit N` calls proc_exit(N) in the middle of buffered output (which wasi-libc
// flushes first), `raw-exit N` calls it directly, `trap` faults, `return N` returns from
// main. Also `env NAME` (prints a variable) and `spam` (writes until a pipe closes).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

__attribute__((noinline)) static void fault(int depth) {
    if (depth == 0) __builtin_trap();
    fault(depth - 1);
    printf("unreachable\n");
}

int main(int argc, char **argv) {
    if (argc < 2) return 0;
    if (!strcmp(argv[1], "spam")) { // into a pipe closed early: EPIPE, exit 3
        for (int i = 0; i < 100000; i++)
            if (printf("line %d\n", i) < 0) return 3;
        return 0;
    }
    if (!strcmp(argv[1], "env")) { // prints the guest's view of a variable
        const char *v = getenv(argv[2]);
        printf("%s=%s\n", argv[2], v ? v : "(unset)");
        return 0;
    }
    printf("before exit, no newline yet");
    fprintf(stderr, "to stderr ");
    if (!strcmp(argv[1], "exit")) exit(atoi(argv[2]));
    if (!strcmp(argv[1], "raw-exit")) {
        fflush(stdout);
        __wasi_proc_exit((__wasi_exitcode_t)atoi(argv[2]));
    }
    if (!strcmp(argv[1], "trap")) {
        fflush(stdout);
        fault(2);
    }
    return atoi(argv[2]);
}
