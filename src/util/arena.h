// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// A bump allocator over a list of chunks: many small allocations, one free. Every array
// of a decoded module lives in one arena, so freeing a module is a single call and a
// failed decode cannot leak half-built arrays.
#ifndef MOAT_UTIL_ARENA_H
#define MOAT_UTIL_ARENA_H

#include "util/types.h"

typedef struct moat__arena moat__arena;

// Returns a new, empty arena, or NULL on out-of-memory.
moat__arena *moat__arena_new(void);

// Returns `size` zeroed bytes aligned to 16, owned by the arena, or NULL on
// out-of-memory. A size of 0 returns a valid unique pointer.
void *moat__arena_alloc(moat__arena *arena, size_t size);

// Like moat__arena_alloc, but the bytes are not zeroed: for a buffer the caller fills
// at once (a module's copy of its bytes), where zeroing first would touch every page twice.
void *moat__arena_alloc_uninit(moat__arena *arena, size_t size);

// Like moat__arena_alloc for `count` elements of `size` bytes; NULL if the product
// overflows size_t or memory runs out.
void *moat__arena_alloc_array(moat__arena *arena, size_t count, size_t size);

// Frees every allocation and the arena itself. Does nothing for NULL.
void moat__arena_free(moat__arena *arena);

#endif
