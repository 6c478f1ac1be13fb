// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Helpers every import shares: host errno -> WASI errno (errno.def), the fd table with
// its rights check, and reading guest data (iovecs, paths) and writing guest results,
// each bounds-checked against the caller's memory before it is touched.
#define _GNU_SOURCE
#include "wasi/wasi.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

// Linear search: it runs only on the error path.
uint32_t moat__wasi_errno(int e) {
    static const struct {
        int host;
        uint16_t wasi;
    } map[] = {
#define X(name, value, host) {host, value},
#include "wasi/errno.def"
#undef X
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (map[i].host == e && e != 0) return map[i].wasi;
    return WASI_EIO;
}

uint32_t moat__wasi_out32(wasi_call *c, uint32_t ptr, uint32_t v) {
    uint8_t *p = wasi_ptr(c, ptr, 4);
    if (!p) return WASI_EFAULT;
    wasi_put32(p, v);
    return WASI_ESUCCESS;
}

uint32_t moat__wasi_out64(wasi_call *c, uint32_t ptr, uint64_t v) {
    uint8_t *p = wasi_ptr(c, ptr, 8);
    if (!p) return WASI_EFAULT;
    wasi_put64(p, v);
    return WASI_ESUCCESS;
}

uint32_t moat__wasi_fd_get(moat_wasi *w, uint32_t fd, uint64_t rights, wasi_fd **out) {
    if (fd >= w->nfds || !w->fds[fd].used) return WASI_EBADF;
    wasi_fd *f = &w->fds[fd];
    if ((f->base & rights) != rights) return WASI_ENOTCAPABLE;
    *out = f;
    return WASI_ESUCCESS;
}

uint32_t moat__wasi_fd_add(moat_wasi *w, int host, uint8_t filetype, uint64_t base,
                           uint64_t inheriting, uint32_t *out) {
    uint32_t fd = 0;
    while (fd < w->nfds && w->fds[fd].used)
        fd++;
    if (fd == w->nfds) {
        // The guest sees fd numbers as u32, but a table past a million entries means a leak
        // rather than a need; EMFILE as the host would say.
        enum { MAX_FDS = 1 << 20 };
        uint32_t cap = w->nfds ? 2 * w->nfds : 8;
        wasi_fd *grown = w->nfds < MAX_FDS ? realloc(w->fds, cap * sizeof *grown) : NULL;
        if (!grown) {
            close(host);
            return WASI_EMFILE;
        }
        memset(grown + w->nfds, 0, (cap - w->nfds) * sizeof *grown);
        w->fds = grown;
        w->nfds = cap;
    }
    w->fds[fd] = (wasi_fd){
        .used = true, .host = host, .filetype = filetype, .base = base, .inheriting = inheriting};
    *out = fd;
    return WASI_ESUCCESS;
}

void moat__wasi_fd_release(wasi_fd *f) {
    if (f->dir) closedir(f->dir);
    if (!f->borrowed)
        close(f->host);
    else if (f->borrowed_flags >= 0)
        fcntl(f->host, F_SETFL, f->borrowed_flags);
    free(f->preopen);
    *f = (wasi_fd){0};
}

uint8_t moat__wasi_filetype(unsigned mode) {
    switch (mode & S_IFMT) {
    case S_IFBLK:
        return WASI_FILETYPE_BLOCK_DEVICE;
    case S_IFCHR:
        return WASI_FILETYPE_CHARACTER_DEVICE;
    case S_IFDIR:
        return WASI_FILETYPE_DIRECTORY;
    case S_IFREG:
        return WASI_FILETYPE_REGULAR_FILE;
    case S_IFSOCK:
        return WASI_FILETYPE_SOCKET_STREAM;
    case S_IFLNK:
        return WASI_FILETYPE_SYMBOLIC_LINK;
    default:
        return WASI_FILETYPE_UNKNOWN;
    }
}

uint8_t moat__wasi_host_filetype(int host) {
    struct stat st;
    return fstat(host, &st) ? WASI_FILETYPE_UNKNOWN : moat__wasi_filetype(st.st_mode);
}

uint32_t moat__wasi_put_filestat(wasi_call *c, uint32_t ptr, const void *stat_ptr) {
    const struct stat *st = stat_ptr;
    uint8_t *p = wasi_ptr(c, ptr, 64);
    if (!p) return WASI_EFAULT;
    memset(p, 0, 64);
    wasi_put64(p + 0, (uint64_t)st->st_dev);
    wasi_put64(p + 8, (uint64_t)st->st_ino);
    p[16] = moat__wasi_filetype(st->st_mode);
    wasi_put64(p + 24, (uint64_t)st->st_nlink);
    wasi_put64(p + 32, (uint64_t)st->st_size);
    wasi_put64(p + 40, moat__wasi_timespec_ns(&st->st_atim));
    wasi_put64(p + 48, moat__wasi_timespec_ns(&st->st_mtim));
    wasi_put64(p + 56, moat__wasi_timespec_ns(&st->st_ctim));
    return WASI_ESUCCESS;
}

uint32_t moat__wasi_iovecs(wasi_call *c, uint32_t iovs, uint32_t n, struct iovec *inline_buf,
                           struct iovec **out) {
    if (n > IOV_MAX) return WASI_EINVAL;
    const uint8_t *src = wasi_ptr(c, iovs, (uint64_t)n * 8);
    if (!src) return WASI_EFAULT;
    struct iovec *v = n <= WASI_IOV_INLINE ? inline_buf : malloc(n * sizeof *v);
    if (!v) return WASI_ENOMEM;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t buf = wasi_get32(src + 8 * i), len = wasi_get32(src + 8 * i + 4);
        void *p = wasi_ptr(c, buf, len);
        if (!p) {
            if (v != inline_buf) free(v);
            return WASI_EFAULT;
        }
        v[i] = (struct iovec){p, len};
    }
    *out = v;
    return WASI_ESUCCESS;
}

uint32_t moat__wasi_io_done(wasi_call *c, ssize_t done, struct iovec *iov,
                            const struct iovec *inline_buf, uint32_t result_ptr) {
    int err = errno;
    if (iov != inline_buf) free(iov);
    if (done < 0) return moat__wasi_errno(err);
    return moat__wasi_out32(c, result_ptr, (uint32_t)done);
}

uint32_t moat__wasi_path(wasi_call *c, uint32_t ptr, uint32_t len, char **out) {
    const char *src = wasi_ptr(c, ptr, len);
    if (!src) return WASI_EFAULT;
    if (memchr(src, 0, len)) return WASI_EILSEQ;
    char *path = malloc((size_t)len + 1);
    if (!path) return WASI_ENOMEM;
    memcpy(path, src, len);
    path[len] = 0;
    *out = path;
    return WASI_ESUCCESS;
}

bool moat__wasi_utime(uint64_t ns, uint32_t fst, uint32_t set, uint32_t now, struct timespec *out) {
    if ((fst & set) && (fst & now)) return false;
    if (fst & now)
        *out = (struct timespec){0, UTIME_NOW};
    else if (fst & set)
        *out = (struct timespec){(time_t)(ns / 1000000000u), (long)(ns % 1000000000u)};
    else
        *out = (struct timespec){0, UTIME_OMIT};
    return true;
}
