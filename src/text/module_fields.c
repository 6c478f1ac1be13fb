// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// The second pass over a module's fields: each is encoded into its section, with the
// abbreviations expanded (inline exports and imports, inline element and data segments,
// `(offset ...)` written as a single instruction, element lists of function indices).
#include "text/parse.h"
#include "util/utf8.h"

#include <stdlib.h>
#include <string.h>

enum { KIND_FUNC, KIND_TABLE, KIND_MEMORY, KIND_GLOBAL };

static bool name_string(wat_parser *p, wat_buf *out) {
    const wat_token *t = moat__p_tok(p, 0);
    if (t->kind != WAT_STRING) return moat__p_expected(p, "a string");
    u8 *bytes;
    size_t len;
    if (!moat__wat_string(p->src, t, &bytes, &len)) return moat__p_fail(p, "out of memory");
    if (!moat__utf8_valid(bytes, len)) { // spec: text format, names are UTF-8
        free(bytes);
        return moat__p_fail(p, "malformed UTF-8 encoding");
    }
    moat__buf_name(out, bytes, len);
    free(bytes);
    p->pos++;
    return true;
}

// `(export "name")*` of a definition with index `index`.
static bool inline_exports(wat_parser *p, u8 kind, u32 index) {
    while (moat__p_is_field(p, "export")) {
        p->pos += 2;
        if (!name_string(p, &p->sec[SEC_EXPORT])) return false;
        moat__buf_byte(&p->sec[SEC_EXPORT], kind);
        moat__buf_u32(&p->sec[SEC_EXPORT], index);
        p->count[SEC_EXPORT]++;
        if (!moat__p_rpar(p)) return false;
    }
    return true;
}

// `(import "m" "n")` of a definition: writes the import entry's names and kind.
static bool inline_import(wat_parser *p, u8 kind, bool *out_is_import) {
    *out_is_import = moat__p_is_field(p, "import");
    if (!*out_is_import) return true;
    p->pos += 2;
    wat_buf *imp = &p->sec[SEC_IMPORT];
    if (!name_string(p, imp) || !name_string(p, imp) || !moat__p_rpar(p)) return false;
    moat__buf_byte(imp, kind);
    p->count[SEC_IMPORT]++;
    return true;
}

static bool globaltype(wat_parser *p, wat_buf *out) {
    u8 t;
    bool is_mut = moat__p_is_field(p, "mut");
    if (is_mut) p->pos += 2;
    if (!moat__p_valtype(p, &t) || (is_mut && !moat__p_rpar(p))) return false;
    moat__buf_byte(out, t);
    moat__buf_byte(out, is_mut);
    return true;
}

static bool tabletype(wat_parser *p, wat_buf *out) {
    wat_buf limits = {0};
    u8 t;
    bool ok = moat__p_limits(p, &limits) && moat__p_reftype(p, &t);
    if (ok) {
        moat__buf_byte(out, t);
        moat__buf_bytes(out, limits.data, limits.len);
    }
    moat__buf_free(&limits);
    return ok;
}

// The import description after the kind keyword's $id (in both import forms).
static bool import_desc(wat_parser *p, int kind) {
    wat_buf *imp = &p->sec[SEC_IMPORT];
    u32 type;
    switch (kind) {
    case KIND_FUNC:
        if (!moat__p_typeuse(p, TYPEUSE_IMPORT, &type)) return false;
        moat__buf_u32(imp, type);
        p->next_func++;
        return true;
    case KIND_TABLE:
        p->next_table++;
        return tabletype(p, imp);
    case KIND_MEMORY:
        p->next_mem++;
        return moat__p_limits(p, imp);
    default:
        p->next_global++;
        return globaltype(p, imp);
    }
}

// `$id? (export ...)* (import ...)?` of a definition of `kind`; an import is finished
// here (*out_done set), else the caller parses the definition.
static bool definition_head(wat_parser *p, int kind, u32 index, bool *out_done) {
    bool is_import;
    moat__p_opt_id(p);
    *out_done = false;
    if (!inline_exports(p, (u8)kind, index) || !inline_import(p, (u8)kind, &is_import))
        return false;
    if (!is_import) return true;
    *out_done = true;
    return import_desc(p, kind) && moat__p_rpar(p);
}

static int kind_at(wat_parser *p) {
    static const char *const kinds[] = {"func", "table", "memory", "global"};
    for (int i = 0; i < 4; i++)
        if (moat__p_is_kw(p, 0, kinds[i])) return i;
    return -1;
}

