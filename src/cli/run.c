// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// `moat run [OPTIONS] FILE.wasm [ARGS...]`: instantiates a module with no imports (WASI
// comes later) and calls `--invoke NAME` with ARGS parsed per its parameter types, or
// `_start`. Results go to stdout one per line (as `wasmtime run --invoke` prints them); a
// trap prints its message and wasm backtrace on stderr and exits 134.
#include "cli.h"
#include "run_wasi.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static const char run_help_head[] =
    "Usage: moat run [OPTIONS] FILE.wasm [ARGS...]\n"
    "\n"
    "Instantiates FILE.wasm and calls one of its exported functions. Options come before\n"
    "FILE.wasm; everything after it is passed to the guest.\n"
    "\n"
    "Without --invoke, calls the exported function `_start`. With --invoke NAME, calls\n"
    "export NAME with ARGS converted to its parameter types and prints each result on its\n"
    "own line. Argument syntax: i32/i64 as decimal (may be negative) or 0x hex; f32/f64\n"
    "as decimal, hex float, nan, inf or -inf; v128 as 0x and up to 32 hex digits (one\n"
    "128-bit number, as results print); funcref/externref only as null.\n"
    "\n"
    "The module may import wasi_snapshot_preview1 (WASI preview1): the guest gets stdio,\n"
    "its arguments (argv[0] is FILE.wasm as written) and nothing else unless granted\n"
    "below. proc_exit(N) exits with N (0-125; a larger N is reported and gives 1).\n"
    "\n"
    "Options:\n" RUN_GRANTS_HELP
    "  --invoke NAME             call export NAME instead of _start (also --invoke=NAME)\n";
static const char run_help_tail[] =
    "  -h, --help                print this help and exit\n"
    "\n"
    "Exit status: 0 on success, 1 if the module cannot be read, loaded, linked or called,\n"
    "2 on a usage error, 134 if the guest traps, runs out of fuel or times out (message\n"
    "and wasm backtrace on stderr).\n";

typedef struct run_opts {
    cli_engine_opts engine;
    run_grants *grants; // WASI grants (run_wasi.c)
    const char *invoke; // NULL: _start
    const char *path;
    int nargs;
    char **args;
} run_opts;

// Returns -1 to continue, or an exit status (after --help or a usage error).
static int parse_args(int argc, char **argv, run_opts *opts) {
    int i = 1;
    while (i < argc && argv[i][0] == '-' && argv[i][1]) {
        const char *arg = argv[i];
        int r = cli_engine_opt_parse("run", true, argc, argv, &i, &opts->engine);
        if (r == 0) r = run_grants_parse(argc, argv, &i, opts->grants);
        if (r < 0) return CLI_EXIT_USAGE;
        if (r > 0) continue;
        if (!strcmp(arg, "--")) {
            i++;
            break;
        } else if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
            cli_help_print(run_help_head, true, run_help_tail);
            return CLI_EXIT_OK;
        } else if (!strcmp(arg, "--invoke")) {
            if (i + 1 >= argc) return cli_usage_error("run", "--invoke needs a function name");
            opts->invoke = argv[i + 1];
            i += 2;
        } else if (!strncmp(arg, "--invoke=", 9)) {
            opts->invoke = arg + 9;
            i++;
        } else {
            return cli_usage_error("run", "unknown option '%s'", arg);
        }
    }
    if (i >= argc) return cli_usage_error("run", "missing the module file (FILE.wasm)");
    opts->path = argv[i];
    opts->nargs = argc - i - 1;
    opts->args = argv + i + 1;
    return -1;
}

// Parses an integer of `bits` bits: decimal (maybe negative) or 0x hex; accepts both the
// signed and the unsigned range.
static bool parse_int(const char *s, int bits, uint64_t *out) {
    bool neg = *s == '-';
    const char *digits = neg || *s == '+' ? s + 1 : s;
    int base = digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X') ? 16 : 10;
    if (base == 16) digits += 2;
    if (*digits < '0' || (*digits > '9' && base == 10)) return false;
    char *end;
    errno = 0;
    unsigned long long mag = strtoull(digits, &end, base);
    if (*end || errno || end == digits) return false;
    uint64_t umax = bits == 32 ? UINT32_MAX : UINT64_MAX;
    uint64_t neg_max = (uint64_t)1 << (bits - 1); // |INT_MIN|
    if (neg ? mag > neg_max : mag > umax) return false;
    *out = neg ? (uint64_t)0 - mag : mag;
    return true;
}

// A v128 as moat prints one: 0x and up to 32 hex digits, one 128-bit number whose low
// byte is lane 0 of an i8x16.
static bool parse_v128(const char *s, uint8_t out[16]) {
    if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X')) return false;
    s += 2;
    size_t n = strlen(s);
    if (n == 0 || n > 32) return false;
    memset(out, 0, 16);
    for (size_t i = 0; i < n; i++) { // i-th digit from the right
        char c = s[n - 1 - i];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0) return false;
        out[i / 2] |= (uint8_t)(d << (4 * (i % 2)));
    }
    return true;
}

