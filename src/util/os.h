// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// The platform door: virtual memory and fault handling. core/, exec/ and rt/ call these
// instead of mmap/mprotect/sigaction directly.
#ifndef MOAT_UTIL_OS_H
#define MOAT_UTIL_OS_H

#include "util/types.h"

// Reserves `size` bytes of inaccessible address space. NULL on failure.
void *moat__os_reserve(size_t size);
// Makes [addr, addr+size) readable and writable (zero-filled on first touch).
bool moat__os_commit(void *addr, size_t size);
// Makes [addr, addr+size) inaccessible again and drops its contents (and any file
// mapped there), so the reservation can be reused as if fresh. False on failure.
bool moat__os_decommit(void *addr, size_t size);
// Drops the pages of [addr, addr+size), which stays accessible: anonymous pages read as
// zeros again, pages of a private file mapping as the file's. False on failure.
bool moat__os_discard(void *addr, size_t size);
// Releases a reservation made by moat__os_reserve.
void moat__os_release(void *addr, size_t size);

// Memory images: an anonymous in-memory file (memfd) mapped copy-on-write into
// reservations. moat__os_image_create returns a descriptor for `size` zero bytes, or -1
// where unsupported or on failure; write it with moat__os_image_write, then seal it with
// moat__os_image_seal before mapping. moat__os_image_map maps its first `size` bytes
// private and writable at `addr` (inside a reservation), replacing what was there.
int moat__os_image_create(size_t size);
bool moat__os_image_write(int fd, u64 offset, const void *data, size_t len);
void moat__os_image_seal(int fd);
bool moat__os_image_map(int fd, void *addr, size_t size);
void moat__os_image_close(int fd);
size_t moat__os_page_size(void);

// Installs (once per process) the handler that turns faults in guard regions into
// traps. `is_guard_fault(addr)` is asked, in the signal handler, whether a fault at
// `addr` belongs to wasm; if so `on_guard_fault()` must not return (it longjmps).
// Returns false if the handler could not be installed.
bool moat__os_install_fault_handler(bool (*is_guard_fault)(void *addr),
                                    void (*on_guard_fault)(void));

// The recovery point the fault handler jumps to: MOAT_OS_SETJMP(buf) returns 0, and
// non-zero when moat__os_longjmp(buf) (from another function, e.g. the signal handler)
// comes back to it. Set once per host->wasm entry, so it must be cheap: GCC's and
// clang's builtin saves three words (frame, stack, resume address) and leaves the
// callee-saved registers to the compiler, where sigsetjmp saves eight and mangles
// them. The signal mask needs no restoring either way: the handler is installed with
// SA_NODEFER and an empty sa_mask, so nothing is blocked when it jumps out. Sanitizer
// builds use sigsetjmp, whose longjmp ASan intercepts to unpoison the stack.
#if defined(__SANITIZE_ADDRESS__)
#define MOAT_OS_PORTABLE_JMP 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MOAT_OS_PORTABLE_JMP 1
#endif
#endif
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__aarch64__)) \
    && !defined(MOAT_OS_PORTABLE_JMP)
typedef void *moat__os_jmp_buf[5];
#define MOAT_OS_SETJMP(buf)   __builtin_setjmp(buf)
#define moat__os_longjmp(buf) __builtin_longjmp(buf, 1)
#else
#include <setjmp.h>
typedef sigjmp_buf moat__os_jmp_buf;
#define MOAT_OS_SETJMP(buf)   sigsetjmp(buf, 0)
#define moat__os_longjmp(buf) siglongjmp(buf, 1)
#endif

#endif
