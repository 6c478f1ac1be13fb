// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Construction of moat_error values inside the library. Out-of-memory never allocates:
// moat__error_oom() returns one static error that moat_error_delete ignores.
#ifndef MOAT_UTIL_ERROR_H
#define MOAT_UTIL_ERROR_H

#include "moat.h"
#include "util/types.h"

#define MOAT_NO_OFFSET ((uint64_t)-1)
#define MOAT_NO_INDEX  ((uint32_t)-1)

struct moat_error {
    moat_error_kind kind;
    uint64_t offset;     // byte offset in the module, or MOAT_NO_OFFSET
    uint32_t func_index; // function the error is in, or MOAT_NO_INDEX
    bool is_static;      // the preallocated OOM error
    char *message;       // full, formatted message
};

// Returns a new error (never NULL: on OOM the static OOM error).
moat_error *moat__error_new(moat_error_kind kind, uint64_t offset, const char *fmt, ...)
    MOAT_PRINTF(3, 4);
moat_error *moat__error_oom(void);

#endif