static bool parse_arg(const char *s, moat_valkind kind, moat_val *out) {
    out->kind = kind;
    char *end;
    uint64_t bits;
    switch (kind) {
    case MOAT_I32:
        if (!parse_int(s, 32, &bits)) return false;
        out->of.i32 = (int32_t)(uint32_t)bits;
        return true;
    case MOAT_I64:
        if (!parse_int(s, 64, &bits)) return false;
        out->of.i64 = (int64_t)bits;
        return true;
    case MOAT_F32:
        out->of.f32 = strtof(s, &end);
        return *s && !*end;
    case MOAT_F64:
        out->of.f64 = strtod(s, &end);
        return *s && !*end;
    case MOAT_FUNCREF:
        out->of.funcref = NULL;
        return !strcmp(s, "null");
    case MOAT_EXTERNREF:
        out->of.externref = NULL;
        return !strcmp(s, "null");
    case MOAT_V128:
        return parse_v128(s, out->of.v128);
    }
    return false;
}

static void print_frame(const moat_frame *frame, size_t i) {
    fprintf(stderr, "  %4zu: %#8" PRIx64 " - ", i, frame->module_offset);
    if (frame->module_name.data)
        cli_print_name(stderr, frame->module_name);
    else
        fputs("<unknown>", stderr);
    fputc('!', stderr);
    if (frame->func_name.data)
        cli_print_name(stderr, frame->func_name);
    else
        fprintf(stderr, "<wasm function %" PRIu32 ">", frame->func_index);
    fputc('\n', stderr);
}

static bool same_frame(const moat_frame *a, const moat_frame *b) {
    return a->func_index == b->func_index && a->module_offset == b->module_offset;
}

// Prints "moat: trap: MESSAGE" and the backtrace, innermost frame first; frees the trap.
// Runaway recursion leaves thousands of identical frames: a run of the same frame
// shows its first BACKTRACE_RUN frames and a count of the rest.
static int report_trap(moat_trap *trap) {
    int exit_status = run_exit_status(trap);
    if (exit_status >= 0) {
        moat_trap_delete(trap);
        return exit_status;
    }
    enum { BACKTRACE_RUN = 3 };
    fprintf(stderr, "moat: trap: %s\n", moat_trap_message(trap));
    size_t n = moat_trap_frame_count(trap);
    if (n) fputs("wasm backtrace:\n", stderr);
    moat_frame prev;
    size_t run = 0; // frames equal to prev so far, prev included
    for (size_t i = 0; i < n; i++) {
        moat_frame frame;
        moat_trap_frame(trap, i, &frame);
        run = i > 0 && same_frame(&frame, &prev) ? run + 1 : 1;
        if (run <= BACKTRACE_RUN) print_frame(&frame, i);
        bool run_ends = i + 1 == n;
        if (!run_ends) {
            moat_frame next;
            moat_trap_frame(trap, i + 1, &next);
            run_ends = !same_frame(&frame, &next);
        }
        if (run_ends && run > BACKTRACE_RUN)
            fprintf(stderr, "        ... the frame above repeats %zu more times\n",
                    run - BACKTRACE_RUN);
        prev = frame;
    }
    moat_trap_delete(trap);
    return CLI_EXIT_TRAP;
}

static void list_func_exports(moat_instance *instance) {
    size_t n = moat_instance_export_count(instance);
    bool any = false;
    for (size_t i = 0; i < n; i++) {
        moat_name name;
        moat_extern ext;
        moat_instance_export_nth(instance, i, &name, &ext);
        if (ext.kind != MOAT_EXTERN_FUNC) continue;
        fputs(any ? ", " : "moat: exported functions: ", stderr);
        cli_print_name(stderr, name);
        any = true;
    }
    fputs(any ? "\n" : "moat: the module exports no functions\n", stderr);
}

static int check_arity(const run_opts *opts, const char *name, const moat_functype *type) {
    size_t np = moat_functype_param_count(type);
    if ((size_t)opts->nargs == np) return CLI_EXIT_OK;
    fprintf(stderr, "moat: '%s' takes %zu argument%s, %d given; its type is ", name, np,
            np == 1 ? "" : "s", opts->nargs);
    cli_print_functype(stderr, type);
    fputc('\n', stderr);
    return CLI_EXIT_FAIL;
}

// With --invoke, a reactor's `_initialize` runs first (as in Wasmtime); a command's
// `_start` does its own initialisation.
static int call_initialize(moat_store *store, moat_instance *instance, const run_opts *opts) {
    moat_extern ext;
    if (!opts->invoke || !moat_instance_export_get(instance, moat_name_from("_initialize"), &ext)
        || ext.kind != MOAT_EXTERN_FUNC)
        return CLI_EXIT_OK;
    moat_trap *trap = NULL;
    moat_error *err = moat_func_call(store, ext.of.func, NULL, 0, NULL, 0, &trap);
    if (err) {
        cli_report_error("cannot call _initialize", err);
        return CLI_EXIT_FAIL;
    }
    return trap ? report_trap(trap) : CLI_EXIT_OK;
}

