// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Path resolution that cannot leave a preopened directory. Opens use openat2(2) with
// RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS when the kernel has it (Linux >= 5.6): the
// kernel itself refuses "..", absolute paths and symlinks that would leave the root, and
// stays correct under concurrent renames. Otherwise, and for the operations that act on a
// name inside a directory (unlink, mkdir, rename, ...), a component-by-component walk:
// each directory is opened O_PATH|O_NOFOLLOW relative to the previous one, symlinks are
// read with readlinkat and expanded in place (at most MAX_HOPS of them), absolute targets
// are refused, and ".." pops our own stack of directory fds instead of asking the host,
// so it can never climb above the root. MOAT_WASI_NO_OPENAT2=1 in the environment forces
// the walk (the tests run both).
#define _GNU_SOURCE
#include "wasi/sandbox.h"
#include "wasi/wasi.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

// Symlinks followed in one resolution, as Linux's own limit (MAXSYMLINKS).
#define MAX_HOPS 40

static uint32_t host_err(int e) {
    return moat__wasi_errno(e);
}

// 1: use openat2, 0: the kernel lacks it (ENOSYS) or the environment says not to, -1:
// not decided yet. Threads running different stores may decide at the same time; they
// all store the same value, and the atomic keeps that race defined.
static atomic_int openat2_state = -1;

static bool have_openat2(void) {
    if (openat2_state < 0) {
        const char *no = getenv("MOAT_WASI_NO_OPENAT2");
        openat2_state = no && *no && strcmp(no, "0") ? 0 : 1;
    }
    return openat2_state == 1;
}

