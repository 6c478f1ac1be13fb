// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// poll_oneoff: clock subscriptions become the ppoll timeout (the nearest deadline), fd
// subscriptions become pollfds. Events are written for every subscription that is ready
// when ppoll returns: fds it reported and clocks whose deadline has passed.
#define _GNU_SOURCE
#include "wasi/wasi.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

enum { SUB_SIZE = 48, EVENT_SIZE = 32 };
enum { EVENT_CLOCK = 0, EVENT_FD_READ = 1, EVENT_FD_WRITE = 2 };
#define SUBCLOCK_ABSTIME 1

typedef struct sub {
    uint64_t userdata;
    uint8_t type;
    uint16_t error;
    uint64_t deadline; // clocks: absolute, in the subscription's clock
    clockid_t clock;
    int pollfd; // index in the pollfd array, -1 if none
} sub;

static uint64_t now_ns(clockid_t clock) {
    struct timespec ts;
    clock_gettime(clock, &ts);
    return moat__wasi_timespec_ns(&ts);
}

// Reads subscription `i` from guest bytes `p`, adding a pollfd for fd subscriptions.
static void read_sub(wasi_call *c, const uint8_t *p, sub *s, struct pollfd *pfds, nfds_t *npfds) {
    s->userdata = wasi_get64(p);
    s->type = p[8];
    s->error = WASI_ESUCCESS;
    s->pollfd = -1;
    s->deadline = 0;
    if (s->type == EVENT_CLOCK) {
        uint32_t id = wasi_get32(p + 16);
        uint64_t timeout = wasi_get64(p + 24);
        uint16_t flags = (uint16_t)(p[40] | p[41] << 8);
        if (!moat__wasi_clock(id, &s->clock)) {
            s->error = WASI_EINVAL;
            return;
        }
        uint64_t now = now_ns(s->clock);
        s->deadline = flags & SUBCLOCK_ABSTIME     ? timeout
                      : timeout > UINT64_MAX - now ? UINT64_MAX
                                                   : now + timeout;
        return;
    }
    if (s->type != EVENT_FD_READ && s->type != EVENT_FD_WRITE) {
        s->error = WASI_EINVAL;
        return;
    }
    wasi_fd *f;
    s->error = (uint16_t)moat__wasi_fd_get(c->wasi, wasi_get32(p + 16), R_POLL_FD_READWRITE, &f);
    if (s->error) return;
    s->pollfd = (int)*npfds;
    pfds[(*npfds)++] = (struct pollfd){f->host, s->type == EVENT_FD_READ ? POLLIN : POLLOUT, 0};
}

// Bytes available to read on a ready fd (file: up to the end; other: FIONREAD).
static uint64_t readable_bytes(int fd) {
    struct stat st;
    if (!fstat(fd, &st) && S_ISREG(st.st_mode)) {
        off_t pos = lseek(fd, 0, SEEK_CUR);
        return pos >= 0 && st.st_size > pos ? (uint64_t)(st.st_size - pos) : 0;
    }
    int n = 0;
    return ioctl(fd, FIONREAD, &n) == 0 && n > 0 ? (uint64_t)n : 0;
}

static void put_event(uint8_t *e, const sub *s, uint64_t nbytes, uint16_t flags) {
    memset(e, 0, EVENT_SIZE);
    wasi_put64(e, s->userdata);
    wasi_put16(e + 8, s->error);
    e[10] = s->type;
    wasi_put64(e + 16, nbytes);
    wasi_put16(e + 24, flags);
}

// Waits until a subscription is ready; returns the ppoll errno or 0.
static int wait_ready(sub *subs, uint32_t n, struct pollfd *pfds, nfds_t npfds) {
    for (uint32_t i = 0; i < n; i++)
        if (subs[i].error) return 0; // report errors at once
    int64_t timeout = -1;            // ns; -1 = none
    for (uint32_t i = 0; i < n; i++) {
        if (subs[i].type != EVENT_CLOCK) continue;
        uint64_t now = now_ns(subs[i].clock);
        int64_t left = subs[i].deadline <= now              ? 0
                       : subs[i].deadline - now > INT64_MAX ? INT64_MAX
                                                            : (int64_t)(subs[i].deadline - now);
        if (timeout < 0 || left < timeout) timeout = left;
    }
    struct timespec ts = {timeout / 1000000000, timeout % 1000000000};
    for (;;) {
        int r = ppoll(pfds, npfds, timeout < 0 ? NULL : &ts, NULL);
        if (r >= 0) return 0;
        if (errno != EINTR) return errno;
    }
}

uint32_t moat__wasi_poll_oneoff(wasi_call *c) {
    uint32_t n = wasi_u32(c, 2), nevents_ptr = wasi_u32(c, 3);
    const uint8_t *in = wasi_ptr(c, wasi_u32(c, 0), (uint64_t)n * SUB_SIZE);
    uint8_t *out = wasi_ptr(c, wasi_u32(c, 1), (uint64_t)n * EVENT_SIZE);
    if (!in || !out || !wasi_ptr(c, nevents_ptr, 4)) return WASI_EFAULT;
    if (n == 0) return WASI_EINVAL;
    sub *subs = malloc(n * sizeof *subs);
    struct pollfd *pfds = malloc(n * sizeof *pfds);
    if (!subs || !pfds) {
        free(subs);
        free(pfds);
        return WASI_ENOMEM;
    }
    nfds_t npfds = 0;
    for (uint32_t i = 0; i < n; i++)
        read_sub(c, in + (size_t)i * SUB_SIZE, &subs[i], pfds, &npfds);
    int err = wait_ready(subs, n, pfds, npfds);
    uint32_t nevents = 0;
    for (uint32_t i = 0; !err && i < n; i++) {
        const sub *s = &subs[i];
        uint8_t *ev = out + (size_t)nevents * EVENT_SIZE;
        if (s->error) {
            put_event(ev, s, 0, 0);
        } else if (s->type == EVENT_CLOCK) {
            if (now_ns(s->clock) < s->deadline) continue;
            put_event(ev, s, 0, 0);
        } else {
            const struct pollfd *p = &pfds[s->pollfd];
            if (!p->revents) continue;
            uint16_t flags = p->revents & POLLHUP ? 1 : 0; // fd_readwrite_hangup
            uint64_t nbytes = s->type == EVENT_FD_READ ? readable_bytes(p->fd) : 0;
            sub copy = *s;
            if (p->revents & POLLNVAL) copy.error = WASI_EBADF;
            put_event(ev, &copy, nbytes, flags);
        }
        nevents++;
    }
    free(subs);
    free(pfds);
    return err ? moat__wasi_errno(err) : moat__wasi_out32(c, nevents_ptr, nevents);
}
