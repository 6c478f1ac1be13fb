// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Internals of WASI preview1: the ABI's constants (witx typenames.witx), the guest's fd
// table, and the call context every import receives. The guest's memory is reached only
// through wasi_ptr(), which bounds-checks each range against the memory's current size,
// so a bad guest pointer yields EFAULT and never touches host memory.
#ifndef MOAT_WASI_H
#define MOAT_WASI_H

#include "moat.h"

#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "WASI structures are read in place: a little-endian host is required"
#endif

enum {
#define X(name, value, host) WASI_E##name = value,
#include "wasi/errno.def"
#undef X
};

// rights (u64 bit numbers from witx `rights`)
#define WASI_RIGHT(n)             ((uint64_t)1 << (n))
#define R_FD_DATASYNC             WASI_RIGHT(0)
#define R_FD_READ                 WASI_RIGHT(1)
#define R_FD_SEEK                 WASI_RIGHT(2)
#define R_FD_FDSTAT_SET_FLAGS     WASI_RIGHT(3)
#define R_FD_SYNC                 WASI_RIGHT(4)
#define R_FD_TELL                 WASI_RIGHT(5)
#define R_FD_WRITE                WASI_RIGHT(6)
#define R_FD_ADVISE               WASI_RIGHT(7)
#define R_FD_ALLOCATE             WASI_RIGHT(8)
#define R_PATH_CREATE_DIRECTORY   WASI_RIGHT(9)
#define R_PATH_CREATE_FILE        WASI_RIGHT(10)
#define R_PATH_LINK_SOURCE        WASI_RIGHT(11)
#define R_PATH_LINK_TARGET        WASI_RIGHT(12)
#define R_PATH_OPEN               WASI_RIGHT(13)
#define R_FD_READDIR              WASI_RIGHT(14)
#define R_PATH_READLINK           WASI_RIGHT(15)
#define R_PATH_RENAME_SOURCE      WASI_RIGHT(16)
#define R_PATH_RENAME_TARGET      WASI_RIGHT(17)
#define R_PATH_FILESTAT_GET       WASI_RIGHT(18)
#define R_PATH_FILESTAT_SET_SIZE  WASI_RIGHT(19)
#define R_PATH_FILESTAT_SET_TIMES WASI_RIGHT(20)
#define R_FD_FILESTAT_GET         WASI_RIGHT(21)
#define R_FD_FILESTAT_SET_SIZE    WASI_RIGHT(22)
#define R_FD_FILESTAT_SET_TIMES   WASI_RIGHT(23)
#define R_PATH_SYMLINK            WASI_RIGHT(24)
#define R_PATH_REMOVE_DIRECTORY   WASI_RIGHT(25)
#define R_PATH_UNLINK_FILE        WASI_RIGHT(26)
#define R_POLL_FD_READWRITE       WASI_RIGHT(27)
#define R_SOCK_SHUTDOWN           WASI_RIGHT(28)
#define R_SOCK_ACCEPT             WASI_RIGHT(29)
#define R_ALL                     (WASI_RIGHT(30) - 1)

// Rights that change the file system. A read-only preopen holds none of them, neither for
// itself nor to hand down to what is opened beneath it.
#define R_WRITES                                                                               \
    (R_FD_DATASYNC | R_FD_WRITE | R_FD_ALLOCATE | R_PATH_CREATE_DIRECTORY | R_PATH_CREATE_FILE \
     | R_PATH_LINK_SOURCE | R_PATH_LINK_TARGET | R_PATH_RENAME_SOURCE | R_PATH_RENAME_TARGET   \
     | R_PATH_FILESTAT_SET_SIZE | R_PATH_FILESTAT_SET_TIMES | R_FD_FILESTAT_SET_SIZE           \
     | R_FD_FILESTAT_SET_TIMES | R_PATH_SYMLINK | R_PATH_REMOVE_DIRECTORY | R_PATH_UNLINK_FILE)
// Rights that only make sense on a directory / on a regular file or stream.
#define R_DIR_ONLY                                                                                 \
    (R_PATH_CREATE_DIRECTORY | R_PATH_CREATE_FILE | R_PATH_LINK_SOURCE | R_PATH_LINK_TARGET        \
     | R_PATH_OPEN | R_FD_READDIR | R_PATH_READLINK | R_PATH_RENAME_SOURCE | R_PATH_RENAME_TARGET  \
     | R_PATH_FILESTAT_GET | R_PATH_FILESTAT_SET_SIZE | R_PATH_FILESTAT_SET_TIMES | R_PATH_SYMLINK \
     | R_PATH_REMOVE_DIRECTORY | R_PATH_UNLINK_FILE)
#define R_SOCK (R_SOCK_SHUTDOWN | R_SOCK_ACCEPT)