// openat2 beneath `root`; returns the fd or -1 with errno (ENOSYS when unavailable).
static int open_beneath(int root, const char *path, int flags, mode_t mode) {
    struct open_how how = {
        .flags = (uint64_t)(flags | O_CLOEXEC),
        // openat2 insists on a zero mode unless creating (O_TMPFILE includes O_DIRECTORY).
        .mode = (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? mode : 0,
        .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
    };
    for (int tries = 0;; tries++) {
        long fd = syscall(SYS_openat2, root, path, &how, sizeof how);
        // EAGAIN: a rename raced with a ".." lookup; the kernel asks us to retry.
        if (fd < 0 && errno == EAGAIN && tries < 8) continue;
        if (fd < 0 && errno == ENOSYS) openat2_state = 0;
        return (int)fd;
    }
}

// The directory stack of a walk: fds[0] is the root (borrowed), the others are owned
// O_PATH fds of the directories entered since.
typedef struct walk {
    int *fds;
    size_t depth, cap;
} walk;

static int walk_top(const walk *w) {
    return w->fds[w->depth];
}

static bool walk_push(walk *w, int fd) {
    if (w->depth + 1 == w->cap) {
        size_t cap = w->cap * 2;
        int *grown = realloc(w->fds, cap * sizeof *grown);
        if (!grown) return false;
        w->fds = grown;
        w->cap = cap;
    }
    w->fds[++w->depth] = fd;
    return true;
}

static void walk_free(walk *w) {
    while (w->depth > 0)
        close(w->fds[w->depth--]);
    free(w->fds);
}

// Replaces the component at [comp, comp + comp_len) of *pending by a symlink's target.
static uint32_t expand_link(char **pending, size_t comp, size_t comp_len, const char *target,
                            int *hops) {
    if (++*hops > MAX_HOPS) return WASI_ELOOP;
    if (target[0] == '/') return WASI_ENOTCAPABLE; // absolute: names a host path, never a guest one
    const char *rest = *pending + comp + comp_len;
    size_t tlen = strlen(target), rlen = strlen(rest);
    char *next = malloc(tlen + rlen + 1);
    if (!next) return WASI_ENOMEM;
    memcpy(next, target, tlen);
    memcpy(next + tlen, rest, rlen + 1);
    free(*pending);
    *pending = next;
    return WASI_ESUCCESS;
}

// The target of symlink `name` in `dir` (malloc'd) or NULL with errno (EINVAL: not a
// symlink).
static char *read_link(int dir, const char *name) {
    size_t cap = 256;
    for (;;) {
        char *buf = malloc(cap);
        if (!buf) return NULL;
        ssize_t n = readlinkat(dir, name, buf, cap);
        if (n < 0) {
            int e = errno;
            free(buf);
            errno = e;
            return NULL;
        }
        if ((size_t)n < cap) {
            buf[n] = 0;
            return buf;
        }
        free(buf);
        if (cap > 65536) {
            errno = ENAMETOOLONG;
            return NULL;
        }
        cap *= 2;
    }
}

// The component-by-component walk described at the top of the file.
static uint32_t walk_parent(int root, const char *path, bool follow, int *out_dir, char **out_name,
                            bool *out_is_dir) {
    if (!*path) return WASI_ENOENT;
    if (path[0] == '/') return WASI_ENOTCAPABLE;
    walk w = {malloc(8 * sizeof(int)), 0, 8};
    char *pending = strdup(path);
    if (!w.fds || !pending) {
        free(w.fds);
        free(pending);
        return WASI_ENOMEM;
    }
    w.fds[0] = root;
    int hops = 0;
    uint32_t e = WASI_ESUCCESS;
    size_t at = 0;
    char *name = NULL;
    bool is_dir = false;
    for (;;) {
        while (pending[at] == '/')
            at++;
        size_t len = strcspn(pending + at, "/");
        size_t after = at + len;
        while (pending[after] == '/')
            after++;
        bool last = pending[after] == 0;
        bool slash = pending[at + len] == '/';
        char *comp = strndup(pending + at, len);
        if (!comp) {
            e = WASI_ENOMEM;
            break;
        }
        if (len == 0 || !strcmp(comp, ".") || !strcmp(comp, "..")) {
            if (!strcmp(comp, "..")) {
                if (w.depth == 0) {
                    free(comp);
                    e = WASI_ENOTCAPABLE; // ".." above the preopen
                    break;
                }
                close(w.fds[w.depth--]);
            }
            free(comp);
            if (last) {
                name = strdup(".");
                is_dir = true;
                e = name ? WASI_ESUCCESS : WASI_ENOMEM;
                break;
            }
            at = after;
            continue;
        }
        if (last && !follow && !slash) {
            name = comp;
            break;
        }
        // Is it a symlink? (A trailing slash forces following, as in POSIX.)
        char *target = read_link(walk_top(&w), comp);
        if (target) {
            size_t start = at;
            e = expand_link(&pending, start, len, target, &hops);
            free(target);
            free(comp);
            if (e) break;
            at = 0; // pending is now the target followed by the rest of the path
            continue;
        }
        if (errno != EINVAL && errno != ENOENT) {
            e = host_err(errno);
            free(comp);
            break;
        }
        if (last) {
            name = comp;
            is_dir = slash;
            break;
        }
        int fd = openat(walk_top(&w), comp, O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);
        free(comp);
        if (fd < 0) {
            e = host_err(errno);
            break;
        }
        if (!walk_push(&w, fd)) {
            close(fd);
            e = WASI_ENOMEM;
            break;
        }
        at = after;
    }
    free(pending);
    if (!e) {
        int dir = fcntl(walk_top(&w), F_DUPFD_CLOEXEC, 0);
        if (dir < 0) e = host_err(errno);
        *out_dir = dir;
    }
    walk_free(&w);
    if (e) {
        free(name);
        return e;
    }
    *out_name = name;
    *out_is_dir = is_dir;
    return WASI_ESUCCESS;
}

uint32_t moat__sandbox_parent(int root, const char *path, bool follow, int *out_dir,
                              char **out_name, bool *out_is_dir) {
    return walk_parent(root, path, follow, out_dir, out_name, out_is_dir);
}

// The fallback open: walk to the parent, then open the last component with O_NOFOLLOW.
// If that finds a symlink after all (swapped in since the walk looked), walk again.
static uint32_t walk_open(int root, const char *path, int flags, mode_t mode, bool follow,
                          int *out) {
    for (int tries = 0; tries < MAX_HOPS; tries++) {
        int dir;
        char *name;
        bool is_dir;
        uint32_t e = walk_parent(root, path, follow, &dir, &name, &is_dir);
        if (e) return e;
        int f = flags | O_NOFOLLOW | O_CLOEXEC | (is_dir ? O_DIRECTORY : 0);
        int fd = openat(dir, name, f, mode);
        int err = errno;
        close(dir);
        free(name);
        if (fd >= 0) {
            *out = fd;
            return WASI_ESUCCESS;
        }
        if (err != ELOOP || !follow) return host_err(err);
    }
    return WASI_ELOOP;
}

uint32_t moat__sandbox_open(int root, const char *path, int flags, mode_t mode, bool follow,
                            int *out) {
    if (have_openat2()) {
        int fd = open_beneath(root, path, flags | (follow ? 0 : O_NOFOLLOW), mode);
        if (fd >= 0) {
            *out = fd;
            return WASI_ESUCCESS;
        }
        if (errno != ENOSYS) return errno == EXDEV ? WASI_ENOTCAPABLE : host_err(errno);
    }
    return walk_open(root, path, flags, mode, follow, out);
}
