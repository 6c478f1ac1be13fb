// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// args, environ, clocks, random, poll_oneoff (clock and fd subscriptions), sched_yield,
// proc_raise, stdio fdstat and gathered writes, and EFAULT for guest pointers outside
// memory. Run as: moat run --env FOO=bar --env EMPTY= basics.wasm one "two words"
#include "check.h"

#include <stdint.h>
#include <time.h>

// Debian's wasi-libc header lacks proc_raise.
__attribute__((import_module("wasi_snapshot_preview1"), import_name("proc_raise"))) uint16_t
raw_proc_raise(uint32_t sig);

#define BAD_PTR ((void *)0xfffffff0u) // past any memory this guest has

static void args_env(int argc, char **argv) {
    CHECK_EQ(argc, 3);
    CHECK(!strcmp(argv[0], "basics.wasm") || strstr(argv[0], "basics.wasm"));
    CHECK(!strcmp(argv[1], "one"));
    CHECK(!strcmp(argv[2], "two words"));
    __wasi_size_t n, size;
    CHECK_ERRNO(__wasi_args_sizes_get(&n, &size), 0);
    CHECK_EQ(n, 3);
    CHECK_EQ(size, strlen(argv[0]) + 1 + 4 + 10);
    CHECK(getenv("FOO") && !strcmp(getenv("FOO"), "bar"));
    CHECK(getenv("EMPTY") && !strcmp(getenv("EMPTY"), ""));
    CHECK(!getenv("HOME")); // nothing inherited
    CHECK(!getenv("PATH"));
    CHECK_ERRNO(__wasi_environ_sizes_get(&n, &size), 0);
    CHECK_EQ(n, 2);
    CHECK_EQ(size, 8 + 7);
    char *ptrs[2], buf[15];
    CHECK_ERRNO(__wasi_environ_get((uint8_t **)ptrs, (uint8_t *)buf), 0);
    CHECK(!strcmp(ptrs[0], "FOO=bar") && !strcmp(ptrs[1], "EMPTY="));
    // Bad pointers: EFAULT, never a write into host memory.
    CHECK_ERRNO(__wasi_args_sizes_get(BAD_PTR, &size), __WASI_ERRNO_FAULT);
    CHECK_ERRNO(__wasi_args_get(BAD_PTR, (uint8_t *)buf), __WASI_ERRNO_FAULT);
    CHECK_ERRNO(__wasi_environ_get((uint8_t **)ptrs, BAD_PTR), __WASI_ERRNO_FAULT);
}

static void clocks(void) {
    __wasi_timestamp_t res, t1, t2;
    for (__wasi_clockid_t id = 0; id < 4; id++) {
        CHECK_ERRNO(__wasi_clock_res_get(id, &res), 0);
        CHECK(res > 0 && res <= 1000000000);
        CHECK_ERRNO(__wasi_clock_time_get(id, 1, &t1), 0);
    }
    CHECK_ERRNO(__wasi_clock_res_get(4, &res), __WASI_ERRNO_INVAL);
    CHECK_ERRNO(__wasi_clock_time_get(99, 1, &t1), __WASI_ERRNO_INVAL);
    CHECK_ERRNO(__wasi_clock_time_get(0, 1, BAD_PTR), __WASI_ERRNO_FAULT);
    CHECK_ERRNO(__wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &t1), 0);
    CHECK(t1 > 1600000000ull * 1000000000ull); // after 2020
    CHECK_ERRNO(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t1), 0);
    CHECK_ERRNO(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t2), 0);
    CHECK(t2 >= t1);
}

static void randomness(void) {
    uint8_t a[64] = {0}, b[64] = {0};
    CHECK_ERRNO(__wasi_random_get(a, sizeof a), 0);
    CHECK_ERRNO(__wasi_random_get(b, sizeof b), 0);
    CHECK(memcmp(a, b, sizeof a) != 0);
    CHECK_ERRNO(__wasi_random_get(BAD_PTR, 64), __WASI_ERRNO_FAULT);
    CHECK_ERRNO(__wasi_random_get(a, 0), 0);
}