enum {
    WASI_FILETYPE_UNKNOWN = 0,
    WASI_FILETYPE_BLOCK_DEVICE = 1,
    WASI_FILETYPE_CHARACTER_DEVICE = 2,
    WASI_FILETYPE_DIRECTORY = 3,
    WASI_FILETYPE_REGULAR_FILE = 4,
    WASI_FILETYPE_SOCKET_DGRAM = 5,
    WASI_FILETYPE_SOCKET_STREAM = 6,
    WASI_FILETYPE_SYMBOLIC_LINK = 7,
};

// fdflags, oflags, lookupflags, fstflags
#define WASI_FDFLAG_APPEND   1
#define WASI_FDFLAG_DSYNC    2
#define WASI_FDFLAG_NONBLOCK 4
#define WASI_FDFLAG_RSYNC    8
#define WASI_FDFLAG_SYNC     16
#define WASI_OFLAG_CREAT     1
#define WASI_OFLAG_DIRECTORY 2
#define WASI_OFLAG_EXCL      4
#define WASI_OFLAG_TRUNC     8
#define WASI_LOOKUP_FOLLOW   1
#define WASI_FST_ATIM        1
#define WASI_FST_ATIM_NOW    2
#define WASI_FST_MTIM        4
#define WASI_FST_MTIM_NOW    8

// One open guest fd. `host` is owned unless `borrowed` (stdio given by the embedder).
typedef struct wasi_fd {
    bool used, borrowed;
    int borrowed_flags; // F_GETFL of a borrowed fd before the guest first changed its
                        // flags (else -1), restored on release: a guest's O_NONBLOCK
                        // must not outlive it on the embedder's terminal
    int host;
    uint8_t filetype;
    uint64_t base, inheriting; // rights
    char *preopen;             // guest name of a preopened directory, else NULL
    // fd_readdir's position: a stream over a dup of `host` and the cookie (index of the
    // next entry) it stands at, so sequential reads cost O(n) and any earlier cookie is
    // still honoured by rewinding.
    DIR *dir;
    uint64_t dir_cookie;
} wasi_fd;

struct moat_wasi {
    char **argv, **envp; // NULL-terminated copies
    size_t argc, envc;
    wasi_fd *fds;
    uint32_t nfds;  // slots in use or free below nfds
    void *bindings; // the per-function callback environments (ctx.c)
};

// What an import receives: the context, the caller's memory (bounds `size`) and the
// arguments. `trap` is set by proc_exit.
typedef struct wasi_call {
    moat_wasi *wasi;
    uint8_t *mem;
    uint64_t size;
    const moat_val *args;
    moat_trap *trap;
} wasi_call;

typedef uint32_t (*wasi_fn)(wasi_call *c);

static inline uint32_t wasi_u32(const wasi_call *c, int i) {
    return (uint32_t)c->args[i].of.i32;
}

static inline uint64_t wasi_u64(const wasi_call *c, int i) {
    return (uint64_t)c->args[i].of.i64;
}

// The host address of guest range [ptr, ptr + len), or NULL if it leaves the memory.
static inline void *wasi_ptr(const wasi_call *c, uint32_t ptr, uint64_t len) {
    if (len > c->size || ptr > c->size - len) return NULL;
    return c->mem + ptr;
}

