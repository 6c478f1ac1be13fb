// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// path_* imports. Each one checks the directory fd's rights first, then resolves the
// guest path through the sandbox (wasi/sandbox.c), which hands back an fd of the
// directory that holds the last component and its name; the host call then acts on that
// name with the *at() form, so the only path the host ever resolves is one component.
#define _GNU_SOURCE
#include "wasi/sandbox.h"
#include "wasi/wasi.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct resolved {
    int dir;
    char *name;
    bool is_dir, is_self; // ends in '/'; names the directory itself ("." or "x/..")
} resolved;

// Checks `rights` on the fd in argument `fd_arg`, reads the path at arguments
// `path_arg`, `path_arg + 1` and resolves it beneath the fd.
static uint32_t resolve(wasi_call *c, int fd_arg, uint64_t rights, int path_arg, bool follow,
                        resolved *r) {
    wasi_fd *f;
    uint32_t e = moat__wasi_fd_get(c->wasi, wasi_u32(c, fd_arg), rights, &f);
    if (e) return e;
    char *path;
    e = moat__wasi_path(c, wasi_u32(c, path_arg), wasi_u32(c, path_arg + 1), &path);
    if (e) return e;
    if (f->filetype != WASI_FILETYPE_DIRECTORY) {
        free(path);
        return WASI_ENOTDIR;
    }
    e = moat__sandbox_parent(f->host, path, follow, &r->dir, &r->name, &r->is_dir);
    free(path);
    if (!e) r->is_self = !strcmp(r->name, ".");
    return e;
}

static void release(resolved *r) {
    close(r->dir);
    free(r->name);
}

static uint32_t result(int rc) {
    return rc ? moat__wasi_errno(errno) : WASI_ESUCCESS;
}

uint32_t moat__wasi_path_create_directory(wasi_call *c) {
    resolved r;
    uint32_t e = resolve(c, 0, R_PATH_CREATE_DIRECTORY, 1, false, &r);
    if (e) return e;
    e = r.is_self ? WASI_EEXIST : result(mkdirat(r.dir, r.name, 0777));
    release(&r);
    return e;
}

uint32_t moat__wasi_path_remove_directory(wasi_call *c) {
    resolved r;
    uint32_t e = resolve(c, 0, R_PATH_REMOVE_DIRECTORY, 1, false, &r);
    if (e) return e;
    e = r.is_self ? WASI_EINVAL : result(unlinkat(r.dir, r.name, AT_REMOVEDIR));
    release(&r);
    return e;
}

uint32_t moat__wasi_path_unlink_file(wasi_call *c) {
    resolved r;
    uint32_t e = resolve(c, 0, R_PATH_UNLINK_FILE, 1, false, &r);
    if (e) return e;
    if (r.is_self)
        e = WASI_EISDIR;
    else if (r.is_dir) // "file/": POSIX says ENOTDIR, a directory is still EISDIR
        e = unlinkat(r.dir, r.name, AT_REMOVEDIR) == 0 || errno != ENOTDIR ? WASI_EISDIR
                                                                           : WASI_ENOTDIR;
    else
        e = result(unlinkat(r.dir, r.name, 0));
    release(&r);
    return e;
}

uint32_t moat__wasi_path_filestat_get(wasi_call *c) {
    resolved r;
    bool follow = wasi_u32(c, 1) & WASI_LOOKUP_FOLLOW;
    uint32_t e = resolve(c, 0, R_PATH_FILESTAT_GET, 2, follow, &r);
    if (e) return e;
    struct stat st;
    e = result(fstatat(r.dir, r.name, &st, AT_SYMLINK_NOFOLLOW));
    release(&r);
    return e ? e : moat__wasi_put_filestat(c, wasi_u32(c, 4), &st);
}

