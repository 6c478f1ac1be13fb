// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// The WASI context as an embedder sees it: the configuration (args, env, preopens,
// stdio, sockets), creating the context (opening what was granted, in the fd order
// wasi-libc expects: stdio, then preopened directories from fd 3, then sockets), and
// defining the 46 imports in a linker through the public host-function API.
#define _GNU_SOURCE
#include "util/error.h"
#include "wasi/sandbox.h"
#include "wasi/wasi.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct str_list {
    char **items;
    size_t n;
} str_list;

typedef struct preopen_dir {
    char *host, *guest;
    bool read_only;
} preopen_dir;

struct moat_wasi_config {
    str_list args, env, listen;
    preopen_dir *dirs;
    size_t ndirs;
    int stdio[3];
};

// One import's callback environment.
typedef struct binding {
    moat_wasi *wasi;
    wasi_fn fn;
} binding;

static const struct {
    const char *name, *params, *results;
    wasi_fn fn;
} wasi_imports[] = {
#define X(name, params, results) {#name, params, results, moat__wasi_##name},
    WASI_FUNCS(X)
#undef X
};
#define NIMPORTS (sizeof wasi_imports / sizeof wasi_imports[0])

static moat_error *oom(void) {
    return moat__error_oom();
}

static bool list_push(str_list *list, char *item) {
    if (!item) return false;
    char **grown = realloc(list->items, (list->n + 2) * sizeof *grown);
    if (!grown) {
        free(item);
        return false;
    }
    grown[list->n++] = item;
    grown[list->n] = NULL;
    list->items = grown;
    return true;
}

static void list_free(str_list *list) {
    for (size_t i = 0; i < list->n; i++)
        free(list->items[i]);
    free(list->items);
}

moat_wasi_config *moat_wasi_config_new(void) {
    moat_wasi_config *config = calloc(1, sizeof *config);
    if (config) config->stdio[0] = config->stdio[1] = config->stdio[2] = -1;
    return config;
}

void moat_wasi_config_delete(moat_wasi_config *config) {
    if (!config) return;
    list_free(&config->args);
    list_free(&config->env);
    list_free(&config->listen);
    for (size_t i = 0; i < config->ndirs; i++) {
        free(config->dirs[i].host);
        free(config->dirs[i].guest);
    }
    free(config->dirs);
    free(config);
}

moat_error *moat_wasi_config_arg(moat_wasi_config *config, const char *arg) {
    return list_push(&config->args, strdup(arg)) ? NULL : oom();
}

moat_error *moat_wasi_config_env(moat_wasi_config *config, const char *name, const char *value) {
    if (!*name || strchr(name, '='))
        return moat__error_new(MOAT_ERROR_API, MOAT_NO_OFFSET,
                               "environment variable name '%s' is empty or contains '='", name);
    char *item = malloc(strlen(name) + strlen(value) + 2);
    if (item) sprintf(item, "%s=%s", name, value);
    return list_push(&config->env, item) ? NULL : oom();
}

moat_error *moat_wasi_config_preopen_dir(moat_wasi_config *config, const char *host_path,
                                         const char *guest_path, bool read_only) {
    preopen_dir *grown = realloc(config->dirs, (config->ndirs + 1) * sizeof *grown);
    if (!grown) return oom();
    config->dirs = grown;
    preopen_dir *d = &grown[config->ndirs];
    d->host = strdup(host_path);
    d->guest = strdup(guest_path);
    d->read_only = read_only;
    if (!d->host || !d->guest) {
        free(d->host);
        free(d->guest);
        return oom();
    }
    config->ndirs++;
    return NULL;
}

void moat_wasi_config_stdio(moat_wasi_config *config, int stdin_fd, int stdout_fd, int stderr_fd) {
    int fds[3] = {stdin_fd, stdout_fd, stderr_fd};
    for (int i = 0; i < 3; i++)
        if (fds[i] >= 0) config->stdio[i] = fds[i];
}

void moat_wasi_config_inherit_stdio(moat_wasi_config *config) {
    moat_wasi_config_stdio(config, 0, 1, 2);
}

moat_error *moat_wasi_config_tcp_listen(moat_wasi_config *config, const char *addr) {
    moat_error *err = moat__wasi_addr_check(addr);
    if (err) return err;
    return list_push(&config->listen, strdup(addr)) ? NULL : oom();
}

static char **copy_list(const str_list *list) {
    char **copy = calloc(list->n + 1, sizeof *copy);
    for (size_t i = 0; copy && i < list->n; i++) {
        copy[i] = strdup(list->items[i]);
        if (!copy[i]) {
            for (size_t j = 0; j < i; j++)
                free(copy[j]);
            free(copy);
            return NULL;
        }
    }
    return copy;
}

// Rights of stdio and other streams: everything but the directory and socket rights.
#define R_STREAM (R_ALL & ~R_DIR_ONLY & ~R_SOCK)

static moat_error *add_stdio(moat_wasi *w, const moat_wasi_config *config) {
    for (int i = 0; i < 3; i++) {
        int host = config->stdio[i];
        bool borrowed = host >= 0;
        if (!borrowed) host = open("/dev/null", (i == 0 ? O_RDONLY : O_WRONLY) | O_CLOEXEC);
        if (host < 0)
            return moat__error_new(MOAT_ERROR_IO, MOAT_NO_OFFSET, "cannot open /dev/null: %s",
                                   strerror(errno));
        uint32_t fd;
        if (moat__wasi_fd_add(w, host, moat__wasi_host_filetype(host), R_STREAM, 0, &fd))
            return oom();
        w->fds[fd].borrowed = borrowed;
        w->fds[fd].borrowed_flags = -1; // saved at the guest's first change, if any
    }
    return NULL;
}