// Little-endian stores into a checked range (guest structs need not be aligned).
static inline void wasi_put16(uint8_t *p, uint16_t v) {
    memcpy(p, &v, sizeof v);
}
static inline void wasi_put32(uint8_t *p, uint32_t v) {
    memcpy(p, &v, sizeof v);
}
static inline void wasi_put64(uint8_t *p, uint64_t v) {
    memcpy(p, &v, sizeof v);
}
static inline uint32_t wasi_get32(const uint8_t *p) {
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}
static inline uint64_t wasi_get64(const uint8_t *p) {
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

// Writes a u32/u64 result at guest `ptr`; EFAULT if out of bounds.
uint32_t moat__wasi_out32(wasi_call *c, uint32_t ptr, uint32_t v);
uint32_t moat__wasi_out64(wasi_call *c, uint32_t ptr, uint64_t v);

// The WASI errno for host errno `e` (EIO for errors WASI has no name for).
uint32_t moat__wasi_errno(int e);

// Looks up guest fd `fd` holding all of `rights`: *out on success, else EBADF (not open)
// or ENOTCAPABLE (a right is missing).
uint32_t moat__wasi_fd_get(moat_wasi *w, uint32_t fd, uint64_t rights, wasi_fd **out);
// Adds an fd at the lowest free number; EMFILE when the table cannot grow. Takes
// ownership of `host` (closed on failure).
uint32_t moat__wasi_fd_add(moat_wasi *w, int host, uint8_t filetype, uint64_t base,
                           uint64_t inheriting, uint32_t *out);
// Closes the host side of an entry and frees the slot.
void moat__wasi_fd_release(wasi_fd *f);
// The WASI filetype of a host st_mode.
uint8_t moat__wasi_filetype(unsigned mode);
// Writes a filestat (64 bytes) for host `st` (a struct stat *) at guest `ptr`.
uint32_t moat__wasi_put_filestat(wasi_call *c, uint32_t ptr, const void *st);
// Converts guest iovecs at `iovs` into host ones (pointing into guest memory). *out is
// an array of `n` iovecs, `inline_buf` when n <= WASI_IOV_INLINE, else malloc'd.
#define WASI_IOV_INLINE 16
struct iovec;
uint32_t moat__wasi_iovecs(wasi_call *c, uint32_t iovs, uint32_t n, struct iovec *inline_buf,
                           struct iovec **out);
// Ends a readv/writev-style call (errno still that of the call): frees `iov` unless it is
// `inline_buf`, then writes the count `done` at guest `result_ptr`, or returns the errno
// when `done` is negative.
uint32_t moat__wasi_io_done(wasi_call *c, ssize_t done, struct iovec *iov,
                            const struct iovec *inline_buf, uint32_t result_ptr);
// Copies a guest path into a new NUL-terminated string (*out, caller frees). EFAULT out
// of bounds, EILSEQ for an embedded NUL, ENOMEM.
uint32_t moat__wasi_path(wasi_call *c, uint32_t ptr, uint32_t len, char **out);

// The host clock for WASI clockid `id`; false for an unknown id.
bool moat__wasi_clock(uint32_t id, clockid_t *out);
uint64_t moat__wasi_timespec_ns(const struct timespec *ts);
// A timespec for utimensat from a WASI timestamp and fstflags (ATIM or MTIM pair);
// false if both "set" and "now" are asked for.
bool moat__wasi_utime(uint64_t ns, uint32_t fst, uint32_t set, uint32_t now, struct timespec *out);

// The WASI filetype of an open host fd (fstat; UNKNOWN if it fails).
uint8_t moat__wasi_host_filetype(int host);
// Checks the syntax of "ADDR:PORT" for --tcplisten; error API if malformed.
moat_error *moat__wasi_addr_check(const char *addr);
// Creates a listening TCP socket on "ADDR:PORT" (*out, owned). Error IO on failure.
moat_error *moat__wasi_tcp_listen(const char *addr, int *out);

// The imports, one per witx function (grouped by file).
#define WASI_FUNCS(X)                          \
    X(args_get, "ii", "i")                     \
    X(args_sizes_get, "ii", "i")               \
    X(environ_get, "ii", "i")                  \
    X(environ_sizes_get, "ii", "i")            \
    X(clock_res_get, "ii", "i")                \
    X(clock_time_get, "iIi", "i")              \
    X(fd_advise, "iIIi", "i")                  \
    X(fd_allocate, "iII", "i")                 \
    X(fd_close, "i", "i")                      \
    X(fd_datasync, "i", "i")                   \
    X(fd_fdstat_get, "ii", "i")                \
    X(fd_fdstat_set_flags, "ii", "i")          \
    X(fd_fdstat_set_rights, "iII", "i")        \
    X(fd_filestat_get, "ii", "i")              \
    X(fd_filestat_set_size, "iI", "i")         \
    X(fd_filestat_set_times, "iIIi", "i")      \
    X(fd_pread, "iiiIi", "i")                  \
    X(fd_prestat_get, "ii", "i")               \
    X(fd_prestat_dir_name, "iii", "i")         \
    X(fd_pwrite, "iiiIi", "i")                 \
    X(fd_read, "iiii", "i")                    \
    X(fd_readdir, "iiiIi", "i")                \
    X(fd_renumber, "ii", "i")                  \
    X(fd_seek, "iIii", "i")                    \
    X(fd_sync, "i", "i")                       \
    X(fd_tell, "ii", "i")                      \
    X(fd_write, "iiii", "i")                   \
    X(path_create_directory, "iii", "i")       \
    X(path_filestat_get, "iiiii", "i")         \
    X(path_filestat_set_times, "iiiiIIi", "i") \
    X(path_link, "iiiiiii", "i")               \
    X(path_open, "iiiiiIIii", "i")             \
    X(path_readlink, "iiiiii", "i")            \
    X(path_remove_directory, "iii", "i")       \
    X(path_rename, "iiiiii", "i")              \
    X(path_symlink, "iiiii", "i")              \
    X(path_unlink_file, "iii", "i")            \
    X(poll_oneoff, "iiii", "i")                \
    X(proc_exit, "i", "")                      \
    X(proc_raise, "i", "i")                    \
    X(sched_yield, "", "i")                    \
    X(random_get, "ii", "i")                   \
    X(sock_accept, "iii", "i")                 \
    X(sock_recv, "iiiiii", "i")                \
    X(sock_send, "iiiii", "i")                 \
    X(sock_shutdown, "ii", "i")

#define X(name, params, results) uint32_t moat__wasi_##name(wasi_call *c);
WASI_FUNCS(X)
#undef X

#endif
