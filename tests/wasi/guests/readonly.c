// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// A read-only grant (--dir HOST::/data::ro): reading works, and every way of writing is
// refused with ENOTCAPABLE at the rights check, before the host sees the request.
#include "check.h"

#include <errno.h>

enum { CAP = __WASI_ERRNO_NOTCAPABLE };

int main(void) {
    __wasi_fd_t d = preopen_fd("/data");
    CHECK(d != (__wasi_fd_t)-1);
    __wasi_fdstat_t fs;
    CHECK_ERRNO(__wasi_fd_fdstat_get(d, &fs), 0);
    CHECK(!(fs.fs_rights_base & __WASI_RIGHTS_PATH_CREATE_FILE));
    CHECK(!(fs.fs_rights_inheriting & __WASI_RIGHTS_FD_WRITE));
    // Reading.
    FILE *f = fopen("/data/in.txt", "r");
    CHECK(f != NULL);
    char line[64] = {0};
    if (f) {
        CHECK(fgets(line, sizeof line, f) && !strcmp(line, "granted\n"));
        fclose(f);
    }
    __wasi_fd_t fd;
    CHECK_ERRNO(__wasi_path_open(d, 0, "in.txt", 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd), 0);
    __wasi_ciovec_t iov = {(const uint8_t *)"x", 1};
    __wasi_size_t n;
    CHECK_ERRNO(__wasi_fd_write(fd, &iov, 1, &n), CAP);
    CHECK_ERRNO(__wasi_fd_filestat_set_size(fd, 0), CAP);
    CHECK_ERRNO(__wasi_fd_allocate(fd, 0, 100), CAP);
    CHECK_ERRNO(__wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_MTIM_NOW), CAP);
    CHECK_ERRNO(__wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_APPEND), CAP);
    CHECK_ERRNO(__wasi_fd_fdstat_set_rights(fd, __WASI_RIGHTS_FD_WRITE, 0), CAP);
    CHECK_ERRNO(__wasi_fd_close(fd), 0);
    // Opening for writing, creating, truncating, appending.
    CHECK_ERRNO(__wasi_path_open(d, 0, "in.txt", 0, __WASI_RIGHTS_FD_WRITE, 0, 0, &fd), CAP);
    CHECK_ERRNO(
        __wasi_path_open(d, 0, "new.txt", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_READ, 0, 0, &fd),
        CAP);
    CHECK_ERRNO(
        __wasi_path_open(d, 0, "in.txt", __WASI_OFLAGS_TRUNC, __WASI_RIGHTS_FD_READ, 0, 0, &fd),
        CAP);
    CHECK_ERRNO(
        __wasi_path_open(d, 0, "in.txt", 0, __WASI_RIGHTS_FD_READ, 0, __WASI_FDFLAGS_APPEND, &fd),
        CAP);
    // Every path operation that changes the tree.
    CHECK_ERRNO(__wasi_path_create_directory(d, "newdir"), CAP);
    CHECK_ERRNO(__wasi_path_remove_directory(d, "sub"), CAP);
    CHECK_ERRNO(__wasi_path_unlink_file(d, "in.txt"), CAP);
    CHECK_ERRNO(__wasi_path_rename(d, "in.txt", d, "moved.txt"), CAP);
    CHECK_ERRNO(__wasi_path_link(d, 0, "in.txt", d, "hard"), CAP);
    CHECK_ERRNO(__wasi_path_symlink("in.txt", d, "link"), CAP);
    CHECK_ERRNO(__wasi_path_filestat_set_times(d, 0, "in.txt", 0, 0, __WASI_FSTFLAGS_MTIM_NOW),
                CAP);
    // Through a subdirectory opened beneath it: still read-only.
    __wasi_fd_t sub;
    // Asking for more than the grant holds (as Rust's std does) is trimmed, not refused;
    // only asking to write is refused.
    CHECK_ERRNO(__wasi_path_open(d, 0, "sub", __WASI_OFLAGS_DIRECTORY,
                                 __WASI_RIGHTS_PATH_OPEN | __WASI_RIGHTS_PATH_CREATE_FILE,
                                 __WASI_RIGHTS_FD_WRITE, 0, &sub),
                0);
    CHECK_ERRNO(__wasi_fd_fdstat_get(sub, &fs), 0);
    CHECK_EQ(fs.fs_rights_base, __WASI_RIGHTS_PATH_OPEN);
    CHECK_EQ(fs.fs_rights_inheriting, 0);
    CHECK_ERRNO(__wasi_path_open(d, 0, "in.txt", 0,
                                 __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_FILESTAT_SET_TIMES, 0, 0,
                                 &fd),
                0);
    CHECK_ERRNO(__wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_MTIM_NOW), CAP);
    CHECK_ERRNO(__wasi_fd_close(fd), 0);
    CHECK_ERRNO(
        __wasi_path_open(sub, 0, "f.txt", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_WRITE, 0, 0, &fd),
        CAP);
    // libc reports it too.
    CHECK(fopen("/data/new.txt", "w") == NULL);
    CHECK(fopen("/data/in.txt", "a") == NULL);
    CHECK(remove("/data/in.txt") != 0);
    return done("readonly");
}