uint32_t moat__wasi_path_filestat_set_times(wasi_call *c) {
    uint32_t fst = wasi_u32(c, 6);
    struct timespec ts[2];
    if (!moat__wasi_utime(wasi_u64(c, 4), fst, WASI_FST_ATIM, WASI_FST_ATIM_NOW, &ts[0])
        || !moat__wasi_utime(wasi_u64(c, 5), fst, WASI_FST_MTIM, WASI_FST_MTIM_NOW, &ts[1]))
        return WASI_EINVAL;
    resolved r;
    bool follow = wasi_u32(c, 1) & WASI_LOOKUP_FOLLOW;
    uint32_t e = resolve(c, 0, R_PATH_FILESTAT_SET_TIMES, 2, follow, &r);
    if (e) return e;
    e = result(utimensat(r.dir, r.name, ts, AT_SYMLINK_NOFOLLOW));
    release(&r);
    return e;
}

uint32_t moat__wasi_path_link(wasi_call *c) {
    resolved from, to;
    bool follow = wasi_u32(c, 1) & WASI_LOOKUP_FOLLOW;
    uint32_t e = resolve(c, 0, R_PATH_LINK_SOURCE, 2, follow, &from);
    if (e) return e;
    e = resolve(c, 4, R_PATH_LINK_TARGET, 5, false, &to);
    if (e) {
        release(&from);
        return e;
    }
    if (from.is_self)
        e = WASI_EPERM; // hard links to directories
    else if (to.is_self)
        e = WASI_EEXIST;
    else
        e = result(linkat(from.dir, from.name, to.dir, to.name, 0));
    release(&from);
    release(&to);
    return e;
}

uint32_t moat__wasi_path_rename(wasi_call *c) {
    resolved from, to;
    uint32_t e = resolve(c, 0, R_PATH_RENAME_SOURCE, 1, false, &from);
    if (e) return e;
    e = resolve(c, 3, R_PATH_RENAME_TARGET, 4, false, &to);
    if (e) {
        release(&from);
        return e;
    }
    e = from.is_self || to.is_self ? WASI_EBUSY
                                   : result(renameat(from.dir, from.name, to.dir, to.name));
    release(&from);
    release(&to);
    return e;
}

// A symlink's target is only text until something follows it, and the sandbox never
// follows one out; absolute targets are refused anyway so the guest cannot leave links
// that would mislead host programs.
uint32_t moat__wasi_path_symlink(wasi_call *c) {
    char *target;
    uint32_t e = moat__wasi_path(c, wasi_u32(c, 0), wasi_u32(c, 1), &target);
    if (e) return e;
    resolved r;
    e = target[0] == '/' ? WASI_ENOTCAPABLE : resolve(c, 2, R_PATH_SYMLINK, 3, false, &r);
    if (!e) {
        e = r.is_self ? WASI_EEXIST : result(symlinkat(target, r.dir, r.name));
        release(&r);
    }
    free(target);
    return e;
}

// Reads the link straight into the guest's buffer; a longer target is cut to buf_len.
uint32_t moat__wasi_path_readlink(wasi_call *c) {
    uint32_t buf_len = wasi_u32(c, 4), used_ptr = wasi_u32(c, 5);
    char *buf = wasi_ptr(c, wasi_u32(c, 3), buf_len);
    if (!buf || !wasi_ptr(c, used_ptr, 4)) return WASI_EFAULT;
    resolved r;
    uint32_t e = resolve(c, 0, R_PATH_READLINK, 1, false, &r);
    if (e) return e;
    ssize_t n = r.is_self ? (errno = EINVAL, -1) : readlinkat(r.dir, r.name, buf, buf_len);
    e = n < 0 ? moat__wasi_errno(errno) : moat__wasi_out32(c, used_ptr, (uint32_t)n);
    release(&r);
    return e;
}

