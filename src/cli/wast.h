// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// The spec script runner's pieces: values as wast2json writes them (wast_values.c), the
// `spectest` host module (spectest.c) and the command interpreter (wast.c).
#ifndef MOAT_CLI_WAST_H
#define MOAT_CLI_WAST_H

#include "cli.h"

#include <jansson.h>

// How a result is compared with an expected value.
typedef enum wast_match {
    WAST_MATCH_BITS,           // exactly the same bits / the same reference
    WAST_MATCH_NAN_CANONICAL,  // a NaN whose payload is only the quiet bit, either sign
    WAST_MATCH_NAN_ARITHMETIC, // a NaN with the quiet bit set, either sign
    WAST_MATCH_NONNULL,        // any non-null reference of the kind ({"type": "funcref"})
} wast_match;

typedef struct wast_expected {
    moat_val val;
    wast_match match;
    // v128 only: the lane size in bytes, and a match per lane (f32/f64 lanes may be NaN
    // patterns; other lanes are WAST_MATCH_BITS).
    unsigned lane_bytes;
    wast_match lanes[16];
} wast_expected;

// Parses a wast2json value object ({"type": "i32", "value": "42"}) into *out. Returns
// NULL, or a static message saying why the value cannot be used ("v128 not supported").
// Externref n is the host pointer (void *)(n + 1), so that 0 is not null.
const char *wast_value_parse(const json_t *obj, moat_val *out);
// The same for an expected result, which may also be a NaN pattern or a bare funcref.
const char *wast_expected_parse(const json_t *obj, wast_expected *out);
// True if `got` matches `want`.
bool wast_expected_matches(const wast_expected *want, const moat_val *got);
// Prints a value with its type for failure messages: "i32:42", "f32:1.5 (0x3fc00000)",
// "externref:3", "funcref:null".
void wast_value_print(FILE *out, const moat_val *val);
void wast_expected_print(FILE *out, const wast_expected *want);

// Creates the `spectest` module's functions, globals, table and memory in `store` and
// defines them in `linker` under "spectest". The print functions write each argument as
// "VALUE : TYPE" on stdout, as the reference interpreter does. Returns NULL or an error.
moat_error *wast_spectest_define(moat_store *store, moat_linker *linker);

typedef struct wast_counts {
    unsigned passed, failed, skipped;
} wast_counts;

typedef struct wast_named {
    char *name;              // "$M" as wast2json writes it
    moat_instance *instance; // NULL if that module failed to load
} wast_named;

// The state of one script run: its store and linker (with `spectest` and the registered
// instances), the named instances and the current (last) one.
typedef struct wast_script {
    const char *label; // the JSON file's base name, for "FILE:LINE:" messages
    const char *dir;   // where its module files are ("" or ending in '/')
    bool verbose;
    moat_engine *engine;
    moat_store *store;
    moat_linker *linker;
    wast_named *named;
    size_t nnamed, cap_named;
    moat_instance *current;            // the last module's instance; NULL if none
    bool current_failed;               // the last module command failed
    const moat_wast_command *wast_cmd; // the command being run, for .wast scripts
    long line;                         // of the command being run
    const char *type;                  // of the command being run
    wast_counts counts;
} wast_script;

// Runs one command object of the script's "commands" array, updating s->counts and
// printing a line for each failure.
void wast_run_command(wast_script *s, const json_t *cmd);
// Runs every command of a .wast script (wast_text.c). Returns false after printing why
// the script could not be read at all.
bool wast_run_text_script(wast_script *s, const char *path);
// Frees what the commands allocated (names); the store and linker belong to the caller.
void wast_script_fini(wast_script *s);

#endif
