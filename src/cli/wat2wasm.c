// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// `moat wat2wasm FILE.wat [-o FILE.wasm]`: shows the binary moat makes of a text module.
// The module is only converted, not validated (`moat inspect` or `moat run` do that).
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char wat2wasm_help[] =
    "Usage: moat wat2wasm [OPTIONS] FILE.wat\n"
    "\n"
    "Converts a module in the WebAssembly text format to the binary format, with a name\n"
    "section from its identifiers. FILE.wat may be `-` for standard input. Errors name\n"
    "the place as FILE:LINE:COLUMN and say what was expected. The binary is not\n"
    "validated: `moat inspect` and `moat run` do that.\n"
    "\n"
    "Options:\n"
    "  -o FILE          write the binary to FILE (`-` for standard output); the default is\n"
    "                   FILE.wat with the extension .wasm (standard output for `-`)\n"
    "  -h, --help       print this help and exit\n"
    "\n"
    "Exit status: 0 on success, 1 if the text cannot be read or is malformed, 2 on a\n"
    "usage error.\n";

// FILE.wat -> FILE.wasm (malloc'd).
static char *default_output(const char *path) {
    const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');
    size_t stem = dot && (!slash || dot > slash) ? (size_t)(dot - path) : strlen(path);
    char *out = malloc(stem + 6);
    if (out) {
        memcpy(out, path, stem);
        memcpy(out + stem, ".wasm", 6);
    }
    return out;
}

int cli_wat2wasm_main(int argc, char **argv) {
    const char *input = NULL, *output = NULL;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
            fputs(wat2wasm_help, stdout);
            return CLI_EXIT_OK;
        } else if (!strcmp(arg, "-o")) {
            if (++i >= argc) return cli_usage_error("wat2wasm", "-o needs a file name");
            output = argv[i];
        } else if (arg[0] == '-' && arg[1]) {
            return cli_usage_error("wat2wasm", "unknown option '%s'", arg);
        } else if (input) {
            return cli_usage_error("wat2wasm", "more than one input file");
        } else {
            input = arg;
        }
    }
    if (!input) return cli_usage_error("wat2wasm", "missing the text module (FILE.wat)");
    uint8_t *bytes, *wasm_data;
    size_t len, wasm_size;
    if (!cli_read_input(input, &bytes, &len)
        || !cli_wat_convert(input, bytes, len, &wasm_data, &wasm_size))
        return CLI_EXIT_FAIL;
    moat_byte_vec wasm = {wasm_data, wasm_size};
    char *owned = NULL;
    if (!output) output = strcmp(input, "-") ? (owned = default_output(input)) : "-";
    int status = CLI_EXIT_OK;
    FILE *f = !output ? NULL : strcmp(output, "-") ? fopen(output, "wb") : stdout;
    if (!f || fwrite(wasm.data, 1, wasm.size, f) != wasm.size || (f != stdout && fclose(f))) {
        cli_error("cannot write '%s': %s", output ? output : "?", strerror(errno));
        status = CLI_EXIT_FAIL;
    } else if (f == stdout) {
        fflush(stdout);
    }
    free(owned);
    moat_byte_vec_delete(&wasm);
    return status;
}
