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
// Releases a reservation made by moat__os_reserve.
void moat__os_release(void *addr, size_t size);
size_t moat__os_page_size(void);

// Installs (once per process) the handler that turns faults in guard regions into
// traps. `is_guard_fault(addr)` is asked, in the signal handler, whether a fault at
// `addr` belongs to wasm; if so `on_guard_fault()` must not return (it longjmps).
// Returns false if the handler could not be installed.
bool moat__os_install_fault_handler(bool (*is_guard_fault)(void *addr),
                                    void (*on_guard_fault)(void));

#endif
