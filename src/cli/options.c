// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// The engine and store options of `run` and `wast` (`--bounds-checks`, `-W key=value`),
// as in Wasmtime's `-W`. One table holds each key, its value syntax and its help line, so
// parsing and `--help` cannot drift apart. Store options (fuel, limits, timeout) only
// make sense for `run`. Also the timer thread behind `-W timeout`.
#include "cli.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef enum w_id {
    W_BOUNDS_CHECKS,
    W_MAX_CALL_DEPTH,
    W_MAX_WASM_STACK,
    W_FUEL,
    W_TIMEOUT,
    W_MAX_MEMORY_SIZE,
    W_MAX_TABLE_ELEMENTS,
    W_RELAXED_SIMD,
} w_id;

typedef enum w_syntax { W_YES_NO, W_NUMBER, W_BYTES, W_DURATION } w_syntax;

static const struct w_option {
    w_id id;
    const char *key;
    w_syntax syntax;
    bool store_only; // `run` only
    const char *help;
} w_options[] = {
    {W_BOUNDS_CHECKS, "bounds-checks", W_YES_NO, false,
     "check memory accesses explicitly (no guard pages, no SIGSEGV handler)"},
    {W_MAX_CALL_DEPTH, "max-call-depth", W_NUMBER, false,
     "trap \"call stack exhausted\" past N nested calls (default 20000)"},
    {W_MAX_WASM_STACK, "max-wasm-stack", W_BYTES, false,
     "size of the interpreter's value stack (default 8M)"},
    {W_FUEL, "fuel", W_NUMBER, true, "give the guest N units of fuel; it traps \"out of fuel\""},
    {W_TIMEOUT, "timeout", W_DURATION, true, "interrupt the guest after DURATION (2s, 100ms)"},
    {W_MAX_MEMORY_SIZE, "max-memory-size", W_BYTES, true,
     "cap each linear memory at BYTES (memory.grow fails past it)"},
    {W_MAX_TABLE_ELEMENTS, "max-table-elements", W_NUMBER, true,
     "cap each table at N elements (table.grow fails past it)"},
    {W_RELAXED_SIMD, "relaxed-simd", W_YES_NO, false,
     "accept relaxed SIMD (WebAssembly 3.0), computed deterministically"},
};

static const char *syntax_name(w_syntax syntax) {
    static const char *const names[] = {"y|n", "N", "BYTES", "DURATION"};
    return names[syntax];
}

void cli_help_print(const char *head, bool with_store_opts, const char *tail) {
    FILE *out = stdout;
    fputs(head, out);
    for (size_t i = 0; i < sizeof w_options / sizeof w_options[0]; i++) {
        const struct w_option *o = &w_options[i];
        if (o->store_only && !with_store_opts) continue;
        char left[64];
        snprintf(left, sizeof left, "-W %s=%s", o->key, syntax_name(o->syntax));
        fprintf(out, "  %-24s  %s\n", left, o->help);
    }
    fputs("  --bounds-checks           short for -W bounds-checks=y\n"
          "  BYTES takes a K, M or G suffix (powers of 1024); DURATION is seconds, or a number\n"
          "  with an s or ms suffix.\n",
          out);
    fputs(tail, out);
}

// Parses a non-negative integer with an optional suffix: K/M/G for bytes (binary), s/ms
// for durations (result in milliseconds; plain numbers are seconds).
static bool parse_number(const char *s, w_syntax syntax, uint64_t *out) {
    if (*s < '0' || *s > '9') return false;
    char *end;
    errno = 0;
    unsigned long long n = strtoull(s, &end, 10);
    if (errno) return false;
    uint64_t scale = 1;
    if (syntax == W_BYTES && *end) {
        const char *units = "KMG";
        const char *unit = strchr(units, *end);
        if (!unit || end[1]) return false;
        scale = (uint64_t)1 << (10 * (unit - units + 1));
        end++;
    } else if (syntax == W_DURATION) {
        scale = !strcmp(end, "ms") ? 1 : 1000;
        if (!strcmp(end, "ms") || !strcmp(end, "s")) end += strlen(end);
    }
    if (*end || n > UINT64_MAX / scale) return false;
    *out = n * scale;
    return true;
}

static void set_option(const struct w_option *o, bool flag, uint64_t n, cli_engine_opts *opts) {
    switch (o->id) {
    case W_BOUNDS_CHECKS:
        opts->bounds_checks = flag;
        break;
    case W_MAX_CALL_DEPTH:
        opts->max_call_depth = (uint32_t)n;
        break;
    case W_MAX_WASM_STACK:
        opts->max_wasm_stack = (size_t)n;
        break;
    case W_FUEL:
        opts->has_fuel = true;
        opts->fuel = n;
        break;
    case W_TIMEOUT:
        opts->timeout_ms = n;
        break;
    case W_MAX_MEMORY_SIZE:
        opts->max_memory_size = n;
        break;
    case W_MAX_TABLE_ELEMENTS:
        opts->max_table_elements = n;
        break;
    case W_RELAXED_SIMD:
        opts->relaxed_simd = flag;
        break;
    }
}

