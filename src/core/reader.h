// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// What core/reader.c offers besides the decode entry points declared in core/module.h
// (moat__module_decode, moat__module_ir_free, moat__module_func_name).
#ifndef MOAT_CORE_READER_H
#define MOAT_CORE_READER_H

#include "core/module.h"

// For the validator: the spec testsuite's phrase for a body whose instructions reach its
// end without the function's final `end` (one of "unexpected end of section or
// function", "section size mismatch", "END opcode expected", depending on what follows
// the body in the module, as the reference decoder reads on past it).
const char *moat__body_missing_end_phrase(const struct moat__module_ir *m,
                                          const struct moat__body *body);

#endif
