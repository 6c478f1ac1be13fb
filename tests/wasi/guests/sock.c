// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// A server on a granted listening socket (--tcplisten / -S tcplisten=): accepts one
// connection, reads the request, answers "pong: REQUEST", shuts down and closes.
#include "check.h"

int main(void) {
    __wasi_fd_t lfd = (__wasi_fd_t)-1;
    for (__wasi_fd_t fd = 3; fd < 16; fd++) {
        __wasi_fdstat_t fs;
        if (__wasi_fd_fdstat_get(fd, &fs) == 0 && fs.fs_filetype == __WASI_FILETYPE_SOCKET_STREAM) {
            lfd = fd;
            break;
        }
    }
    CHECK(lfd != (__wasi_fd_t)-1);
    __wasi_prestat_t ps;
    CHECK_ERRNO(__wasi_fd_prestat_get(lfd, &ps), __WASI_ERRNO_BADF); // not a directory
    __wasi_fd_t conn;
    CHECK_ERRNO(__wasi_sock_accept(lfd, 0xff, &conn), __WASI_ERRNO_INVAL);
    CHECK_ERRNO(__wasi_sock_accept(1, 0, &conn), __WASI_ERRNO_NOTCAPABLE);
    CHECK_ERRNO(__wasi_sock_accept(lfd, 0, &conn), 0);
    char req[64] = {0};
    __wasi_iovec_t iov = {(uint8_t *)req, sizeof req - 1};
    __wasi_size_t n = 0;
    __wasi_roflags_t ro = 0xffff;
    CHECK_ERRNO(__wasi_sock_recv(conn, &iov, 1, __WASI_RIFLAGS_RECV_WAITALL * 0, &n, &ro), 0);
    CHECK(n > 0);
    CHECK_EQ(ro, 0);
    char reply[96];
    int len = snprintf(reply, sizeof reply, "pong: %s\n", req);
    __wasi_ciovec_t ciov[2] = {{(const uint8_t *)reply, 6},
                               {(const uint8_t *)reply + 6, (size_t)len - 6}};
    CHECK_ERRNO(__wasi_sock_send(conn, ciov, 2, 0, &n), 0);
    CHECK_EQ(n, len);
    CHECK_ERRNO(__wasi_sock_send(conn, ciov, 1, 1, &n), __WASI_ERRNO_INVAL);
    CHECK_ERRNO(__wasi_sock_shutdown(conn, 9), __WASI_ERRNO_INVAL);
    CHECK_ERRNO(__wasi_sock_shutdown(conn, __WASI_SDFLAGS_WR), 0);
    CHECK_ERRNO(__wasi_sock_shutdown(1, __WASI_SDFLAGS_WR), __WASI_ERRNO_NOTCAPABLE);
    CHECK_ERRNO(__wasi_sock_recv(1, &iov, 1, 0, &n, &ro), __WASI_ERRNO_NOTSOCK);
    CHECK_ERRNO(__wasi_fd_close(conn), 0);
    return done("sock");
}