static void poll(void) {
    __wasi_subscription_t sub = {.userdata = 42, .u.tag = __WASI_EVENTTYPE_CLOCK};
    sub.u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
    sub.u.u.clock.timeout = 20 * 1000000; // 20 ms
    __wasi_event_t ev;
    __wasi_size_t n = 0;
    __wasi_timestamp_t t1, t2;
    CHECK_ERRNO(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t1), 0);
    CHECK_ERRNO(__wasi_poll_oneoff(&sub, &ev, 1, &n), 0);
    CHECK_ERRNO(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t2), 0);
    CHECK_EQ(n, 1);
    CHECK_EQ(ev.userdata, 42);
    CHECK_EQ(ev.error, 0);
    CHECK_EQ(ev.type, __WASI_EVENTTYPE_CLOCK);
    CHECK(t2 - t1 >= 20 * 1000000);
    // An absolute deadline in the past fires at once.
    sub.u.u.clock.flags = __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME;
    sub.u.u.clock.timeout = t1;
    CHECK_ERRNO(__wasi_poll_oneoff(&sub, &ev, 1, &n), 0);
    CHECK_EQ(n, 1);
    // stdout is writable now; a long clock does not hold it up.
    __wasi_subscription_t subs[2] = {sub, {.userdata = 7, .u.tag = __WASI_EVENTTYPE_FD_WRITE}};
    subs[0].u.u.clock.flags = 0;
    subs[0].u.u.clock.timeout = 10ull * 1000000000; // 10 s
    subs[1].u.u.fd_write.file_descriptor = 1;
    __wasi_event_t evs[2];
    CHECK_ERRNO(__wasi_poll_oneoff(subs, evs, 2, &n), 0);
    CHECK_EQ(n, 1);
    CHECK_EQ(evs[0].userdata, 7);
    CHECK_EQ(evs[0].type, __WASI_EVENTTYPE_FD_WRITE);
    // A bad fd is reported in its event; no subscriptions is EINVAL.
    subs[1].u.u.fd_write.file_descriptor = 99;
    CHECK_ERRNO(__wasi_poll_oneoff(subs, evs, 2, &n), 0);
    CHECK_EQ(n, 1);
    CHECK_EQ(evs[0].error, __WASI_ERRNO_BADF);
    CHECK_ERRNO(__wasi_poll_oneoff(subs, evs, 0, &n), __WASI_ERRNO_INVAL);
    CHECK_ERRNO(__wasi_poll_oneoff(BAD_PTR, evs, 1, &n), __WASI_ERRNO_FAULT);
}

static void proc_and_sched(void) {
    CHECK_ERRNO(__wasi_sched_yield(), 0);
    CHECK_ERRNO(raw_proc_raise(0), 0);
    CHECK_ERRNO(raw_proc_raise(15 /* SIGTERM */), __WASI_ERRNO_NOSYS);
    CHECK_ERRNO(raw_proc_raise(99), __WASI_ERRNO_INVAL);
}

static void stdio(void) {
    __wasi_fdstat_t st;
    CHECK_ERRNO(__wasi_fd_fdstat_get(1, &st), 0);
    CHECK(st.fs_rights_base & __WASI_RIGHTS_FD_WRITE);
    CHECK(!(st.fs_rights_base & __WASI_RIGHTS_PATH_OPEN));
    CHECK_ERRNO(__wasi_fd_fdstat_get(1, BAD_PTR), __WASI_ERRNO_FAULT);
    CHECK_ERRNO(__wasi_fd_fdstat_get(77, &st), __WASI_ERRNO_BADF);
    // A gathered write: three iovecs, one of them empty.
    const char *a = "gathered ", *b = "write\n";
    __wasi_ciovec_t iov[3] = {
        {(const uint8_t *)a, 9}, {(const uint8_t *)b, 0}, {(const uint8_t *)b, 6}};
    __wasi_size_t n = 0;
    fflush(stdout);
    CHECK_ERRNO(__wasi_fd_write(1, iov, 3, &n), 0);
    CHECK_EQ(n, 15);
    __wasi_ciovec_t bad[1] = {{BAD_PTR, 100}};
    CHECK_ERRNO(__wasi_fd_write(1, bad, 1, &n), __WASI_ERRNO_FAULT);
    CHECK_ERRNO(__wasi_fd_write(1, BAD_PTR, 1, &n), __WASI_ERRNO_FAULT);
    CHECK_ERRNO(__wasi_fd_write(1, iov, 1, BAD_PTR), __WASI_ERRNO_FAULT);
    // No preopens were granted: fd 3 does not exist.
    __wasi_prestat_t ps;
    CHECK_ERRNO(__wasi_fd_prestat_get(3, &ps), __WASI_ERRNO_BADF);
}

int main(int argc, char **argv) {
    args_env(argc, argv);
    clocks();
    randomness();
    poll();
    proc_and_sched();
    stdio();
    return done("basics");
}
