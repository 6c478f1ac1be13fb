// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Data through fds: read, write, pread, pwrite (scatter/gather straight between the host
// fd and guest memory: the iovecs handed to readv/writev point into linear memory after
// each one is bounds-checked), seek and tell.
#define _GNU_SOURCE
#include "wasi/wasi.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/uio.h>
#include <unistd.h>

enum io_kind { IO_READ, IO_WRITE, IO_PREAD, IO_PWRITE };

static uint32_t do_io(wasi_call *c, enum io_kind kind) {
    static const uint64_t rights[] = {R_FD_READ, R_FD_WRITE, R_FD_READ | R_FD_SEEK,
                                      R_FD_WRITE | R_FD_SEEK};
    wasi_fd *f;
    uint32_t e = moat__wasi_fd_get(c->wasi, wasi_u32(c, 0), rights[kind], &f);
    if (e) return e;
    bool positioned = kind == IO_PREAD || kind == IO_PWRITE;
    uint64_t offset = positioned ? wasi_u64(c, 3) : 0;
    uint32_t result_ptr = wasi_u32(c, positioned ? 4 : 3);
    if (offset > INT64_MAX) return WASI_EINVAL;
    if (!wasi_ptr(c, result_ptr, 4)) return WASI_EFAULT;
    struct iovec inline_iov[WASI_IOV_INLINE], *iov;
    uint32_t n = wasi_u32(c, 2);
    e = moat__wasi_iovecs(c, wasi_u32(c, 1), n, inline_iov, &iov);
    if (e) return e;
    ssize_t done;
    do {
        switch (kind) {
        case IO_READ:
            done = readv(f->host, iov, (int)n);
            break;
        case IO_WRITE:
            done = writev(f->host, iov, (int)n);
            break;
        case IO_PREAD:
            done = preadv(f->host, iov, (int)n, (off_t)offset);
            break;
        default:
            done = pwritev(f->host, iov, (int)n, (off_t)offset);
            break;
        }
    } while (done < 0 && errno == EINTR);
    return moat__wasi_io_done(c, done, iov, inline_iov, result_ptr);
}

uint32_t moat__wasi_fd_read(wasi_call *c) {
    return do_io(c, IO_READ);
}

uint32_t moat__wasi_fd_write(wasi_call *c) {
    return do_io(c, IO_WRITE);
}

uint32_t moat__wasi_fd_pread(wasi_call *c) {
    return do_io(c, IO_PREAD);
}

uint32_t moat__wasi_fd_pwrite(wasi_call *c) {
    return do_io(c, IO_PWRITE);
}

// witx: fd_seek needs fd_seek, except that a zero move from the current position is
// what fd_tell does, and needs only fd_tell.
uint32_t moat__wasi_fd_seek(wasi_call *c) {
    static const int whence[] = {SEEK_SET, SEEK_CUR, SEEK_END};
    int64_t offset = (int64_t)wasi_u64(c, 1);
    uint32_t w = wasi_u32(c, 2);
    uint64_t right = offset == 0 && w == 1 ? R_FD_TELL : R_FD_SEEK;
    wasi_fd *f;
    uint32_t e = moat__wasi_fd_get(c->wasi, wasi_u32(c, 0), right, &f);
    if (e) return e;
    if (w >= sizeof whence / sizeof whence[0]) return WASI_EINVAL;
    if (!wasi_ptr(c, wasi_u32(c, 3), 8)) return WASI_EFAULT;
    off_t pos = lseek(f->host, (off_t)offset, whence[w]);
    if (pos < 0) return moat__wasi_errno(errno);
    return moat__wasi_out64(c, wasi_u32(c, 3), (uint64_t)pos);
}

uint32_t moat__wasi_fd_tell(wasi_call *c) {
    wasi_fd *f;
    uint32_t e = moat__wasi_fd_get(c->wasi, wasi_u32(c, 0), R_FD_TELL, &f);
    if (e) return e;
    if (!wasi_ptr(c, wasi_u32(c, 1), 8)) return WASI_EFAULT;
    off_t pos = lseek(f->host, 0, SEEK_CUR);
    if (pos < 0) return moat__wasi_errno(errno);
    return moat__wasi_out64(c, wasi_u32(c, 1), (uint64_t)pos);
}
