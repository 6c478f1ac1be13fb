// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Parsing of `moat run`'s grant options, with Wasmtime's spellings: --dir HOST[::GUEST]
// (plus moat's final ::readonly / ::ro), --env NAME[=VAL], --tcplisten ADDR:PORT and
// -S tcplisten=ADDR:PORT, -S inherit-env, --preload NAME=FILE. Nothing is granted unless
// asked for: no directory, no environment variable, no socket.
#include "run_wasi.h"

#include "cli.h"

#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

run_grants *run_grants_new(int argc) {
    size_t n = (size_t)argc + 1;
    run_grants *g = calloc(1, sizeof *g);
    if (!g) return NULL;
    g->dirs = calloc(n, sizeof *g->dirs);
    g->env = calloc(n, sizeof *g->env);
    g->listen = calloc(n, sizeof *g->listen);
    g->preload = calloc(n, sizeof *g->preload);
    g->strings = calloc(2 * n, sizeof *g->strings);
    if (g->dirs && g->env && g->listen && g->preload && g->strings) return g;
    run_grants_delete(g);
    return NULL;
}

void run_grants_delete(run_grants *g) {
    if (!g) return;
    for (int i = 0; i < g->nstrings; i++)
        free(g->strings[i]);
    free(g->strings);
    free(g->dirs);
    free(g->env);
    free(g->listen);
    free(g->preload);
    free(g);
}

// Prints a usage error for `moat run`; returns -1 (the parse functions' error value).
static int usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage(const char *fmt, ...) {
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cli_usage_error("run", "%s", msg);
    return -1;
}

static const char *keep(run_grants *g, const char *s, size_t len) {
    char *copy = malloc(len + 1);
    if (!copy) return NULL;
    memcpy(copy, s, len);
    copy[len] = 0;
    g->strings[g->nstrings++] = copy;
    return copy;
}

static bool is_ro(const char *s) {
    return !strcmp(s, "ro") || !strcmp(s, "readonly");
}

// HOST, HOST::GUEST, HOST::ro, HOST::GUEST::ro.
static int parse_dir(run_grants *g, const char *value) {
    const char *sep = strstr(value, "::");
    run_dir *d = &g->dirs[g->ndirs];
    if (!sep) {
        d->host = d->guest = value;
    } else {
        d->host = keep(g, value, (size_t)(sep - value));
        const char *rest = sep + 2;
        const char *sep2 = strstr(rest, "::");
        if (sep2) {
            if (!is_ro(sep2 + 2)) return usage("--dir '%s': expected HOST[::GUEST][::ro]", value);
            d->guest = keep(g, rest, (size_t)(sep2 - rest));
            d->read_only = true;
        } else if (is_ro(rest)) {
            d->guest = d->host;
            d->read_only = true;
        } else {
            d->guest = rest;
        }
        if (!d->host || !d->guest) return usage("out of memory");
    }
    if (!*d->host || !*d->guest) return usage("--dir '%s': empty directory name", value);
    g->ndirs++;
    return 1;
}

// -S KEY[=VALUE]: the WASI options Wasmtime's new CLI spells this way.
static int parse_wasi_opt(run_grants *g, const char *kv) {
    if (!strncmp(kv, "tcplisten=", 10)) {
        g->listen[g->nlisten++] = kv + 10;
        return 1;
    }
    if (!strcmp(kv, "inherit-env") || !strcmp(kv, "inherit-env=y")) {
        g->inherit_env = true;
        return 1;
    }
    if (!strcmp(kv, "inherit-env=n")) {
        g->inherit_env = false;
        return 1;
    }
    return usage("unknown -S option '%s' (known: tcplisten=ADDR:PORT, inherit-env)", kv);
}

// Matches `--name VALUE` or `--name=VALUE`; *value gets the value.
static int take(int argc, char **argv, int *i, const char *name, const char **value) {
    const char *arg = argv[*i];
    size_t n = strlen(name);
    if (strncmp(arg, name, n)) return 0;
    if (arg[n] == '=') {
        *value = arg + n + 1;
        *i += 1;
        return 1;
    }
    if (arg[n]) return 0;
    if (*i + 1 >= argc) return usage("%s needs a value", name);
    *value = argv[*i + 1];
    *i += 2;
    return 1;
}

int run_grants_parse(int argc, char **argv, int *i, run_grants *g) {
    const char *v = NULL;
    int r;
    if ((r = take(argc, argv, i, "--dir", &v)) != 0) return r < 0 ? r : parse_dir(g, v);
    if ((r = take(argc, argv, i, "--env", &v)) != 0) {
        if (r > 0) g->env[g->nenv++] = v;
        return r < 0 ? -1 : 1;
    }
    if ((r = take(argc, argv, i, "--tcplisten", &v)) != 0) {
        if (r > 0) g->listen[g->nlisten++] = v;
        return r < 0 ? -1 : 1;
    }
    if ((r = take(argc, argv, i, "--preload", &v)) != 0) {
        if (r > 0 && !strchr(v, '=')) return usage("--preload expects NAME=FILE, not '%s'", v);
        if (r > 0) g->preload[g->npreload++] = v;
        return r < 0 ? -1 : 1;
    }
    if (!strcmp(argv[*i], "-S")) {
        if (*i + 1 >= argc) return usage("-S needs an option, e.g. -S tcplisten=ADDR:PORT");
        *i += 2;
        return parse_wasi_opt(g, argv[*i - 1]) < 0 ? -1 : 1;
    }
    if (!strncmp(argv[*i], "-S", 2)) {
        *i += 1;
        return parse_wasi_opt(g, argv[*i - 1] + 2) < 0 ? -1 : 1;
    }
    return 0;
}