static bool field_import(wat_parser *p) {
    wat_buf *imp = &p->sec[SEC_IMPORT];
    if (!name_string(p, imp) || !name_string(p, imp) || !moat__p_lpar(p)) return false;
    int kind = kind_at(p);
    if (kind < 0) return moat__p_expected(p, "an import kind");
    p->pos++;
    moat__p_opt_id(p);
    moat__buf_byte(imp, (u8)kind);
    p->count[SEC_IMPORT]++;
    return import_desc(p, kind) && moat__p_rpar(p) && moat__p_rpar(p);
}

// Records the current function's named locals for the name section.
static void local_names(wat_parser *p, u32 func_index) {
    u32 named = 0;
    for (u32 i = 0; i < p->locals.count; i++)
        named += p->locals.ids[i] != WAT_NONE;
    if (!named) return;
    wat_buf *b = &p->local_names;
    moat__buf_u32(b, func_index);
    moat__buf_u32(b, named);
    for (u32 i = 0; i < p->locals.count; i++) {
        if (p->locals.ids[i] == WAT_NONE) continue;
        const wat_token *t = &p->src->toks.tok[p->locals.ids[i]];
        moat__buf_u32(b, i);
        moat__buf_name(b, p->src->text + t->start + 1, t->len - 1);
    }
    p->nlocal_names++;
}

static bool add_local(wat_parser *p, u32 id, u8 type) {
    if (p->locals.count >= p->local_types_cap) {
        u32 cap = p->local_types_cap ? p->local_types_cap * 2 : 16;
        u8 *bigger = realloc(p->local_types, cap);
        if (!bigger) return moat__p_fail(p, "out of memory");
        p->local_types = bigger;
        p->local_types_cap = cap;
    }
    p->local_types[p->locals.count] = type;
    return moat__space_add(p, &p->locals, id, "local");
}

// `(local ...)*` and the body of a defined function, into the code section.
static bool func_body(wat_parser *p, u32 nparams) {
    while (moat__p_is_field(p, "local")) {
        p->pos += 2;
        u32 id = moat__p_opt_id(p);
        u8 t;
        if (id != WAT_NONE) {
            if (!moat__p_valtype(p, &t) || !add_local(p, id, t)) return false;
        } else {
            while (moat__p_valtype_at(p, 0))
                if (!moat__p_valtype(p, &t) || !add_local(p, WAT_NONE, t)) return false;
        }
        if (!moat__p_rpar(p)) return false;
    }
    wat_buf body = {0};
    // Runs of equal local types become one declaration.
    u32 groups = 0;
    for (u32 i = nparams; i < p->locals.count; i++)
        groups += i == nparams || p->local_types[i] != p->local_types[i - 1];
    moat__buf_u32(&body, groups);
    for (u32 i = nparams; i < p->locals.count;) {
        u32 j = i;
        while (j < p->locals.count && p->local_types[j] == p->local_types[i])
            j++;
        moat__buf_u32(&body, j - i);
        moat__buf_byte(&body, p->local_types[i]);
        i = j;
    }
    p->labels.count = 0;
    bool ok = moat__p_expr(p, &body);
    if (ok) {
        moat__buf_u32(&p->sec[SEC_CODE], (u32)body.len);
        moat__buf_bytes(&p->sec[SEC_CODE], body.data, body.len);
        if (body.oom) p->sec[SEC_CODE].oom = true;
        p->count[SEC_CODE]++;
    }
    moat__buf_free(&body);
    return ok;
}

static bool field_func(wat_parser *p) {
    u32 index = p->next_func;
    bool done;
    if (!definition_head(p, KIND_FUNC, index, &done) || done) return !p->err;
    p->locals.count = 0;
    u32 type;
    if (!moat__p_typeuse(p, TYPEUSE_FUNC, &type)) return false;
    u32 nparams = p->locals.count;
    moat__buf_u32(&p->sec[SEC_FUNC], type);
    p->count[SEC_FUNC]++;
    p->next_func++;
    // The type use added the params' identifiers; their types come from the type.
    if (nparams > p->local_types_cap) {
        u8 *bigger = realloc(p->local_types, (size_t)nparams + 16);
        if (!bigger) return moat__p_fail(p, "out of memory");
        p->local_types = bigger;
        p->local_types_cap = nparams + 16;
    }
    if (nparams && type < p->types.count)
        memcpy(p->local_types, p->ftypes[type].types, nparams);
    else if (nparams) // an unknown type: the module is invalid, any local type will do
        memset(p->local_types, 0x7F, nparams);
    if (!func_body(p, nparams)) return false;
    local_names(p, index);
    return moat__p_rpar(p);
}

