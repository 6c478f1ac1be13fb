// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Validation of a decoded module (spec: Validation), and the instruction-level decoding
// errors that only show while reading function bodies (illegal opcode, zero byte
// expected, data count section required, ...).
#ifndef MOAT_CORE_VALIDATE_H
#define MOAT_CORE_VALIDATE_H

#include "core/module.h"
#include "moat.h"

// Checks every module-level rule and every function body. Returns NULL, or an error:
// MOAT_ERROR_INVALID with the spec's wording ("type mismatch", "unknown local", ...), or
// MOAT_ERROR_MALFORMED / MOAT_ERROR_UNSUPPORTED for encodings found in bodies; the
// message names the function (index and name) and the instruction's byte offset.
// `features`: bit (1 << moat_feature) per enabled optional feature.
moat_error *moat__module_validate(const struct moat__module_ir *m, u32 features);

#endif
