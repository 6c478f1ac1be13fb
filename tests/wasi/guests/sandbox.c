// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Escape attempts from a preopen: each must fail with the errno named, and nothing outside
// may be read or changed (tests/wasi/sandbox.sh builds the tree, runs this with
// --dir BOX::/box, and compares the outside tree before and after).
// argv[1] is the host path of BOX/../outside/secret.txt.
#include "check.h"

static __wasi_fd_t box;
static int attempts;

#define RD     __WASI_RIGHTS_FD_READ
#define FOLLOW __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW

// Opening `path` must fail with `want`; if it opens, whatever it reads is reported.
static void no_open(__wasi_lookupflags_t flags, const char *path, __wasi_oflags_t oflags,
                    __wasi_errno_t want, int line) {
    attempts++;
    __wasi_fd_t fd;
    __wasi_errno_t e =
        __wasi_path_open(box, flags, path, oflags,
                         RD | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_READDIR, 0, 0, &fd);
    checks_run++;
    if (e != want) {
        checks_failed++;
        fprintf(stderr, "line %d: open '%s' gave errno %u, expected %u\n", line, path, e, want);
    }
    if (e == 0) {
        char buf[64] = {0};
        __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf - 1};
        __wasi_size_t n;
        if (__wasi_fd_read(fd, &iov, 1, &n) == 0)
            fprintf(stderr, "line %d: LEAK: read '%s' through '%s'\n", line, buf, path);
        (void)__wasi_fd_close(fd);
    }
}

#define NO_OPEN(flags, path, oflags, want) no_open(flags, path, oflags, want, __LINE__)
#define ATTEMPT(call, want)      \
    do {                         \
        attempts++;              \
        CHECK_ERRNO(call, want); \
    } while (0)

enum { CAP = __WASI_ERRNO_NOTCAPABLE };

