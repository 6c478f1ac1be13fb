// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Rename races: while tests/wasi/race.sh keeps swapping box/d between a real directory and
// a symlink to the outside, this guest opens d/file.txt over and over for about a second.
// Every open must either fail or read the inside file; the outside secret never shows.
#include "check.h"

#include <time.h>

int main(void) {
    __wasi_fd_t box = preopen_fd("/box");
    CHECK(box != (__wasi_fd_t)-1);
    int opened = 0, refused = 0, missing = 0, other = 0, leaks = 0;
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    do {
        __wasi_fd_t fd;
        __wasi_errno_t e = __wasi_path_open(box, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "d/file.txt", 0,
                                            __WASI_RIGHTS_FD_READ, 0, 0, &fd);
        if (e == 0) {
            char buf[32] = {0};
            __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf - 1};
            __wasi_size_t n;
            if (__wasi_fd_read(fd, &iov, 1, &n) == 0 && strstr(buf, "SECRET")) leaks++;
            (void)__wasi_fd_close(fd);
            opened++;
        } else if (e == __WASI_ERRNO_NOTCAPABLE || e == __WASI_ERRNO_LOOP) {
            refused++;
        } else if (e == __WASI_ERRNO_NOENT || e == __WASI_ERRNO_NOTDIR) {
            missing++;
        } else {
            other++;
            fprintf(stderr, "race: unexpected errno %u\n", e);
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
    } while ((now.tv_sec - start.tv_sec) * 1000000000ll + (now.tv_nsec - start.tv_nsec)
             < 1000000000ll);
    printf("race: %d opened inside, %d refused, %d missing, %d other\n", opened, refused, missing,
           other);
    CHECK_EQ(leaks, 0);
    CHECK_EQ(other, 0);
    return done("race");
}