// An element list's items: function indices, or expressions. Items are kept as
// expressions (ref.func x for an index) and written as indices when all are ref.func.
typedef struct elem_items {
    wat_buf exprs;
    u32 count;
} elem_items;

static bool elem_index_item(wat_parser *p, elem_items *items) {
    u32 f;
    if (!moat__p_index(p, &p->funcs, "function", &f)) return false;
    moat__buf_byte(&items->exprs, 0xD2);
    moat__buf_u32(&items->exprs, f);
    moat__buf_byte(&items->exprs, 0x0B);
    items->count++;
    return true;
}

// `func x*` | `x*` | reftype (item expr | (instr))*; *out_type the element type.
static bool elem_list(wat_parser *p, elem_items *items, u8 *out_type) {
    *out_type = 0x70;
    if (moat__p_is_kw(p, 0, "func"))
        p->pos++;
    else if (moat__p_valtype_at(p, 0)) {
        if (!moat__p_reftype(p, out_type)) return false;
        while (moat__p_tok(p, 0)->kind == WAT_LPAR) {
            if (moat__p_is_field(p, "item")) {
                p->pos += 2;
                if (!moat__p_expr(p, &items->exprs) || !moat__p_rpar(p)) return false;
            } else {
                size_t start = items->exprs.len;
                if (!moat__p_instrs_one(p, &items->exprs)) return false;
                (void)start;
                moat__buf_byte(&items->exprs, 0x0B);
            }
            items->count++;
        }
        return true;
    }
    while (moat__p_at_index(p))
        if (!elem_index_item(p, items)) return false;
    return true;
}

// Reads the function index of an item that is exactly `ref.func x; end`.
static bool item_as_index(const u8 **pp, const u8 *end, u32 *out) {
    const u8 *q = *pp;
    if (q >= end || *q++ != 0xD2) return false;
    u32 v = 0;
    for (unsigned shift = 0; q < end && shift < 35; shift += 7) {
        u8 b = *q++;
        v |= (u32)(b & 0x7F) << shift;
        if (!(b & 0x80)) {
            if (q >= end || *q++ != 0x0B) return false;
            *out = v;
            *pp = q;
            return true;
        }
    }
    return false;
}

enum elem_mode { ELEM_ACTIVE, ELEM_PASSIVE, ELEM_DECLARE };

static void elem_segment(wat_parser *p, enum elem_mode mode, u32 table, const wat_buf *offset,
                         u8 type, const elem_items *items) {
    // Indices when every item is ref.func of a funcref segment; else expressions.
    bool as_indices = type == 0x70;
    const u8 *q = items->exprs.data, *end = q ? q + items->exprs.len : q;
    u32 f;
    for (u32 i = 0; as_indices && i < items->count; i++)
        as_indices = item_as_index(&q, end, &f);
    u32 flags = as_indices ? 0 : 4;
    if (mode == ELEM_PASSIVE) flags |= 1;
    if (mode == ELEM_DECLARE) flags |= 3;
    if (mode == ELEM_ACTIVE && (table != 0 || (!as_indices && type != 0x70))) flags |= 2;
    wat_buf *b = &p->sec[SEC_ELEM];
    moat__buf_u32(b, flags);
    if (mode == ELEM_ACTIVE) {
        if (flags & 2) moat__buf_u32(b, table);
        moat__buf_bytes(b, offset->data, offset->len);
    }
    if (flags & 3) moat__buf_byte(b, as_indices ? 0x00 : type);
    moat__buf_u32(b, items->count);
    if (as_indices) {
        q = items->exprs.data;
        for (u32 i = 0; i < items->count; i++) {
            item_as_index(&q, end, &f);
            moat__buf_u32(b, f);
        }
    } else {
        moat__buf_bytes(b, items->exprs.data, items->exprs.len);
    }
    p->count[SEC_ELEM]++;
}

