// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// clock_res_get and clock_time_get: the four preview1 clocks map onto the host's POSIX
// clocks of the same meaning; times are nanoseconds in a u64.
#define _GNU_SOURCE
#include "wasi/wasi.h"

#include <errno.h>
#include <time.h>

bool moat__wasi_clock(uint32_t id, clockid_t *out) {
    static const clockid_t clocks[] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID,
                                       CLOCK_THREAD_CPUTIME_ID};
    if (id >= sizeof clocks / sizeof clocks[0]) return false;
    *out = clocks[id];
    return true;
}

uint64_t moat__wasi_timespec_ns(const struct timespec *ts) {
    return (uint64_t)ts->tv_sec * 1000000000u + (uint64_t)ts->tv_nsec;
}

uint32_t moat__wasi_clock_res_get(wasi_call *c) {
    clockid_t id;
    struct timespec ts;
    if (!moat__wasi_clock(wasi_u32(c, 0), &id)) return WASI_EINVAL;
    if (clock_getres(id, &ts)) return moat__wasi_errno(errno);
    return moat__wasi_out64(c, wasi_u32(c, 1), moat__wasi_timespec_ns(&ts));
}

// The precision argument is a hint; the host clock is always read at full precision.
uint32_t moat__wasi_clock_time_get(wasi_call *c) {
    clockid_t id;
    struct timespec ts;
    if (!moat__wasi_clock(wasi_u32(c, 0), &id)) return WASI_EINVAL;
    if (clock_gettime(id, &ts)) return moat__wasi_errno(errno);
    return moat__wasi_out64(c, wasi_u32(c, 2), moat__wasi_timespec_ns(&ts));
}
