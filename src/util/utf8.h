// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// UTF-8 validation for names (imports, exports, custom sections): the spec's names are
// Unicode scalar values in their shortest encoding.
#ifndef MOAT_UTIL_UTF8_H
#define MOAT_UTIL_UTF8_H

#include "util/types.h"

// True if s[0..len) is well-formed UTF-8: no overlong encodings, no surrogates
// (U+D800-U+DFFF), nothing above U+10FFFF, no truncated sequence. NUL bytes are valid.
bool moat__utf8_valid(const u8 *s, size_t len);

#endif
