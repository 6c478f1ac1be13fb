// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// fd_* imports about an fd itself rather than its data: close, renumber, fdstat,
// filestat, advise, allocate, sync, and the preopen queries. Each checks the right the
// witx names for it before any host call.
#define _GNU_SOURCE
#include "wasi/wasi.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static uint32_t host_err(void) {
    return moat__wasi_errno(errno);
}

uint32_t moat__wasi_fd_close(wasi_call *c) {
    wasi_fd *f;
    uint32_t e = moat__wasi_fd_get(c->wasi, wasi_u32(c, 0), 0, &f);
    if (!e) moat__wasi_fd_release(f);
    return e;
}

// Both fds must be open (as in Wasmtime); `to` is closed and `from` takes its number.
uint32_t moat__wasi_fd_renumber(wasi_call *c) {
    wasi_fd *from, *to;
    uint32_t e = moat__wasi_fd_get(c->wasi, wasi_u32(c, 0), 0, &from);
    if (!e) e = moat__wasi_fd_get(c->wasi, wasi_u32(c, 1), 0, &to);
    if (e || from == to) return e;
    moat__wasi_fd_release(to);
    *to = *from;
    *from = (wasi_fd){0};
    return WASI_ESUCCESS;
}

uint32_t moat__wasi_fd_fdstat_get(wasi_call *c) {
    wasi_fd *f;
    uint32_t e = moat__wasi_fd_get(c->wasi, wasi_u32(c, 0), 0, &f);
    if (e) return e;
    uint8_t *p = wasi_ptr(c, wasi_u32(c, 1), 24);
    if (!p) return WASI_EFAULT;
    int fl = fcntl(f->host, F_GETFL);
    if (fl < 0) return host_err();
    uint16_t flags = 0;
    if (fl & O_APPEND) flags |= WASI_FDFLAG_APPEND;
    if (fl & O_NONBLOCK) flags |= WASI_FDFLAG_NONBLOCK;
    if ((fl & O_SYNC) == O_SYNC)
        flags |= WASI_FDFLAG_SYNC | WASI_FDFLAG_RSYNC;
    else if (fl & O_DSYNC)
        flags |= WASI_FDFLAG_DSYNC;
    memset(p, 0, 24);
    p[0] = f->filetype;
    wasi_put16(p + 2, flags);
    wasi_put64(p + 8, f->base);
    wasi_put64(p + 16, f->inheriting);
    return WASI_ESUCCESS;
}

// Linux changes only O_APPEND and O_NONBLOCK through F_SETFL; the sync flags cannot be
// changed on an open file, so asking for them is ENOTSUP rather than a silent no-op.
uint32_t moat__wasi_fd_fdstat_set_flags(wasi_call *c) {
    wasi_fd *f;
    uint32_t e = moat__wasi_fd_get(c->wasi, wasi_u32(c, 0), R_FD_FDSTAT_SET_FLAGS, &f);
    if (e) return e;
    uint32_t flags = wasi_u32(c, 1);
    if (flags & ~(uint32_t)(WASI_FDFLAG_APPEND | WASI_FDFLAG_NONBLOCK))
        return flags & ~(uint32_t)0x1f ? WASI_EINVAL : WASI_ENOTSUP;
    if ((flags & WASI_FDFLAG_APPEND) && !(f->base & R_FD_WRITE)) return WASI_ENOTCAPABLE;
    int fl = fcntl(f->host, F_GETFL);
    if (fl < 0) return host_err();
    // The embedder's flags, restored on release, are saved at the guest's first change
    // of any borrowed fd, for all of them: they may share one open file description (a
    // terminal as stdin, stdout and stderr), so a later first read would see this change.
    if (f->borrowed && f->borrowed_flags < 0)
        for (uint32_t i = 0; i < c->wasi->nfds; i++) {
            wasi_fd *b = &c->wasi->fds[i];
            if (b->used && b->borrowed && b->borrowed_flags < 0)
                b->borrowed_flags = b == f ? fl : fcntl(b->host, F_GETFL);
        }
    fl &= ~(O_APPEND | O_NONBLOCK);
    fl |= (flags & WASI_FDFLAG_APPEND ? O_APPEND : 0)
          | (flags & WASI_FDFLAG_NONBLOCK ? O_NONBLOCK : 0);
    return fcntl(f->host, F_SETFL, fl) ? host_err() : WASI_ESUCCESS;
}

// Rights only ever shrink.
uint32_t moat__wasi_fd_fdstat_set_rights(wasi_call *c) {
    wasi_fd *f;
    uint32_t e = moat__wasi_fd_get(c->wasi, wasi_u32(c, 0), 0, &f);
    if (e) return e;
    uint64_t base = wasi_u64(c, 1), inheriting = wasi_u64(c, 2);
    if ((base & ~f->base) || (inheriting & ~f->inheriting)) return WASI_ENOTCAPABLE;
    f->base = base;
    f->inheriting = inheriting;
    return WASI_ESUCCESS;
}

uint32_t moat__wasi_fd_filestat_get(wasi_call *c) {
    wasi_fd *f;
    uint32_t e = moat__wasi_fd_get(c->wasi, wasi_u32(c, 0), R_FD_FILESTAT_GET, &f);
    if (e) return e;
    struct stat st;
    if (fstat(f->host, &st)) return host_err();
    return moat__wasi_put_filestat(c, wasi_u32(c, 1), &st);
}