int main(int argc, char **argv) {
    box = preopen_fd("/box");
    CHECK(box != (__wasi_fd_t)-1 && argc == 2);
    // The inside is usable, including symlinks that stay inside.
    __wasi_fd_t fd;
    CHECK_ERRNO(__wasi_path_open(box, FOLLOW, "inside.txt", 0, RD, 0, 0, &fd), 0);
    CHECK_ERRNO(__wasi_path_open(box, FOLLOW, "ok_link", 0, RD, 0, 0, &fd), 0);
    CHECK_ERRNO(__wasi_path_open(box, FOLLOW, "ok_chain/inside2.txt", 0, RD, 0, 0, &fd), 0);
    CHECK_ERRNO(
        __wasi_path_open(box, FOLLOW, "deep/a/../a/b/../../../inside.txt", 0, RD, 0, 0, &fd), 0);

    // ".." and absolute paths.
    NO_OPEN(0, "../outside/secret.txt", 0, CAP);
    NO_OPEN(0, "..", __WASI_OFLAGS_DIRECTORY, CAP);
    NO_OPEN(0, "deep/../..", __WASI_OFLAGS_DIRECTORY, CAP);
    NO_OPEN(0, "deep/a/b/../../../../outside/secret.txt", 0, CAP);
    NO_OPEN(0, "/etc/passwd", 0, CAP);
    NO_OPEN(0, argv[1], 0, CAP);
    NO_OPEN(0, "/proc/self/root/etc/passwd", 0, CAP);
    // Symlinks: absolute, relative, to directories, chains, loops, magic links.
    NO_OPEN(FOLLOW, "abs_link", 0, CAP);
    NO_OPEN(FOLLOW, "rel_link", 0, CAP);
    NO_OPEN(FOLLOW, "dir_link/secret.txt", 0, CAP);
    NO_OPEN(0, "dir_link/secret.txt", 0, CAP); // a symlink in the middle is always followed
    NO_OPEN(FOLLOW, "abs_dir_link/secret.txt", 0, CAP);
    NO_OPEN(FOLLOW, "root_link/etc/passwd", 0, CAP);
    NO_OPEN(FOLLOW, "proc_link/etc/passwd", 0, CAP);
    NO_OPEN(FOLLOW, "proc_cwd", __WASI_OFLAGS_DIRECTORY, CAP);
    NO_OPEN(FOLLOW, "chain1", 0, CAP);
    NO_OPEN(FOLLOW, "deep_link/secret.txt", 0, CAP);
    NO_OPEN(FOLLOW, "up_link/outside/secret.txt", 0, CAP);
    NO_OPEN(FOLLOW, "loop1", 0, __WASI_ERRNO_LOOP);
    NO_OPEN(FOLLOW, "self_loop", 0, __WASI_ERRNO_LOOP);
    NO_OPEN(FOLLOW, "loop1/x", 0, __WASI_ERRNO_LOOP);
    // Creating through a way out.
    NO_OPEN(FOLLOW, "dir_link/new.txt", __WASI_OFLAGS_CREAT, CAP);
    NO_OPEN(FOLLOW, "dangling", __WASI_OFLAGS_CREAT, CAP);
    NO_OPEN(0, "../outside/new.txt", __WASI_OFLAGS_CREAT, CAP);
    ATTEMPT(__wasi_path_create_directory(box, "../outside/newdir"), CAP);
    ATTEMPT(__wasi_path_create_directory(box, "dir_link/newdir"), CAP);
    // Metadata, removal, renames and links.
    __wasi_filestat_t st;
    ATTEMPT(__wasi_path_filestat_get(box, FOLLOW, "rel_link", &st), CAP);
    ATTEMPT(__wasi_path_filestat_get(box, 0, "../outside/secret.txt", &st), CAP);
    ATTEMPT(
        __wasi_path_filestat_set_times(box, 0, "../outside/secret.txt", 0, 0, __WASI_FSTFLAGS_MTIM),
        CAP);
    ATTEMPT(__wasi_path_filestat_set_times(box, FOLLOW, "abs_link", 0, 0, __WASI_FSTFLAGS_MTIM),
            CAP);
    ATTEMPT(__wasi_path_unlink_file(box, "../outside/secret.txt"), CAP);
    ATTEMPT(__wasi_path_unlink_file(box, "dir_link/secret.txt"), CAP);
    ATTEMPT(__wasi_path_remove_directory(box, "../outside/dir"), CAP);
    ATTEMPT(__wasi_path_remove_directory(box, "dir_link/dir"), CAP);
    ATTEMPT(__wasi_path_rename(box, "inside.txt", box, "../outside/stolen.txt"), CAP);
    ATTEMPT(__wasi_path_rename(box, "../outside/secret.txt", box, "stolen.txt"), CAP);
    ATTEMPT(__wasi_path_rename(box, "inside.txt", box, "dir_link/stolen.txt"), CAP);
    ATTEMPT(__wasi_path_link(box, 0, "../outside/secret.txt", box, "hard"), CAP);
    ATTEMPT(__wasi_path_link(box, FOLLOW, "rel_link", box, "hard"), CAP);
    ATTEMPT(__wasi_path_link(box, 0, "inside.txt", box, "../outside/hard"), CAP);
    ATTEMPT(__wasi_path_symlink("/etc/passwd", box, "mylink"), CAP);
    ATTEMPT(__wasi_path_symlink("inside.txt", box, "../outside/mylink"), CAP);
    char buf[64];
    __wasi_size_t n;
    ATTEMPT(__wasi_path_readlink(box, "../outside/link_outside", (uint8_t *)buf, sizeof buf, &n),
            CAP);
    // A relative symlink may be created, but never followed out.
    CHECK_ERRNO(__wasi_path_symlink("../outside/secret.txt", box, "made_link"), 0);
    NO_OPEN(FOLLOW, "made_link", 0, CAP);
    // Only directories resolve paths: a file fd and stdio have no path rights.
    CHECK_ERRNO(__wasi_path_open(box, FOLLOW, "inside.txt", 0, RD, 0, 0, &fd), 0);
    ATTEMPT(__wasi_path_open(fd, 0, "x", 0, RD, 0, 0, &fd), CAP);
    ATTEMPT(__wasi_path_open(0, 0, "etc/passwd", 0, RD, 0, 0, &fd), CAP);
    // wasi-libc's own resolution ends at the preopens too.
    attempts++;
    FILE *f = fopen("/box/../outside/secret.txt", "r");
    CHECK(f == NULL);
    attempts++;
    f = fopen("/etc/passwd", "r");
    CHECK(f == NULL);
    printf("sandbox: %d escape attempts refused\n", attempts);
    return done("sandbox");
}