static moat_error *add_preopens(moat_wasi *w, const moat_wasi_config *config) {
    for (size_t i = 0; i < config->ndirs; i++) {
        const preopen_dir *d = &config->dirs[i];
        int host = open(d->host, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (host < 0)
            return moat__error_new(MOAT_ERROR_IO, MOAT_NO_OFFSET, "cannot open directory '%s': %s",
                                   d->host, strerror(errno));
        uint64_t rights = R_ALL & ~R_SOCK & (d->read_only ? ~R_WRITES : R_ALL);
        uint32_t fd;
        if (moat__wasi_fd_add(w, host, WASI_FILETYPE_DIRECTORY, rights, rights, &fd)) return oom();
        w->fds[fd].preopen = strdup(d->guest);
        if (!w->fds[fd].preopen) return oom();
    }
    return NULL;
}

static moat_error *add_sockets(moat_wasi *w, const moat_wasi_config *config) {
    for (size_t i = 0; i < config->listen.n; i++) {
        int host;
        moat_error *err = moat__wasi_tcp_listen(config->listen.items[i], &host);
        if (err) return err;
        uint32_t fd;
        uint64_t rights =
            R_SOCK_ACCEPT | R_POLL_FD_READWRITE | R_FD_FDSTAT_SET_FLAGS | R_FD_FILESTAT_GET;
        if (moat__wasi_fd_add(w, host, WASI_FILETYPE_SOCKET_STREAM, rights,
                              R_STREAM | R_SOCK_SHUTDOWN, &fd))
            return oom();
    }
    return NULL;
}

moat_error *moat_wasi_new(const moat_wasi_config *config, moat_wasi **out) {
    moat_wasi *w = calloc(1, sizeof *w);
    binding *bindings = calloc(NIMPORTS, sizeof *bindings);
    if (!w || !bindings) {
        free(w);
        free(bindings);
        return oom();
    }
    w->bindings = bindings;
    for (size_t i = 0; i < NIMPORTS; i++)
        bindings[i] = (binding){w, wasi_imports[i].fn};
    w->argv = copy_list(&config->args);
    w->envp = copy_list(&config->env);
    w->argc = config->args.n;
    w->envc = config->env.n;
    moat_error *err = !w->argv || !w->envp ? oom() : NULL;
    if (!err) err = add_stdio(w, config);
    if (!err) err = add_preopens(w, config);
    if (!err) err = add_sockets(w, config);
    if (err) {
        moat_wasi_delete(w);
        return err;
    }
    *out = w;
    return NULL;
}

static void free_strings(char **list) {
    for (size_t i = 0; list && list[i]; i++)
        free(list[i]);
    free(list);
}

void moat_wasi_delete(moat_wasi *w) {
    if (!w) return;
    for (uint32_t i = 0; i < w->nfds; i++)
        if (w->fds[i].used) moat__wasi_fd_release(&w->fds[i]);
    free(w->fds);
    free_strings(w->argv);
    free_strings(w->envp);
    free(w->bindings);
    free(w);
}

// Every import enters here: it finds the caller's memory again on each call (a
// memory.grow may have moved it in bounds-check mode) and turns the errno into the
// i32 result. A call from a module without a "memory" export sees a memory of size 0,
// so any pointer argument yields EFAULT.
static moat_trap *trampoline(void *env, moat_caller *caller, const moat_val *args, size_t nargs,
                             moat_val *results, size_t nresults) {
    const binding *b = env;
    wasi_call c = {.wasi = b->wasi, .args = args};
    moat_memory *mem = moat_caller_memory(caller);
    if (mem) {
        c.mem = moat_memory_data(mem);
        c.size = moat_memory_data_size(mem);
    }
    uint32_t e = b->fn(&c);
    if (c.trap) return c.trap;
    if (nresults) results[0].of.i32 = (int32_t)e;
    return NULL;
}

static moat_valkind kind_of(char c) {
    return c == 'I' ? MOAT_I64 : MOAT_I32;
}

static moat_functype *import_type(size_t i) {
    moat_valkind params[16], results[1];
    size_t np = strlen(wasi_imports[i].params), nr = strlen(wasi_imports[i].results);
    for (size_t j = 0; j < np; j++)
        params[j] = kind_of(wasi_imports[i].params[j]);
    if (nr) results[0] = MOAT_I32;
    return moat_functype_new(params, np, results, nr);
}

moat_error *moat_wasi_define(moat_wasi *wasi, moat_linker *linker, moat_store *store) {
    binding *bindings = wasi->bindings;
    for (size_t i = 0; i < NIMPORTS; i++) {
        moat_functype *type = import_type(i);
        if (!type) return oom();
        moat_func *func;
        moat_error *err = moat_func_new(store, type, trampoline, &bindings[i], NULL, &func);
        moat_functype_delete(type);
        if (err) return err;
        moat_extern ext = {.kind = MOAT_EXTERN_FUNC, .of.func = func};
        err = moat_linker_define(linker, moat_name_from("wasi_snapshot_preview1"),
                                 moat_name_from(wasi_imports[i].name), &ext);
        if (err) return err;
    }
    return NULL;
}
