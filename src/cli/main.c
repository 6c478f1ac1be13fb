// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// `moat`: dispatches to a subcommand (run.c, wast.c, inspect.c), answers --version and
// --help, and reserves `compile` for the optimizing tier.
#include "cli.h"

#include <string.h>

static const char main_help[] =
    "moat: a WebAssembly runtime\n"
    "\n"
    "Usage: moat [--version | --help]\n"
    "       moat <COMMAND> [OPTIONS] ...\n"
    "\n"
    "Commands:\n"
    "  run       run a WebAssembly module (moat run [OPTIONS] FILE.wasm [ARGS...])\n"
    "  wast      run spec test scripts in wast2json form (moat wast [OPTIONS] FILE.json...)\n"
    "  inspect   list a module's sections, imports, exports and functions\n"
    "  wat2wasm  convert a text module to the binary format (moat wat2wasm FILE.wat)\n"
    "  compile   reserved for the optimizing tier (not available yet)\n"
    "  help      show this help, or a command's help (moat help run)\n"
    "\n"
    "Options:\n"
    "  -V, --version   print the version and exit\n"
    "  -h, --help      print this help and exit\n"
    "\n"
    "Options of a command come before the module file; what follows the file belongs to\n"
    "the guest. 'moat COMMAND --help' describes a command's options.\n";

static int compile_main(int argc, char **argv) {
    if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        fputs("Usage: moat compile ...\n\n"
              "Reserved for the optimizing (LLVM) tier, which will write precompiled\n"
              "modules. It is not available yet and always exits with status 2.\n",
              stdout);
        return CLI_EXIT_OK;
    }
    fputs("moat compile is reserved for the optimizing tier (not available yet)\n", stderr);
    return CLI_EXIT_USAGE;
}

static const struct {
    const char *name;
    int (*main)(int argc, char **argv);
} commands[] = {
    {"run", cli_run_main},           {"wast", cli_wast_main},   {"inspect", cli_inspect_main},
    {"wat2wasm", cli_wat2wasm_main}, {"compile", compile_main},
};

static int dispatch(int argc, char **argv) {
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[0], commands[i].name)) return commands[i].main(argc, argv);
    return cli_usage_error(NULL, "unknown command '%s'", argv[0]);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fputs(main_help, stderr);
        return CLI_EXIT_USAGE;
    }
    const char *arg = argv[1];
    if (!strcmp(arg, "--version") || !strcmp(arg, "-V")) {
        printf("moat %s\n", moat_version());
        return CLI_EXIT_OK;
    }
    if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
        fputs(main_help, stdout);
        return CLI_EXIT_OK;
    }
    if (!strcmp(arg, "help")) {
        if (argc < 3) {
            fputs(main_help, stdout);
            return CLI_EXIT_OK;
        }
        char help_flag[] = "--help";
        char *help_argv[] = {argv[2], help_flag, NULL};
        return dispatch(2, help_argv);
    }
    if (arg[0] == '-') return cli_usage_error(NULL, "unknown option '%s'", arg);
    return dispatch(argc - 1, argv + 1);
}