static bool field_table(wat_parser *p) {
    u32 index = p->next_table;
    bool done;
    if (!definition_head(p, KIND_TABLE, index, &done) || done) return !p->err;
    p->next_table++;
    wat_buf *tab = &p->sec[SEC_TABLE];
    p->count[SEC_TABLE]++;
    if (!moat__p_valtype_at(p, 0)) return tabletype(p, tab) && moat__p_rpar(p);
    // reftype (elem ...): a table exactly as large as its inline segment.
    u8 type, list_type;
    elem_items items = {{0}, 0};
    bool ok = moat__p_reftype(p, &type) && moat__p_lpar(p) && moat__p_kw(p, "elem");
    if (ok && moat__p_valtype_at(p, 0))
        ok = elem_list(p, &items, &list_type);
    else if (ok) {
        while (ok && moat__p_tok(p, 0)->kind == WAT_LPAR) {
            ok = moat__p_instrs_one(p, &items.exprs);
            moat__buf_byte(&items.exprs, 0x0B);
            items.count++;
        }
        while (ok && moat__p_at_index(p))
            ok = elem_index_item(p, &items);
    }
    ok = ok && moat__p_rpar(p) && moat__p_rpar(p);
    if (ok) {
        moat__buf_byte(tab, type);
        moat__buf_byte(tab, 1);
        moat__buf_u32(tab, items.count);
        moat__buf_u32(tab, items.count);
        wat_buf offset = {0};
        moat__buf_bytes(&offset, "\x41\x00\x0B", 3);
        elem_segment(p, ELEM_ACTIVE, index, &offset, type, &items);
        moat__buf_free(&offset);
    }
    moat__buf_free(&items.exprs);
    return ok;
}

// Concatenated data strings.
static bool data_strings(wat_parser *p, wat_buf *out) {
    while (moat__p_tok(p, 0)->kind == WAT_STRING) {
        u8 *bytes;
        size_t len;
        if (!moat__wat_string(p->src, moat__p_tok(p, 0), &bytes, &len))
            return moat__p_fail(p, "out of memory");
        moat__buf_bytes(out, bytes, len);
        free(bytes);
        p->pos++;
    }
    return true;
}

static void data_segment(wat_parser *p, bool active, u32 mem, const wat_buf *offset,
                         const wat_buf *bytes) {
    wat_buf *b = &p->sec[SEC_DATA];
    u32 flags = !active ? 1 : mem ? 2 : 0;
    moat__buf_u32(b, flags);
    if (flags == 2) moat__buf_u32(b, mem);
    if (active) moat__buf_bytes(b, offset->data, offset->len);
    moat__buf_u32(b, (u32)bytes->len);
    moat__buf_bytes(b, bytes->data, bytes->len);
    p->count[SEC_DATA]++;
}

static bool field_memory(wat_parser *p) {
    u32 index = p->next_mem;
    bool done;
    if (!definition_head(p, KIND_MEMORY, index, &done) || done) return !p->err;
    p->next_mem++;
    p->count[SEC_MEMORY]++;
    if (!moat__p_is_field(p, "data"))
        return moat__p_limits(p, &p->sec[SEC_MEMORY]) && moat__p_rpar(p);
    p->pos += 2;
    wat_buf bytes = {0}, offset = {0};
    bool ok = data_strings(p, &bytes) && moat__p_rpar(p) && moat__p_rpar(p);
    if (ok) {
        u32 pages = (u32)((bytes.len + 0xFFFF) / 0x10000);
        moat__buf_byte(&p->sec[SEC_MEMORY], 1);
        moat__buf_u32(&p->sec[SEC_MEMORY], pages);
        moat__buf_u32(&p->sec[SEC_MEMORY], pages);
        moat__buf_bytes(&offset, "\x41\x00\x0B", 3);
        data_segment(p, true, index, &offset, &bytes);
    }
    moat__buf_free(&bytes);
    moat__buf_free(&offset);
    return ok;
}

static bool field_global(wat_parser *p) {
    u32 index = p->next_global;
    bool done;
    if (!definition_head(p, KIND_GLOBAL, index, &done) || done) return !p->err;
    p->next_global++;
    p->count[SEC_GLOBAL]++;
    return globaltype(p, &p->sec[SEC_GLOBAL]) && moat__p_expr(p, &p->sec[SEC_GLOBAL])
           && moat__p_rpar(p);
}