static int call_export(moat_store *store, moat_instance *instance, const run_opts *opts) {
    const char *name = opts->invoke ? opts->invoke : "_start";
    moat_extern ext;
    if (!moat_instance_export_get(instance, moat_name_from(name), &ext)
        || ext.kind != MOAT_EXTERN_FUNC) {
        if (opts->invoke)
            cli_error("'%s' has no exported function '%s'", opts->path, name);
        else
            cli_error("no --invoke given and the module exports no _start");
        list_func_exports(instance);
        return CLI_EXIT_FAIL;
    }
    const moat_functype *type = moat_func_type(ext.of.func);
    if (opts->invoke && check_arity(opts, name, type) != CLI_EXIT_OK) return CLI_EXIT_FAIL;
    size_t np = moat_functype_param_count(type), nr = moat_functype_result_count(type);
    moat_val *args = calloc(np + 1, sizeof *args);
    moat_val *results = calloc(nr + 1, sizeof *results);
    int status = CLI_EXIT_FAIL;
    if (!args || !results) {
        cli_error("out of memory");
        goto done;
    }
    for (size_t i = 0; i < np; i++) {
        moat_valkind kind = moat_functype_param(type, i);
        if (!parse_arg(opts->args[i], kind, &args[i])) {
            cli_error("argument %zu of '%s': '%s' is not a valid %s", i + 1, name, opts->args[i],
                      cli_valkind_name(kind));
            goto done;
        }
    }
    for (size_t i = 0; i < nr; i++)
        results[i].kind = moat_functype_result(type, i);
    moat_trap *trap = NULL;
    moat_error *err = moat_func_call(store, ext.of.func, args, np, results, nr, &trap);
    if (err) {
        cli_report_error("cannot call the function", err);
    } else if (trap) {
        status = report_trap(trap);
    } else {
        for (size_t i = 0; i < nr; i++) {
            cli_print_value(stdout, &results[i]);
            fputc('\n', stdout);
        }
        status = CLI_EXIT_OK;
    }
done:
    free(args);
    free(results);
    return status;
}

static int run_module(moat_engine *engine, const uint8_t *bytes, size_t len, const run_opts *opts) {
    moat_module *module = NULL;
    moat_error *err = moat_module_new(engine, bytes, len, &module);
    if (err) {
        cli_report_load_error(opts->path, bytes, len, err);
        return CLI_EXIT_FAIL;
    }
    int status = CLI_EXIT_FAIL;
    moat_wasi *wasi = NULL;
    moat_store *store = moat_store_new(engine);
    moat_linker *linker = moat_linker_new(engine);
    cli_timer *timer = NULL;
    if (!store || !linker) {
        cli_error("out of memory");
        goto done;
    }
    if (!cli_store_configure(store, &opts->engine)) goto done;
    if (opts->engine.timeout_ms && !(timer = cli_timer_start(engine, opts->engine.timeout_ms))) {
        cli_error("cannot start the timeout thread");
        goto done;
    }
    moat_instance *instance = NULL;
    moat_trap *trap = NULL;
    wasi = run_link(opts->grants, engine, linker, store, opts->path, opts->nargs, opts->args);
    if (!wasi) goto done;
    err = moat_linker_instantiate(linker, store, module, &instance, &trap);
    if (err) {
        fprintf(stderr, "moat: cannot instantiate '%s': %s\n", opts->path, moat_error_message(err));
        if (moat_error_kind_get(err) == MOAT_ERROR_UNLINKABLE)
            fputs("moat: note: `moat run` provides wasi_snapshot_preview1 and the modules "
                  "given with --preload NAME=FILE\n",
                  stderr);
        moat_error_delete(err);
    } else if (trap) {
        status = report_trap(trap);
    } else {
        status = call_initialize(store, instance, opts);
        if (status == CLI_EXIT_OK) status = call_export(store, instance, opts);
    }
done:
    cli_timer_stop(timer);
    moat_wasi_delete(wasi); // gives the host's descriptors their flags back: always
    if (CLI_FREE_AT_EXIT) {
        moat_linker_delete(linker);
        moat_store_delete(store);
        moat_module_delete(module);
    }
    return status;
}

static int run_main(run_opts opts, int argc, char **argv);

int cli_run_main(int argc, char **argv) {
    run_opts opts = {.grants = run_grants_new(argc)};
    if (!opts.grants) {
        cli_error("out of memory");
        return CLI_EXIT_FAIL;
    }
    int status = run_main(opts, argc, argv);
    run_grants_delete(opts.grants);
    return status;
}

static int run_main(run_opts opts, int argc, char **argv) {
    int status = parse_args(argc, argv, &opts);
    if (status >= 0) return status;
    uint8_t *bytes;
    size_t len;
    if (!cli_read_module(opts.path, &bytes, &len)) return CLI_EXIT_FAIL;
    moat_engine *engine = cli_engine_new(&opts.engine);
    status = engine ? run_module(engine, bytes, len, &opts) : CLI_EXIT_FAIL;
    if (CLI_FREE_AT_EXIT) {
        moat_engine_delete(engine);
        free(bytes);
    }
    return status;
}