uint32_t moat__wasi_fd_filestat_set_size(wasi_call *c) {
    wasi_fd *f;
    uint32_t e = moat__wasi_fd_get(c->wasi, wasi_u32(c, 0), R_FD_FILESTAT_SET_SIZE, &f);
    if (e) return e;
    uint64_t size = wasi_u64(c, 1);
    if (size > INT64_MAX) return WASI_EINVAL;
    return ftruncate(f->host, (off_t)size) ? host_err() : WASI_ESUCCESS;
}

uint32_t moat__wasi_fd_filestat_set_times(wasi_call *c) {
    wasi_fd *f;
    uint32_t e = moat__wasi_fd_get(c->wasi, wasi_u32(c, 0), R_FD_FILESTAT_SET_TIMES, &f);
    if (e) return e;
    uint32_t fst = wasi_u32(c, 3);
    struct timespec ts[2];
    if (!moat__wasi_utime(wasi_u64(c, 1), fst, WASI_FST_ATIM, WASI_FST_ATIM_NOW, &ts[0])
        || !moat__wasi_utime(wasi_u64(c, 2), fst, WASI_FST_MTIM, WASI_FST_MTIM_NOW, &ts[1]))
        return WASI_EINVAL;
    return futimens(f->host, ts) ? host_err() : WASI_ESUCCESS;
}

uint32_t moat__wasi_fd_advise(wasi_call *c) {
    static const int advice[] = {POSIX_FADV_NORMAL,   POSIX_FADV_SEQUENTIAL, POSIX_FADV_RANDOM,
                                 POSIX_FADV_WILLNEED, POSIX_FADV_DONTNEED,   POSIX_FADV_NOREUSE};
    wasi_fd *f;
    uint32_t e = moat__wasi_fd_get(c->wasi, wasi_u32(c, 0), R_FD_ADVISE, &f);
    if (e) return e;
    uint32_t a = wasi_u32(c, 3);
    uint64_t off = wasi_u64(c, 1), len = wasi_u64(c, 2);
    if (a >= sizeof advice / sizeof advice[0] || off > INT64_MAX || len > INT64_MAX)
        return WASI_EINVAL;
    int r = posix_fadvise(f->host, (off_t)off, (off_t)len, advice[a]);
    return r ? moat__wasi_errno(r) : WASI_ESUCCESS;
}

uint32_t moat__wasi_fd_allocate(wasi_call *c) {
    wasi_fd *f;
    uint32_t e = moat__wasi_fd_get(c->wasi, wasi_u32(c, 0), R_FD_ALLOCATE, &f);
    if (e) return e;
    uint64_t off = wasi_u64(c, 1), len = wasi_u64(c, 2);
    if (off > INT64_MAX || len > INT64_MAX) return WASI_EINVAL;
    int r = posix_fallocate(f->host, (off_t)off, (off_t)len);
    return r ? moat__wasi_errno(r) : WASI_ESUCCESS;
}

uint32_t moat__wasi_fd_datasync(wasi_call *c) {
    wasi_fd *f;
    uint32_t e = moat__wasi_fd_get(c->wasi, wasi_u32(c, 0), R_FD_DATASYNC, &f);
    if (e) return e;
    return fdatasync(f->host) ? host_err() : WASI_ESUCCESS;
}

uint32_t moat__wasi_fd_sync(wasi_call *c) {
    wasi_fd *f;
    uint32_t e = moat__wasi_fd_get(c->wasi, wasi_u32(c, 0), R_FD_SYNC, &f);
    if (e) return e;
    return fsync(f->host) ? host_err() : WASI_ESUCCESS;
}

// Anything but a preopened directory is EBADF: wasi-libc scans fds from 3 upwards and
// stops at the first EBADF, so this ends its scan.
uint32_t moat__wasi_fd_prestat_get(wasi_call *c) {
    wasi_fd *f;
    uint32_t e = moat__wasi_fd_get(c->wasi, wasi_u32(c, 0), 0, &f);
    if (e || !f->preopen) return WASI_EBADF;
    uint8_t *p = wasi_ptr(c, wasi_u32(c, 1), 8);
    if (!p) return WASI_EFAULT;
    memset(p, 0, 8); // tag 0: preopentype dir
    wasi_put32(p + 4, (uint32_t)strlen(f->preopen));
    return WASI_ESUCCESS;
}

uint32_t moat__wasi_fd_prestat_dir_name(wasi_call *c) {
    wasi_fd *f;
    uint32_t e = moat__wasi_fd_get(c->wasi, wasi_u32(c, 0), 0, &f);
    if (e || !f->preopen) return WASI_EBADF;
    size_t len = strlen(f->preopen);
    uint32_t buf_len = wasi_u32(c, 2);
    uint8_t *p = wasi_ptr(c, wasi_u32(c, 1), buf_len);
    if (!p) return WASI_EFAULT;
    if (buf_len < len) return WASI_ENAMETOOLONG;
    memcpy(p, f->preopen, len);
    return WASI_ESUCCESS;
}