static bool field_export(wat_parser *p) {
    wat_buf *b = &p->sec[SEC_EXPORT];
    if (!name_string(p, b) || !moat__p_lpar(p)) return false;
    int kind = kind_at(p);
    wat_space *spaces[] = {&p->funcs, &p->tables, &p->mems, &p->globals};
    static const char *const what[] = {"function", "table", "memory", "global"};
    if (kind < 0) return moat__p_expected(p, "an export kind");
    p->pos++;
    u32 index;
    if (!moat__p_index(p, spaces[kind], what[kind], &index)) return false;
    moat__buf_byte(b, (u8)kind);
    moat__buf_u32(b, index);
    p->count[SEC_EXPORT]++;
    return moat__p_rpar(p) && moat__p_rpar(p);
}

static bool field_start(wat_parser *p) {
    u32 index;
    if (p->count[SEC_START]) return moat__p_fail(p, "multiple start sections");
    if (!moat__p_index(p, &p->funcs, "function", &index)) return false;
    moat__buf_u32(&p->sec[SEC_START], index);
    p->count[SEC_START] = 1;
    return moat__p_rpar(p);
}

// `(offset expr)` or a single folded instruction, into out with its end.
static bool offset_expr(wat_parser *p, wat_buf *out) {
    if (moat__p_is_field(p, "offset")) {
        p->pos += 2;
        return moat__p_expr(p, out) && moat__p_rpar(p);
    }
    if (moat__p_tok(p, 0)->kind != WAT_LPAR) return moat__p_expected(p, "an offset expression");
    if (!moat__p_instrs_one(p, out)) return false;
    moat__buf_byte(out, 0x0B);
    return true;
}

static bool field_elem(wat_parser *p) {
    moat__p_opt_id(p);
    enum elem_mode mode = ELEM_PASSIVE;
    u32 table = 0;
    wat_buf offset = {0};
    elem_items items = {{0}, 0};
    u8 type;
    bool ok = true;
    if (moat__p_is_kw(p, 0, "declare")) {
        p->pos++;
        mode = ELEM_DECLARE;
    } else if (moat__p_is_field(p, "table")) {
        p->pos += 2;
        ok = moat__p_index(p, &p->tables, "table", &table) && moat__p_rpar(p);
        mode = ELEM_ACTIVE;
    } else if (moat__p_at_index(p) && moat__p_tok(p, 1)->kind == WAT_LPAR) {
        ok = moat__p_index(p, &p->tables, "table", &table); // legacy `(elem 0 (offset) ...)`
        mode = ELEM_ACTIVE;
    }
    if (ok && (mode == ELEM_ACTIVE || moat__p_tok(p, 0)->kind == WAT_LPAR)) {
        ok = offset_expr(p, &offset);
        mode = ELEM_ACTIVE;
    }
    ok = ok && elem_list(p, &items, &type) && moat__p_rpar(p);
    if (ok) elem_segment(p, mode, table, &offset, type, &items);
    moat__buf_free(&offset);
    moat__buf_free(&items.exprs);
    return ok;
}

static bool field_data(wat_parser *p) {
    moat__p_opt_id(p);
    u32 mem = 0;
    bool active = false, ok = true;
    wat_buf offset = {0}, bytes = {0};
    if (moat__p_is_field(p, "memory")) {
        p->pos += 2;
        ok = moat__p_index(p, &p->mems, "memory", &mem) && moat__p_rpar(p);
        active = true;
    } else if (moat__p_at_index(p)) {
        ok = moat__p_index(p, &p->mems, "memory", &mem);
        active = true;
    }
    if (ok && (active || moat__p_tok(p, 0)->kind == WAT_LPAR)) {
        ok = offset_expr(p, &offset);
        active = true;
    }
    ok = ok && data_strings(p, &bytes) && moat__p_rpar(p);
    if (ok) data_segment(p, active, mem, &offset, &bytes);
    moat__buf_free(&offset);
    moat__buf_free(&bytes);
    return ok;
}

bool moat__field(wat_parser *p) {
    static const struct {
        const char *kw;
        bool (*parse)(wat_parser *p);
    } fields[] = {
        {"type", NULL},           {"import", field_import}, {"func", field_func},
        {"table", field_table},   {"memory", field_memory}, {"global", field_global},
        {"export", field_export}, {"start", field_start},   {"elem", field_elem},
        {"data", field_data},
    };
    for (size_t i = 0; i < MOAT_COUNTOF(fields); i++) {
        if (!moat__p_is_kw(p, 1, fields[i].kw)) continue;
        if (!fields[i].parse) { // types were encoded by the first pass
            moat__p_skip(p);
            return true;
        }
        p->pos += 2;
        return fields[i].parse(p);
    }
    p->pos++;
    return moat__p_expected(p, "a module field");
}