// The host open flags for a path_open request.
static int open_flags(uint32_t oflags, uint64_t base, uint32_t fdflags) {
    bool write = (base & (R_FD_WRITE | R_FD_ALLOCATE | R_FD_FILESTAT_SET_SIZE))
                 || (fdflags & WASI_FDFLAG_APPEND);
    bool read = base & (R_FD_READ | R_FD_READDIR);
    int flags = O_NOCTTY;
    if (oflags & WASI_OFLAG_DIRECTORY)
        flags |= O_DIRECTORY | O_RDONLY;
    else
        flags |= write ? (read ? O_RDWR : O_WRONLY) : O_RDONLY;
    if (oflags & WASI_OFLAG_CREAT) flags |= O_CREAT;
    if (oflags & WASI_OFLAG_EXCL) flags |= O_EXCL;
    if (oflags & WASI_OFLAG_TRUNC) flags |= O_TRUNC;
    if (fdflags & WASI_FDFLAG_APPEND) flags |= O_APPEND;
    if (fdflags & WASI_FDFLAG_NONBLOCK) flags |= O_NONBLOCK;
    if (fdflags & WASI_FDFLAG_DSYNC) flags |= O_DSYNC;
    if (fdflags & (WASI_FDFLAG_SYNC | WASI_FDFLAG_RSYNC)) flags |= O_SYNC;
    return flags;
}

// Rights: creating needs path_create_file and truncating path_filestat_set_size on the
// directory, and a request for a write right the directory cannot hand down (a read-only
// preopen) is refused outright rather than silently trimmed. Other requested rights are
// intersected with what the directory can hand down.
uint32_t moat__wasi_path_open(wasi_call *c) {
    uint32_t oflags = wasi_u32(c, 4), fdflags = wasi_u32(c, 7), fd_ptr = wasi_u32(c, 8);
    uint64_t base = wasi_u64(c, 5), inheriting = wasi_u64(c, 6);
    uint64_t need = R_PATH_OPEN | (oflags & WASI_OFLAG_CREAT ? R_PATH_CREATE_FILE : 0)
                    | (oflags & WASI_OFLAG_TRUNC ? R_PATH_FILESTAT_SET_SIZE : 0);
    wasi_fd *dir;
    uint32_t e = moat__wasi_fd_get(c->wasi, wasi_u32(c, 0), need, &dir);
    if (e) return e;
    if (oflags & ~(uint32_t)0xf) return WASI_EINVAL;
    if (!wasi_ptr(c, fd_ptr, 4)) return WASI_EFAULT;
    bool wants_write = (base & R_FD_WRITE) || (fdflags & WASI_FDFLAG_APPEND);
    if (wants_write && !(dir->inheriting & R_FD_WRITE)) return WASI_ENOTCAPABLE;
    base &= dir->inheriting;
    if (dir->filetype != WASI_FILETYPE_DIRECTORY) return WASI_ENOTDIR;
    char *path;
    e = moat__wasi_path(c, wasi_u32(c, 2), wasi_u32(c, 3), &path);
    if (e) return e;
    int host;
    bool follow = wasi_u32(c, 1) & WASI_LOOKUP_FOLLOW;
    // O_CREAT|O_EXCL never follows a final symlink (POSIX), so neither does the walk.
    if ((oflags & (WASI_OFLAG_CREAT | WASI_OFLAG_EXCL)) == (WASI_OFLAG_CREAT | WASI_OFLAG_EXCL))
        follow = false;
    e = moat__sandbox_open(dir->host, path, open_flags(oflags, base, fdflags), 0666, follow, &host);
    free(path);
    if (e) return e;
    uint8_t type = moat__wasi_host_filetype(host);
    uint64_t mask = dir->inheriting & (type == WASI_FILETYPE_DIRECTORY ? R_ALL : ~R_DIR_ONLY);
    uint32_t fd;
    e = moat__wasi_fd_add(c->wasi, host, type, base & mask, inheriting & dir->inheriting, &fd);
    return e ? e : moat__wasi_out32(c, fd_ptr, fd);
}