// Parses "key[=value]"; returns 1, or -1 after a usage error.
static int parse_w_option(const char *cmd, bool with_store_opts, const char *kv,
                          cli_engine_opts *opts) {
    const char *eq = strchr(kv, '=');
    size_t key_len = eq ? (size_t)(eq - kv) : strlen(kv);
    const char *value = eq ? eq + 1 : NULL;
    for (size_t i = 0; i < sizeof w_options / sizeof w_options[0]; i++) {
        const struct w_option *o = &w_options[i];
        if (strlen(o->key) != key_len || strncmp(kv, o->key, key_len)) continue;
        if (o->store_only && !with_store_opts) {
            cli_usage_error(cmd, "-W %s is an option of moat run only", o->key);
            return -1;
        }
        bool flag = false;
        uint64_t n = 0;
        bool ok;
        if (o->syntax == W_YES_NO) {
            flag = !value || !strcmp(value, "y") || !strcmp(value, "yes");
            ok = flag || !strcmp(value, "n") || !strcmp(value, "no");
        } else {
            ok = value && parse_number(value, o->syntax, &n);
            if (o->id == W_MAX_CALL_DEPTH) ok = ok && n >= 1 && n <= UINT32_MAX;
            if (o->id == W_MAX_WASM_STACK) ok = ok && n <= SIZE_MAX;
        }
        if (!ok) {
            cli_usage_error(cmd, "-W %s expects %s, not '%s'", o->key, syntax_name(o->syntax),
                            value ? value : "");
            return -1;
        }
        set_option(o, flag, n, opts);
        return 1;
    }
    cli_usage_error(cmd, "unknown -W option '%.*s'", (int)key_len, kv);
    return -1;
}

int cli_engine_opt_parse(const char *cmd, bool with_store_opts, int argc, char **argv, int *i,
                         cli_engine_opts *opts) {
    const char *arg = argv[*i];
    if (!strcmp(arg, "--bounds-checks")) {
        opts->bounds_checks = true;
        *i += 1;
        return 1;
    }
    const char *kv;
    int used = 1;
    if (!strcmp(arg, "-W")) {
        if (*i + 1 >= argc) {
            cli_usage_error(cmd, "-W needs an option, e.g. -W bounds-checks=y");
            return -1;
        }
        kv = argv[*i + 1];
        used = 2;
    } else if (!strncmp(arg, "-W", 2)) {
        kv = arg + 2;
    } else {
        return 0;
    }
    int r = parse_w_option(cmd, with_store_opts, kv, opts);
    if (r > 0) *i += used;
    return r;
}

moat_engine *cli_engine_new(const cli_engine_opts *opts) {
    moat_config *config = moat_config_new();
    if (!config) {
        cli_error("out of memory");
        return NULL;
    }
    moat_config_bounds_checks_set(config, opts->bounds_checks);
    moat_config_max_call_depth_set(config, opts->max_call_depth);
    moat_config_max_wasm_stack_set(config, opts->max_wasm_stack);
    moat_config_consume_fuel_set(config, opts->has_fuel);
    moat_config_epoch_interruption_set(config, opts->timeout_ms > 0);
    moat_config_feature_set(config, MOAT_FEATURE_RELAXED_SIMD, opts->relaxed_simd);
    moat_engine *engine = NULL;
    moat_error *err = moat_engine_new(config, &engine);
    if (err) {
        cli_report_error("cannot create the engine", err);
        return NULL;
    }
    return engine;
}

bool cli_store_configure(moat_store *store, const cli_engine_opts *opts) {
    if (opts->max_memory_size) moat_store_max_memory_size_set(store, opts->max_memory_size);
    if (opts->max_table_elements)
        moat_store_max_table_elements_set(store, opts->max_table_elements);
    if (opts->timeout_ms) moat_store_epoch_deadline_set(store, 1);
    moat_error *err = opts->has_fuel ? moat_store_fuel_set(store, opts->fuel) : NULL;
    if (err) cli_report_error("cannot set the fuel", err);
    return !err;
}

// ---------------------------------------------------------------------------------------
// -W timeout: a thread that advances the engine's epoch once the time is up.

struct cli_timer {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool stopping;
    moat_engine *engine;
    struct timespec deadline; // CLOCK_MONOTONIC
};

static void *timer_main(void *arg) {
    cli_timer *t = arg;
    pthread_mutex_lock(&t->lock);
    int rc = 0;
    while (!t->stopping && rc != ETIMEDOUT)
        rc = pthread_cond_timedwait(&t->wake, &t->lock, &t->deadline);
    if (!t->stopping) moat_engine_increment_epoch(t->engine);
    pthread_mutex_unlock(&t->lock);
    return NULL;
}

cli_timer *cli_timer_start(moat_engine *engine, uint64_t ms) {
    cli_timer *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    t->engine = engine;
    clock_gettime(CLOCK_MONOTONIC, &t->deadline);
    t->deadline.tv_sec += (time_t)(ms / 1000);
    t->deadline.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (t->deadline.tv_nsec >= 1000000000L) {
        t->deadline.tv_sec++;
        t->deadline.tv_nsec -= 1000000000L;
    }
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_mutex_init(&t->lock, NULL);
    pthread_cond_init(&t->wake, &attr);
    pthread_condattr_destroy(&attr);
    if (pthread_create(&t->thread, NULL, timer_main, t)) {
        pthread_cond_destroy(&t->wake);
        pthread_mutex_destroy(&t->lock);
        free(t);
        return NULL;
    }
    return t;
}

void cli_timer_stop(cli_timer *t) {
    if (!t) return;
    pthread_mutex_lock(&t->lock);
    t->stopping = true;
    pthread_cond_signal(&t->wake);
    pthread_mutex_unlock(&t->lock);
    pthread_join(t->thread, NULL);
    pthread_cond_destroy(&t->wake);
    pthread_mutex_destroy(&t->lock);
    free(t);
}
