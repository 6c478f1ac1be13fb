// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// The interpreter tier as the runtime sees it: call a wasm function, free compiled code
// and per-store state. Functions are compiled lazily on first call from validated code.
#ifndef MOAT_EXEC_INTERP_H
#define MOAT_EXEC_INTERP_H

#include "rt/runtime.h"

// Calls wasm function `func` (not a host function) in its store. slots[0..nparams) hold
// the arguments; on success slots[0..nresults) hold the results and NULL is returned.
// Otherwise returns a trap (own) with its backtrace filled in. `slots` has room for
// max(nparams, nresults) slots. Re-entrant: host functions called from wasm may call
// back into wasm.
moat_trap *moat__interp_invoke(moat_func *func, moat__slot *slots);

// moat_func_call for a wasm function, its checks included (nothing runs on API misuse):
// the host's hot path, kept in one function. Sets *trap (NULL on success, then
// `results` are written) unless it returns an error.
moat_error *moat__interp_call(moat_store *store, moat_func *func, const moat_val *args,
                              size_t nargs, moat_val *results, size_t nresults, moat_trap **trap);

// Frees compiled code of a module (called when the module is freed).
void moat__interp_code_free(struct moat__code *code);

// Frees the interpreter state of a store (called from moat_store_delete).
void moat__interp_store_free(moat_store *store);

#endif
