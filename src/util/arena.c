// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Chunked bump allocator. Chunks start at 16 KiB and double up to 1 MiB so a tiny module
// costs one small malloc; requests bigger than a quarter chunk get a chunk of their own,
// which keeps the waste in the current chunk small.
#include "util/arena.h"

#include <stdlib.h>
#include <string.h>

#define ARENA_ALIGN     16
#define ARENA_FIRST     (16u * 1024u)
#define ARENA_MAX_CHUNK (1024u * 1024u)

struct chunk {
    struct chunk *next;
    size_t size; // usable bytes after the header
    size_t used;
};

// The header is padded to ARENA_ALIGN so chunk data starts aligned.
#define CHUNK_HDR ((sizeof(struct chunk) + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1))

struct moat__arena {
    struct chunk *head; // current chunk (allocations are carved from it)
    size_t next_size;   // size of the next regular chunk
};

moat__arena *moat__arena_new(void) {
    moat__arena *arena = calloc(1, sizeof *arena);
    if (arena) arena->next_size = ARENA_FIRST;
    return arena;
}

static struct chunk *chunk_new(size_t size) {
    if (size > SIZE_MAX - CHUNK_HDR) return NULL;
    struct chunk *ch = malloc(CHUNK_HDR + size);
    if (!ch) return NULL;
    ch->next = NULL;
    ch->size = size;
    ch->used = 0;
    return ch;
}

static inline u8 *chunk_data(struct chunk *ch) {
    return (u8 *)ch + CHUNK_HDR;
}

void *moat__arena_alloc_uninit(moat__arena *arena, size_t size) {
    if (size > SIZE_MAX - ARENA_ALIGN) return NULL;
    size_t rounded = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    if (rounded == 0) rounded = ARENA_ALIGN;
    struct chunk *ch = arena->head;
    if (!ch || rounded > ch->size - ch->used) {
        if (rounded > arena->next_size / 4) {
            // Big request: its own chunk, linked behind the current one so the current
            // chunk's free space stays usable.
            struct chunk *big = chunk_new(rounded);
            if (!big) return NULL;
            big->used = rounded;
            if (ch) {
                big->next = ch->next;
                ch->next = big;
            } else {
                arena->head = big;
            }
            return chunk_data(big);
        }
        ch = chunk_new(arena->next_size);
        if (!ch) return NULL;
        if (arena->next_size < ARENA_MAX_CHUNK) arena->next_size *= 2;
        ch->next = arena->head;
        arena->head = ch;
    }
    u8 *p = chunk_data(ch) + ch->used;
    ch->used += rounded;
    return p;
}

void *moat__arena_alloc(moat__arena *arena, size_t size) {
    u8 *p = moat__arena_alloc_uninit(arena, size);
    // Rounded up like the allocation itself, so the padding is zeroed too.
    if (p) memset(p, 0, size ? (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1) : ARENA_ALIGN);
    return p;
}

void *moat__arena_alloc_array(moat__arena *arena, size_t count, size_t size) {
    if (size != 0 && count > SIZE_MAX / size) return NULL;
    return moat__arena_alloc(arena, count * size);
}

void moat__arena_free(moat__arena *arena) {
    if (!arena) return;
    struct chunk *ch = arena->head;
    while (ch) {
        struct chunk *next = ch->next;
        free(ch);
        ch = next;
    }
    free(arena);
}