extern char **environ;

static moat_error *add_env(moat_wasi_config *config, const run_grants *g) {
    moat_error *err = NULL;
    for (char **e = environ; g->inherit_env && e && *e && !err; e++) {
        const char *eq = strchr(*e, '=');
        if (!eq || eq == *e) continue;
        char *name = strndup(*e, (size_t)(eq - *e));
        err = name ? moat_wasi_config_env(config, name, eq + 1) : NULL;
        free(name);
    }
    for (int i = 0; i < g->nenv && !err; i++) {
        const char *eq = strchr(g->env[i], '=');
        if (!eq) { // --env NAME: copy from the host, skip if unset
            const char *value = getenv(g->env[i]);
            if (value) err = moat_wasi_config_env(config, g->env[i], value);
            continue;
        }
        char *name = strndup(g->env[i], (size_t)(eq - g->env[i]));
        err = name ? moat_wasi_config_env(config, name, eq + 1) : NULL;
        free(name);
    }
    return err;
}

static moat_wasi *wasi_new(const run_grants *g, const char *path, int nargs, char **args) {
    moat_wasi_config *config = moat_wasi_config_new();
    if (!config) {
        cli_error("out of memory");
        return NULL;
    }
    moat_wasi_config_inherit_stdio(config);
    moat_error *err = moat_wasi_config_arg(config, path);
    for (int i = 0; i < nargs && !err; i++)
        err = moat_wasi_config_arg(config, args[i]);
    if (!err) err = add_env(config, g);
    for (int i = 0; i < g->ndirs && !err; i++)
        err = moat_wasi_config_preopen_dir(config, g->dirs[i].host, g->dirs[i].guest,
                                           g->dirs[i].read_only);
    for (int i = 0; i < g->nlisten && !err; i++)
        err = moat_wasi_config_tcp_listen(config, g->listen[i]);
    moat_wasi *wasi = NULL;
    if (!err) err = moat_wasi_new(config, &wasi);
    moat_wasi_config_delete(config);
    if (err) {
        cli_report_error("cannot set up WASI", err);
        return NULL;
    }
    return wasi;
}

// --preload NAME=FILE: instantiates FILE with what the linker has so far (WASI and earlier
// preloads) and defines its exports as module NAME.
static bool preload(const char *spec, moat_engine *engine, moat_linker *linker, moat_store *store) {
    const char *eq = strchr(spec, '=');
    const char *file = eq + 1;
    uint8_t *bytes;
    size_t len;
    if (!cli_read_file(file, &bytes, &len)) return false;
    moat_module *module = NULL;
    moat_error *err = moat_module_new(engine, bytes, len, &module);
    if (err) {
        cli_report_load_error(file, bytes, len, err);
        free(bytes);
        return false;
    }
    free(bytes);
    moat_instance *instance = NULL;
    moat_trap *trap = NULL;
    err = moat_linker_instantiate(linker, store, module, &instance, &trap);
    moat_module_delete(module);
    if (err) {
        fprintf(stderr, "moat: cannot instantiate --preload '%s': %s\n", file,
                moat_error_message(err));
        moat_error_delete(err);
        return false;
    }
    if (trap) {
        fprintf(stderr, "moat: --preload '%s' trapped while starting: %s\n", file,
                moat_trap_message(trap));
        moat_trap_delete(trap);
        return false;
    }
    moat_name name = {spec, (size_t)(eq - spec)};
    err = moat_linker_define_instance(linker, name, instance);
    if (err) {
        cli_report_error("cannot link a --preload module", err);
        return false;
    }
    return true;
}

moat_wasi *run_link(const run_grants *g, moat_engine *engine, moat_linker *linker,
                    moat_store *store, const char *path, int nargs, char **args) {
    // A guest writing into a closed pipe (`moat run x.wasm | head`) must see EPIPE, as
    // under Wasmtime, instead of SIGPIPE ending moat.
    signal(SIGPIPE, SIG_IGN);
    moat_wasi *wasi = wasi_new(g, path, nargs, args);
    if (!wasi) return NULL;
    moat_error *err = moat_wasi_define(wasi, linker, store);
    if (err) {
        cli_report_error("cannot define the WASI imports", err);
        moat_wasi_delete(wasi);
        return NULL;
    }
    for (int i = 0; i < g->npreload; i++) {
        if (!preload(g->preload[i], engine, linker, store)) {
            moat_wasi_delete(wasi);
            return NULL;
        }
    }
    return wasi;
}

int run_exit_status(const moat_trap *trap) {
    int32_t status;
    if (!moat_trap_exit_status(trap, &status)) return -1;
    if (status >= 0 && status <= 125) return status;
    // 126 and up mean "cannot execute", "not found" and signals to a shell.
    cli_error("the guest exited with status %" PRId32 ", outside the portable range 0..125",
              status);
    return CLI_EXIT_FAIL;
}
