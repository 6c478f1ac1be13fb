// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Shared pieces of the `moat` command: the subcommand entry points, file reading with
// clear messages, the engine options common to `run` and `wast`, and printing of types
// and values. The CLI is an embedder like any other: it includes moat.h and nothing from
// src/ below it.
#ifndef MOAT_CLI_H
#define MOAT_CLI_H

#include "moat.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

// Exit statuses. A trapped guest exits 134, as `wasmtime run` does (128 + SIGABRT).
#define CLI_EXIT_OK    0
#define CLI_EXIT_FAIL  1
#define CLI_EXIT_USAGE 2
#define CLI_EXIT_TRAP  134

// Whether a command frees what it made before the process exits. Only sanitizer builds
// do (for the leak checker): otherwise the kernel reclaims memory and mappings wholesale
// at exit, faster than deleting them one by one (an 8 GiB reservation, the interpreter
// stacks, every compiled function). The library itself always frees on *_delete.
#if defined(__SANITIZE_ADDRESS__)
#define CLI_FREE_AT_EXIT 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define CLI_FREE_AT_EXIT 1
#endif
#endif
#ifndef CLI_FREE_AT_EXIT
#define CLI_FREE_AT_EXIT 0
#endif

// Subcommands: argv[0] is the subcommand name; each returns the process exit status.
int cli_run_main(int argc, char **argv);
int cli_wast_main(int argc, char **argv);
int cli_inspect_main(int argc, char **argv);
int cli_wat2wasm_main(int argc, char **argv);

// Prints "moat: <message>" on stderr.
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
// Prints "moat CMD: <message>" and a hint to `moat CMD --help` on stderr; returns
// CLI_EXIT_USAGE.
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

// Reads a whole file into a new malloc'd buffer (*out, caller frees). On failure prints
// "moat: cannot read 'PATH': <reason>" and returns false.
bool cli_read_file(const char *path, uint8_t **out, size_t *out_len);

// Reads a file, or standard input for "-", into a new malloc'd buffer (module_file.c).
bool cli_read_input(const char *path, uint8_t **out, size_t *out_len);
// True if the bytes start with the binary format's magic number.
bool cli_is_binary(const uint8_t *bytes, size_t len);
// Reads a module from a file or "-": a binary as is, text converted with moat_wat2wasm.
// On failure prints why ("moat: FILE:LINE:COL: ...") and returns false.
bool cli_read_module(const char *path, uint8_t **out, size_t *out_len);
// Converts text read from `path` (freed here) to a binary in *out; false after printing
// the error.
bool cli_wat_convert(const char *path, uint8_t *text, size_t len, uint8_t **out, size_t *out_len);

// Engine options shared by `run` and `wast` (`--bounds-checks`, `-W key=value`), and the
// store options of `run` (options.c). Zero values mean the library's defaults.
typedef struct cli_engine_opts {
    bool bounds_checks;
    uint32_t max_call_depth;
    size_t max_wasm_stack;
    bool relaxed_simd; // MOAT_FEATURE_RELAXED_SIMD
    bool has_fuel;     // store options from here on
    uint64_t fuel;
    uint64_t timeout_ms;
    uint64_t max_memory_size;
    uint64_t max_table_elements;
} cli_engine_opts;

// Tries to consume an option at argv[*i] (and its value at argv[*i + 1] for a separate
// `-W key=value`); store options only `with_store_opts`. Returns 1 if consumed (advancing
// *i past it), 0 if argv[*i] is not such an option, -1 after printing a usage error.
int cli_engine_opt_parse(const char *cmd, bool with_store_opts, int argc, char **argv, int *i,
                         cli_engine_opts *opts);
// Prints a command's help to stdout: `head`, the option lines, `tail`.
void cli_help_print(const char *head, bool with_store_opts, const char *tail);
// Makes an engine with the options; prints the error and returns NULL on failure.
moat_engine *cli_engine_new(const cli_engine_opts *opts);
// Applies the store options (limits, fuel, epoch deadline); false after printing an error.
bool cli_store_configure(moat_store *store, const cli_engine_opts *opts);

// -W timeout: a thread that advances the engine's epoch after `ms` milliseconds, so that a
// store with an epoch deadline of 1 traps "interrupted". Stop it (and free it) with
// cli_timer_stop, which does nothing for NULL. NULL if the thread cannot be started.
typedef struct cli_timer cli_timer;
cli_timer *cli_timer_start(moat_engine *engine, uint64_t ms);
void cli_timer_stop(cli_timer *timer);

// Writes a message for `err` to stderr, prefixed by "moat: <what>: ", and deletes it.
void cli_report_error(const char *what, moat_error *err);

// Reports a module that failed to load: "moat: cannot load 'PATH': MESSAGE", plus a hint
// when the bytes look like the text format. Deletes `err`.
void cli_report_load_error(const char *path, const uint8_t *bytes, size_t len, moat_error *err);

// "i32", "funcref", ...
const char *cli_valkind_name(moat_valkind kind);
// Writes "(i32, i32) -> (i32)" to `out`.
void cli_print_functype(FILE *out, const moat_functype *type);
// Writes "func (i32) -> ()", "memory 1..2", "table 10..20 funcref", "global mut i32".
void cli_print_externtype(FILE *out, const moat_externtype *type);
// Writes a name: UTF-8 as is (names are validated UTF-8), control bytes and backslash
// escaped as \xx.
void cli_print_name(FILE *out, moat_name name);
// Writes a value for people: i32/i64 signed decimal, floats in the shortest form that
// reads back exactly ("1.5", "nan", "-inf"), references as "null" / "<funcref>".
void cli_print_value(FILE *out, const moat_val *val);

#endif
