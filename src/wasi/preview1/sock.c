// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Sockets: the listening sockets an embedder grants (moat_wasi_config_tcp_listen, moat
// run --tcplisten) and the four preview1 socket imports. A guest cannot create sockets
// or connect anywhere; it can only accept on what it was given.
#define _GNU_SOURCE
#include "util/error.h"
#include "wasi/wasi.h"

#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

// Splits "HOST:PORT" or "[V6]:PORT" into host and port (malloc'd copies); false if
// malformed.
static bool split_addr(const char *addr, char **host, char **port) {
    const char *colon = strrchr(addr, ':');
    if (!colon || !colon[1] || colon == addr) return false;
    const char *h = addr;
    size_t hlen = (size_t)(colon - addr);
    if (h[0] == '[') {
        if (hlen < 3 || h[hlen - 1] != ']') return false;
        h++;
        hlen -= 2;
    }
    for (const char *p = colon + 1; *p; p++)
        if (*p < '0' || *p > '9') return false;
    *host = strndup(h, hlen);
    *port = strdup(colon + 1);
    return *host && *port;
}

moat_error *moat__wasi_addr_check(const char *addr) {
    char *host = NULL, *port = NULL;
    bool ok = split_addr(addr, &host, &port);
    free(host);
    free(port);
    return ok ? NULL
              : moat__error_new(MOAT_ERROR_API, MOAT_NO_OFFSET,
                                "'%s' is not an address of the form HOST:PORT", addr);
}

moat_error *moat__wasi_tcp_listen(const char *addr, int *out) {
    char *host = NULL, *port = NULL;
    if (!split_addr(addr, &host, &port)) {
        free(host);
        free(port);
        return moat__wasi_addr_check(addr);
    }
    struct addrinfo hints = {.ai_family = AF_UNSPEC,
                             .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
    struct addrinfo *list = NULL;
    int rc = getaddrinfo(host, port, &hints, &list);
    free(host);
    free(port);
    if (rc)
        return moat__error_new(MOAT_ERROR_IO, MOAT_NO_OFFSET, "cannot resolve '%s': %s", addr,
                               gai_strerror(rc));
    int err = 0;
    for (struct addrinfo *a = list; a; a = a->ai_next) {
        int fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) {
            err = errno;
            continue;
        }
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(fd, a->ai_addr, a->ai_addrlen) == 0 && listen(fd, SOMAXCONN) == 0) {
            freeaddrinfo(list);
            *out = fd;
            return NULL;
        }
        err = errno;
        close(fd);
    }
    freeaddrinfo(list);
    return moat__error_new(MOAT_ERROR_IO, MOAT_NO_OFFSET, "cannot listen on '%s': %s", addr,
                           strerror(err));
}

uint32_t moat__wasi_sock_accept(wasi_call *c) {
    wasi_fd *f;
    uint32_t e = moat__wasi_fd_get(c->wasi, wasi_u32(c, 0), R_SOCK_ACCEPT, &f);
    if (e) return e;
    uint32_t flags = wasi_u32(c, 1), fd_ptr = wasi_u32(c, 2);
    if (flags & ~(uint32_t)WASI_FDFLAG_NONBLOCK) return WASI_EINVAL;
    if (!wasi_ptr(c, fd_ptr, 4)) return WASI_EFAULT;
    int host;
    do
        host = accept4(f->host, NULL, NULL,
                       SOCK_CLOEXEC | (flags & WASI_FDFLAG_NONBLOCK ? SOCK_NONBLOCK : 0));
    while (host < 0 && errno == EINTR);
    if (host < 0) return moat__wasi_errno(errno);
    uint64_t rights = R_FD_READ | R_FD_WRITE | R_POLL_FD_READWRITE | R_FD_FDSTAT_SET_FLAGS
                      | R_FD_FILESTAT_GET | R_SOCK_SHUTDOWN;
    uint32_t fd;
    e = moat__wasi_fd_add(c->wasi, host, WASI_FILETYPE_SOCKET_STREAM, rights & f->inheriting, 0,
                          &fd);
    return e ? e : moat__wasi_out32(c, fd_ptr, fd);
}

// recv/send go through recvmsg/sendmsg with the guest's iovecs, like fd_read/fd_write.
static uint32_t sock_io(wasi_call *c, bool is_send) {
    wasi_fd *f;
    uint32_t e = moat__wasi_fd_get(c->wasi, wasi_u32(c, 0), is_send ? R_FD_WRITE : R_FD_READ, &f);
    if (e) return e;
    uint32_t in_flags = wasi_u32(c, 3), len_ptr = wasi_u32(c, 4);
    uint32_t roflags_ptr = is_send ? 0 : wasi_u32(c, 5);
    if (!wasi_ptr(c, len_ptr, 4) || (!is_send && !wasi_ptr(c, roflags_ptr, 2))) return WASI_EFAULT;
    if (is_send ? in_flags != 0 : (in_flags & ~3u) != 0) return WASI_EINVAL;
    struct iovec inline_iov[WASI_IOV_INLINE], *iov;
    uint32_t n = wasi_u32(c, 2);
    e = moat__wasi_iovecs(c, wasi_u32(c, 1), n, inline_iov, &iov);
    if (e) return e;
    struct msghdr msg = {.msg_iov = iov, .msg_iovlen = n};
    int flags =
        is_send ? MSG_NOSIGNAL : (in_flags & 1 ? MSG_PEEK : 0) | (in_flags & 2 ? MSG_WAITALL : 0);
    ssize_t done;
    do
        done = is_send ? sendmsg(f->host, &msg, flags) : recvmsg(f->host, &msg, flags);
    while (done < 0 && errno == EINTR);
    if (!is_send && done >= 0) wasi_put16(c->mem + roflags_ptr, msg.msg_flags & MSG_TRUNC ? 1 : 0);
    return moat__wasi_io_done(c, done, iov, inline_iov, len_ptr);
}

uint32_t moat__wasi_sock_recv(wasi_call *c) {
    return sock_io(c, false);
}

uint32_t moat__wasi_sock_send(wasi_call *c) {
    return sock_io(c, true);
}

uint32_t moat__wasi_sock_shutdown(wasi_call *c) {
    wasi_fd *f;
    uint32_t e = moat__wasi_fd_get(c->wasi, wasi_u32(c, 0), R_SOCK_SHUTDOWN, &f);
    if (e) return e;
    static const int how[] = {-1, SHUT_RD, SHUT_WR, SHUT_RDWR};
    uint32_t h = wasi_u32(c, 1);
    if (h == 0 || h > 3) return WASI_EINVAL;
    return shutdown(f->host, how[h]) ? moat__wasi_errno(errno) : WASI_ESUCCESS;
}
