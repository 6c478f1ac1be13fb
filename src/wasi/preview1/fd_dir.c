// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// fd_readdir. A cookie is the index of the next entry in the host's listing order, so it
// stays valid across calls: reading on from the last cookie continues the open stream,
// any other cookie rewinds and skips (the host's own d_off values would do too, but an
// index is what the guest can reason about and is the same on every file system).
#define _GNU_SOURCE
#include "wasi/wasi.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

static uint8_t dirent_type(unsigned char d_type) {
    switch (d_type) {
    case DT_BLK:
        return WASI_FILETYPE_BLOCK_DEVICE;
    case DT_CHR:
        return WASI_FILETYPE_CHARACTER_DEVICE;
    case DT_DIR:
        return WASI_FILETYPE_DIRECTORY;
    case DT_REG:
        return WASI_FILETYPE_REGULAR_FILE;
    case DT_SOCK:
        return WASI_FILETYPE_SOCKET_STREAM;
    case DT_LNK:
        return WASI_FILETYPE_SYMBOLIC_LINK;
    default:
        return WASI_FILETYPE_UNKNOWN;
    }
}

// Positions f->dir at entry index `cookie`; an errno on failure.
static uint32_t seek_cookie(wasi_fd *f, uint64_t cookie) {
    if (!f->dir) {
        int fd = fcntl(f->host, F_DUPFD_CLOEXEC, 0);
        if (fd < 0) return moat__wasi_errno(errno);
        f->dir = fdopendir(fd);
        if (!f->dir) {
            int err = errno;
            close(fd);
            return moat__wasi_errno(err);
        }
        f->dir_cookie = 0;
        rewinddir(f->dir);
    }
    if (cookie < f->dir_cookie) {
        rewinddir(f->dir);
        f->dir_cookie = 0;
    }
    while (f->dir_cookie < cookie) {
        errno = 0;
        if (!readdir(f->dir))
            return errno ? moat__wasi_errno(errno) : WASI_ESUCCESS; // past the end
        f->dir_cookie++;
    }
    return WASI_ESUCCESS;
}

// Fills the buffer with 24-byte dirent headers each followed by its name; the last entry
// is cut off when the buffer is full (bufused == buf_len tells the guest to call again).
uint32_t moat__wasi_fd_readdir(wasi_call *c) {
    wasi_fd *f;
    uint32_t e = moat__wasi_fd_get(c->wasi, wasi_u32(c, 0), R_FD_READDIR, &f);
    if (e) return e;
    uint32_t buf_len = wasi_u32(c, 2), used_ptr = wasi_u32(c, 4);
    uint8_t *buf = wasi_ptr(c, wasi_u32(c, 1), buf_len);
    if (!buf || !wasi_ptr(c, used_ptr, 4)) return WASI_EFAULT;
    if (f->filetype != WASI_FILETYPE_DIRECTORY) return WASI_ENOTDIR;
    e = seek_cookie(f, wasi_u64(c, 3));
    if (e) return e;
    uint32_t used = 0;
    while (used < buf_len) {
        errno = 0;
        struct dirent *d = readdir(f->dir);
        if (!d) {
            if (errno) return moat__wasi_errno(errno);
            break;
        }
        f->dir_cookie++;
        uint8_t head[24] = {0};
        size_t namlen = strlen(d->d_name);
        wasi_put64(head, f->dir_cookie);
        wasi_put64(head + 8, (uint64_t)d->d_ino);
        wasi_put32(head + 16, (uint32_t)namlen);
        head[20] = dirent_type(d->d_type);
        uint32_t room = buf_len - used;
        uint32_t n = room < sizeof head ? room : (uint32_t)sizeof head;
        memcpy(buf + used, head, n);
        used += n;
        room = buf_len - used;
        n = room < namlen ? room : (uint32_t)namlen;
        memcpy(buf + used, d->d_name, n);
        used += n;
    }
    return moat__wasi_out32(c, used_ptr, used);
}
