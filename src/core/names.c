// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Name section decoding. Subsections come in increasing id order, each as id, size,
// payload; we keep the module name (0) and function names (1) and skip the rest (local
// names and the extended-name-section ids). Function names must be sorted by index with
// no duplicates (spec: name maps), which lets lookups binary-search; an unsorted map is
// dropped whole.
#include "core/names.h"

#include "util/arena.h"
#include "util/leb.h"
#include "util/utf8.h"

static bool read_name(moat__cursor *c, struct moat__name *out) {
    u32 len;
    const u8 *bytes;
    if (!moat__read_u32(c, &len) || !moat__read_bytes(c, len, &bytes)) return false;
    if (!moat__utf8_valid(bytes, len)) return false;
    out->data = (const char *)bytes;
    out->len = len;
    return true;
}

static bool read_func_names(struct moat__module_ir *m, moat__cursor *c) {
    u32 n;
    if (!moat__read_u32(c, &n)) return false;
    // Each entry takes at least two bytes; this bounds the allocation by the input.
    if (n > (size_t)(c->end - c->p) / 2) return false;
    struct moat__func_name *names = moat__arena_alloc_array(m->arena, n, sizeof *names);
    if (!names) return false;
    for (u32 i = 0; i < n; i++) {
        if (!moat__read_u32(c, &names[i].func_index) || !read_name(c, &names[i].name)) return false;
        if (i > 0 && names[i].func_index <= names[i - 1].func_index) return false;
    }
    if (c->p != c->end) return false;
    m->func_names = names;
    m->nfunc_names = n;
    return true;
}

void moat__names_decode(struct moat__module_ir *m, u32 start, u32 end) {
    if (m->module_name.data || m->func_names || start > end || end > m->len) return;
    moat__cursor c = {.base = m->bytes, .p = m->bytes + start, .end = m->bytes + end};
    int last_id = -1;
    while (c.p < c.end) {
        u8 id;
        u32 size;
        const u8 *payload;
        if (!moat__read_u8(&c, &id) || !moat__read_u32(&c, &size)
            || !moat__read_bytes(&c, size, &payload))
            return;
        if ((int)id <= last_id) return;
        last_id = id;
        moat__cursor sub = {.base = m->bytes, .p = payload, .end = payload + size};
        if (id == 0) {
            struct moat__name name;
            if (read_name(&sub, &name) && sub.p == sub.end) m->module_name = name;
        } else if (id == 1) {
            read_func_names(m, &sub);
        }
    }
}
