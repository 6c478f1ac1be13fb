// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Hello world for `moat run` (WASI preview1). Prints a greeting; given a file name, prints
// the file, which works only if its directory was granted with --dir. Exit status: 0, or 2
// when the file cannot be opened. examples/hello.wasm is this file built with
//   clang-19 --target=wasm32-wasi --sysroot=/usr -Os -Wl,--strip-all hello.c -o hello.wasm
// Try:
//   moat run examples/hello.wasm
//   moat run --dir examples::/ex::ro examples/hello.wasm /ex/hello.txt
//   moat run examples/hello.wasm /etc/passwd      (not granted: fails, exit status 2)
#include <errno.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
    printf("Hello, WebAssembly! I am %s.\n", argv[0]);
    if (argc < 2) return 0;
    FILE *f = fopen(argv[1], "r");
    if (!f) {
        fprintf(stderr, "hello: cannot open %s: %s\n", argv[1], strerror(errno));
        return 2;
    }
    char line[256];
    while (fgets(line, sizeof line, f))
        fputs(line, stdout);
    fclose(f);
    return 0;
}
