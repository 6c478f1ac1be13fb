// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// The WASI side of `moat run`: the Wasmtime-compatible grant options (--dir, --env,
// --tcplisten / -S tcplisten=, --preload) and turning them into a moat_wasi context.
#ifndef MOAT_CLI_RUN_WASI_H
#define MOAT_CLI_RUN_WASI_H

#include "moat.h"

#include <stdbool.h>

typedef struct run_dir {
    const char *host, *guest; // point into argv or into `strings`
    bool read_only;
} run_dir;

typedef struct run_grants {
    run_dir *dirs;
    const char **env;     // "NAME=VAL" or "NAME" (copied from the host)
    const char **listen;  // "ADDR:PORT"
    const char **preload; // "NAME=FILE"
    int ndirs, nenv, nlisten, npreload;
    bool inherit_env;
    char **strings; // pieces split out of --dir values, freed by run_grants_free
    int nstrings;
} run_grants;

// Returns grants with room for every option argc could hold; NULL on OOM.
run_grants *run_grants_new(int argc);
void run_grants_delete(run_grants *g);

// Tries to consume a grant option at argv[*i] (and its value). Returns 1 if consumed
// (advancing *i), 0 if argv[*i] is not a grant option, -1 after a usage error.
int run_grants_parse(int argc, char **argv, int *i, run_grants *g);

// The help lines for the grant options (a string literal, to splice into a help text).
#define RUN_GRANTS_HELP                                                                        \
    "  --dir HOST[::GUEST][::ro] grant host directory HOST to the guest as GUEST (default:\n"  \
    "                            the same path); a final ::ro or ::readonly makes the grant\n" \
    "                            read-only (to name a guest directory 'ro', write ./ro)\n"     \
    "  --env NAME=VAL            set an environment variable for the guest; --env NAME\n"      \
    "                            copies NAME from moat's own environment\n"                    \
    "  -S inherit-env[=y|n]      give the guest all of moat's environment variables\n"         \
    "  --tcplisten ADDR:PORT     give the guest a listening TCP socket (after the\n"           \
    "                            directories); also -S tcplisten=ADDR:PORT\n"                  \
    "  --preload NAME=FILE       instantiate FILE first and link its exports as module NAME\n"

// Defines WASI in `linker` and instantiates the --preload modules into it (each under its
// NAME). Returns the WASI context (delete it after the store), or NULL after printing why.
moat_wasi *run_link(const run_grants *g, moat_engine *engine, moat_linker *linker,
                    moat_store *store, const char *path, int nargs, char **args);

// The exit status for a trap: proc_exit's status (0-125; larger ones are reported and
// give 1, as in Wasmtime), or -1 if the trap is not an exit.
int run_exit_status(const moat_trap *trap);

// Builds the WASI context: argv = {path, args...}, the env, dirs and sockets granted,
// inherited stdio. Prints the error and returns NULL on failure.
moat_wasi *run_wasi_new(const run_grants *g, const char *path, int nargs, char **args);

#endif
