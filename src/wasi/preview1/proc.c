// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// proc_exit, proc_raise, sched_yield. proc_exit never ends the host process: it returns
// an exit trap carrying the status, which unwinds the guest back to whoever called it
// (moat run turns it into the process exit status).
#define _GNU_SOURCE
#include "wasi/wasi.h"

#include <sched.h>

uint32_t moat__wasi_proc_exit(wasi_call *c) {
    c->trap = moat_trap_new_exit((int32_t)wasi_u32(c, 0));
    return WASI_ESUCCESS;
}

// Signals are not delivered to guests (that would mean raising them in the host): signal
// 0 ("none") succeeds as a no-op, a valid preview1 signal (1..30) is ENOSYS and anything
// else EINVAL.
uint32_t moat__wasi_proc_raise(wasi_call *c) {
    enum { WASI_SIGNAL_MAX = 30 };
    uint32_t sig = wasi_u32(c, 0);
    if (sig == 0) return WASI_ESUCCESS;
    return sig <= WASI_SIGNAL_MAX ? WASI_ENOSYS : WASI_EINVAL;
}

uint32_t moat__wasi_sched_yield(wasi_call *c) {
    sched_yield();
    return WASI_ESUCCESS;
}
