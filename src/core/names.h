// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// The "name" custom section (spec: appendix, name section): module and function names
// for messages and backtraces.
#ifndef MOAT_CORE_NAMES_H
#define MOAT_CORE_NAMES_H

#include "core/module.h"

// Decodes the name section payload at m->bytes[start, end) into m->module_name and
// m->func_names (allocated in m->arena). Custom sections are not validated (spec), so a
// malformed name section never fails the module: a subsection that cannot be decoded
// is dropped and decoding stops there. Only the first name section counts.
void moat__names_decode(struct moat__module_ir *m, u32 start, u32 end);

#endif
