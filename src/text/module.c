// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Text modules to binary modules. Two passes over the tokens: the first gives every
// function, table, memory, global, element and data segment its index and records
// identifiers and explicit types (so that a use may precede its definition); the
// second encodes each field into its section (module_fields.c, instr.c). Implicit types
// from type uses are appended after the explicit ones, as the spec's abbreviation says.
#include "text/parse.h"
#include "util/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// ---------------------------------------------------------------------------------------
// Cursor

const wat_token *moat__p_tok(const wat_parser *p, size_t ahead) {
    size_t i = p->pos + ahead;
    const wat_tokens *toks = &p->src->toks;
    return &toks->tok[i < toks->count ? i : toks->count - 1];
}

const char *moat__p_text(const wat_parser *p, const wat_token *t) {
    return p->src->text + t->start;
}

bool moat__p_is_kw(const wat_parser *p, size_t ahead, const char *kw) {
    const wat_token *t = moat__p_tok(p, ahead);
    return t->kind == WAT_KEYWORD && moat__wat_is(p->src, t, kw);
}

bool moat__p_is_field(const wat_parser *p, const char *kw) {
    return moat__p_tok(p, 0)->kind == WAT_LPAR && moat__p_is_kw(p, 1, kw);
}

bool moat__p_fail(wat_parser *p, const char *fmt, ...) {
    if (p->err) return false;
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    p->err = moat__wat_error_at(p->src, moat__p_tok(p, 0), "%s", msg);
    return false;
}

bool moat__p_expected(wat_parser *p, const char *what) {
    char buf[64];
    return moat__p_fail(p, "unexpected token: expected %s, got %s", what,
                        moat__wat_describe(p->src, moat__p_tok(p, 0), buf, sizeof buf));
}

bool moat__p_lpar(wat_parser *p) {
    if (moat__p_tok(p, 0)->kind != WAT_LPAR) return moat__p_expected(p, "'('");
    p->pos++;
    return true;
}

bool moat__p_rpar(wat_parser *p) {
    if (moat__p_tok(p, 0)->kind != WAT_RPAR) return moat__p_expected(p, "')'");
    p->pos++;
    return true;
}

bool moat__p_kw(wat_parser *p, const char *kw) {
    if (!moat__p_is_kw(p, 0, kw)) {
        char what[64];
        snprintf(what, sizeof what, "'%s'", kw);
        return moat__p_expected(p, what);
    }
    p->pos++;
    return true;
}

void moat__p_skip(wat_parser *p) {
    size_t depth = 0;
    do {
        u8 kind = moat__p_tok(p, 0)->kind;
        if (kind == WAT_EOF) return;
        if (kind == WAT_LPAR) depth++;
        if (kind == WAT_RPAR) {
            if (!depth) return;
            depth--;
        }
        p->pos++;
    } while (depth);
}

// ---------------------------------------------------------------------------------------
// Index spaces

bool moat__id_eq(const wat_parser *p, u32 a, u32 b) {
    const wat_token *ta = &p->src->toks.tok[a], *tb = &p->src->toks.tok[b];
    return ta->len == tb->len
           && !memcmp(p->src->text + ta->start, p->src->text + tb->start, ta->len);
}

static u32 space_find(const wat_parser *p, const wat_space *s, u32 id_tok) {
    for (u32 i = 0; i < s->count; i++)
        if (s->ids[i] != WAT_NONE && moat__id_eq(p, s->ids[i], id_tok)) return i;
    return WAT_NONE;
}

bool moat__space_add(wat_parser *p, wat_space *s, u32 id_tok, const char *what) {
    if (id_tok != WAT_NONE && space_find(p, s, id_tok) != WAT_NONE) {
        const wat_token *t = &p->src->toks.tok[id_tok];
        if (!p->err)
            p->err = moat__wat_error_at(p->src, t, "duplicate %s %.*s", what, (int)t->len,
                                        p->src->text + t->start);
        return false;
    }
    if (s->count == UINT32_MAX - 1) return moat__p_fail(p, "too many %ss", what);
    if (s->count == s->cap) {
        u32 cap = s->cap ? s->cap * 2 : 16;
        u32 *bigger = realloc(s->ids, (size_t)cap * sizeof *bigger);
        if (!bigger) return moat__p_fail(p, "out of memory");
        s->ids = bigger;
        s->cap = cap;
    }
    s->ids[s->count++] = id_tok;
    return true;
}

bool moat__p_at_index(const wat_parser *p) {
    u8 kind = moat__p_tok(p, 0)->kind;
    return kind == WAT_ID
           || (kind == WAT_NUMBER && moat__p_text(p, moat__p_tok(p, 0))[0] != '-'
               && moat__p_text(p, moat__p_tok(p, 0))[0] != '+');
}

bool moat__p_index(wat_parser *p, wat_space *s, const char *what, u32 *out) {
    const wat_token *t = moat__p_tok(p, 0);
    if (t->kind == WAT_ID) {
        u32 i = space_find(p, s, (u32)p->pos);
        if (i == WAT_NONE)
            return moat__p_fail(p, "unknown %s %.*s", what, (int)t->len, moat__p_text(p, t));
        *out = i;
        p->pos++;
        return true;
    }
    if (t->kind != WAT_NUMBER) {
        char expect[64];
        snprintf(expect, sizeof expect, "a %s index", what);
        return moat__p_expected(p, expect);
    }
    u64 v;
    const char *why = moat__wat_nat(moat__p_text(p, t), t->len, UINT32_MAX, &v);
    if (why) return moat__p_fail(p, "%s: bad %s index", why, what);
    *out = (u32)v;
    p->pos++;
    return true;
}

u32 moat__p_opt_id(wat_parser *p) {
    if (moat__p_tok(p, 0)->kind != WAT_ID) return WAT_NONE;
    return (u32)p->pos++;
}

// ---------------------------------------------------------------------------------------
// Types

static const struct {
    const char *name;
    u8 code;
} valtypes[] = {
    {"i32", 0x7F},  {"i64", 0x7E},     {"f32", 0x7D},       {"f64", 0x7C},
    {"v128", 0x7B}, {"funcref", 0x70}, {"externref", 0x6F},
};

u8 moat__p_valtype_at(const wat_parser *p, size_t ahead) {
    const wat_token *t = moat__p_tok(p, ahead);
    if (t->kind != WAT_KEYWORD) return 0;
    for (size_t i = 0; i < MOAT_COUNTOF(valtypes); i++)
        if (moat__wat_is(p->src, t, valtypes[i].name)) return valtypes[i].code;
    return 0;
}

bool moat__p_valtype(wat_parser *p, u8 *out) {
    if (!(*out = moat__p_valtype_at(p, 0))) return moat__p_expected(p, "a value type");
    p->pos++;
    return true;
}

bool moat__p_reftype(wat_parser *p, u8 *out) {
    u8 t = moat__p_valtype_at(p, 0);
    if (t != 0x70 && t != 0x6F) return moat__p_expected(p, "a reference type");
    *out = t;
    p->pos++;
    return true;
}

bool moat__p_heaptype(wat_parser *p, u8 *out) {
    if (moat__p_is_kw(p, 0, "func"))
        *out = 0x70;
    else if (moat__p_is_kw(p, 0, "extern"))
        *out = 0x6F;
    else
        return moat__p_expected(p, "a heap type (func or extern)");
    p->pos++;
    return true;
}

static bool push_u8(wat_parser *p, u8 **arr, u32 *cap, u32 n, u8 v) {
    if (n == *cap) {
        u32 c = *cap ? *cap * 2 : 8;
        u8 *bigger = realloc(*arr, c);
        if (!bigger) return moat__p_fail(p, "out of memory");
        *arr = bigger;
        *cap = c;
    }
    (*arr)[n] = v;
    return true;
}

// `(param ...)*` then `(result ...)*` into a new function type. With `names` set, the
// param identifiers are collected there (WAT_NONE for unnamed ones); without it a named
// param is malformed only when `allow_ids` is false.
static bool params_results(wat_parser *p, wat_functype *ft, wat_space *names, bool allow_ids) {
    u32 cap = 0;
    memset(ft, 0, sizeof *ft);
    while (moat__p_is_field(p, "param")) {
        p->pos += 2;
        u32 id = moat__p_opt_id(p);
        if (id != WAT_NONE && !names && !allow_ids) {
            p->pos--;
            return moat__p_fail(p, "unexpected token: a named parameter is not allowed here");
        }
        u8 t;
        if (id != WAT_NONE) {
            MOAT_TRY(moat__p_valtype(p, &t));
            MOAT_TRY(push_u8(p, &ft->types, &cap, ft->nparams++, t));
            if (names) MOAT_TRY(moat__space_add(p, names, id, "local"));
        } else {
            while (moat__p_valtype_at(p, 0)) {
                MOAT_TRY(moat__p_valtype(p, &t));
                MOAT_TRY(push_u8(p, &ft->types, &cap, ft->nparams++, t));
                if (names) MOAT_TRY(moat__space_add(p, names, WAT_NONE, "local"));
            }
        }
        MOAT_TRY(moat__p_rpar(p));
    }
    while (moat__p_is_field(p, "result")) {
        p->pos += 2;
        u8 t;
        while (moat__p_valtype_at(p, 0)) {
            MOAT_TRY(moat__p_valtype(p, &t));
            MOAT_TRY(push_u8(p, &ft->types, &cap, ft->nparams + ft->nresults++, t));
        }
        MOAT_TRY(moat__p_rpar(p));
    }
    return true;
fail:
    free(ft->types);
    ft->types = NULL;
    return false;
}

static bool type_eq(const wat_functype *a, const wat_functype *b) {
    return a->nparams == b->nparams && a->nresults == b->nresults
           && (!(a->nparams + a->nresults)
               || !memcmp(a->types, b->types, a->nparams + a->nresults));
}

// Adds a type (taking ft's array) with identifier id_tok.
static bool add_type(wat_parser *p, u32 id_tok, wat_functype *ft) {
    if (p->types.count == p->ftypes_cap) {
        u32 cap = p->ftypes_cap ? p->ftypes_cap * 2 : 16;
        wat_functype *bigger = realloc(p->ftypes, (size_t)cap * sizeof *bigger);
        if (!bigger) {
            free(ft->types);
            return moat__p_fail(p, "out of memory");
        }
        p->ftypes = bigger;
        p->ftypes_cap = cap;
    }
    if (!moat__space_add(p, &p->types, id_tok, "type")) {
        free(ft->types);
        return false;
    }
    p->ftypes[p->types.count - 1] = *ft;
    return true;
}

// The index of the first type equal to ft, appending ft as an implicit type if none is.
static bool find_or_add_type(wat_parser *p, wat_functype *ft, u32 *out) {
    for (u32 i = 0; i < p->types.count; i++) {
        if (type_eq(&p->ftypes[i], ft)) {
            free(ft->types);
            *out = i;
            return true;
        }
    }
    *out = p->types.count;
    return add_type(p, WAT_NONE, ft);
}

// Shared by function type uses and block types. `names` collects param ids (functions).
// With `(type x)`, *out_has_index is set and *out is x: an index past the types is left
// for validation to reject ("unknown type"), as it is not malformed text.
static bool typeuse(wat_parser *p, wat_space *names, bool allow_ids, u32 *out, bool *out_has_index,
                    wat_functype *out_ft) {
    u32 index = 0;
    *out_has_index = moat__p_is_field(p, "type");
    if (*out_has_index) {
        p->pos += 2;
        MOAT_TRY(moat__p_index(p, &p->types, "type", &index));
        MOAT_TRY(moat__p_rpar(p));
    }
    size_t inline_pos = p->pos;
    wat_functype ft;
    MOAT_TRY(params_results(p, &ft, names, allow_ids));
    bool is_inline = p->pos != inline_pos;
    if (!*out_has_index) {
        *out_ft = ft;
        return true;
    }
    bool known = index < p->types.count;
    bool same = known && type_eq(&ft, &p->ftypes[index]);
    free(ft.types);
    if (is_inline && known && !same) {
        p->pos = inline_pos;
        return moat__p_fail(p, "inline function type does not match the type definition");
    }
    if (names && !is_inline && known) {
        for (u32 i = 0; i < p->ftypes[index].nparams; i++)
            MOAT_TRY(moat__space_add(p, names, WAT_NONE, "local"));
    }
    *out = index;
    return true;
fail:
    return false;
}

bool moat__p_typeuse(wat_parser *p, enum wat_typeuse mode, u32 *out) {
    bool has_index;
    wat_functype ft;
    MOAT_TRY(typeuse(p, mode == TYPEUSE_FUNC ? &p->locals : NULL, mode == TYPEUSE_IMPORT, out,
                     &has_index, &ft));
    if (!has_index) MOAT_TRY(find_or_add_type(p, &ft, out));
    return true;
fail:
    return false;
}

bool moat__p_blocktype(wat_parser *p, i64 *out) {
    bool has_index;
    wat_functype ft;
    u32 index;
    MOAT_TRY(typeuse(p, NULL, false, &index, &has_index, &ft));
    if (has_index) {
        // [] -> [t?] is written as the short form even when named by index, as wabt does,
        // so that both give the same binary.
        const wat_functype *t = index < p->types.count ? &p->ftypes[index] : NULL;
        *out = !t || t->nparams || t->nresults > 1 ? index
               : t->nresults                       ? (i64)t->types[0] - 0x80
                                                   : -0x40;
        return true;
    }
    if (!ft.nparams && ft.nresults <= 1) {
        *out = ft.nresults ? (i64)ft.types[0] - 0x80 : -0x40;
        free(ft.types);
        return true;
    }
    MOAT_TRY(find_or_add_type(p, &ft, &index));
    *out = index;
    return true;
fail:
    return false;
}

bool moat__p_limits(wat_parser *p, wat_buf *out) {
    u64 min, max = 0;
    const wat_token *t = moat__p_tok(p, 0);
    if (t->kind != WAT_NUMBER) return moat__p_expected(p, "a limit");
    const char *why = moat__wat_nat(moat__p_text(p, t), t->len, UINT32_MAX, &min);
    if (why) return moat__p_fail(p, "%s", why);
    p->pos++;
    bool has_max = moat__p_tok(p, 0)->kind == WAT_NUMBER;
    if (has_max) {
        t = moat__p_tok(p, 0);
        if ((why = moat__wat_nat(moat__p_text(p, t), t->len, UINT32_MAX, &max)))
            return moat__p_fail(p, "%s", why);
        p->pos++;
    }
    moat__buf_byte(out, has_max ? 1 : 0);
    moat__buf_u32(out, (u32)min);
    if (has_max) moat__buf_u32(out, (u32)max);
    return true;
}

// ---------------------------------------------------------------------------------------
// First pass: indices and identifiers of every field

// The kind an import or a definition adds to, and its space.
static wat_space *field_space(wat_parser *p, size_t ahead, const char **out_what) {
    static const char *const kinds[] = {"func", "table", "memory", "global"};
    wat_space *spaces[] = {&p->funcs, &p->tables, &p->mems, &p->globals};
    for (size_t i = 0; i < 4; i++) {
        if (moat__p_is_kw(p, ahead, kinds[i])) {
            *out_what = kinds[i];
            return spaces[i];
        }
    }
    return NULL;
}

// Skips `(export ...)*` abbreviations of a definition.
static void skip_exports(wat_parser *p) {
    while (moat__p_is_field(p, "export"))
        moat__p_skip(p);
}

static bool collect_field(wat_parser *p, const char **seen_def) {
    size_t start = p->pos;
    MOAT_TRY(moat__p_lpar(p));
    const char *what = NULL;
    wat_space *space = field_space(p, 0, &what);
    if (moat__p_is_kw(p, 0, "type")) {
        p->pos++;
        u32 id = moat__p_opt_id(p);
        MOAT_TRY(moat__p_lpar(p));
        MOAT_TRY(moat__p_kw(p, "func"));
        wat_functype ft;
        MOAT_TRY(params_results(p, &ft, NULL, true));
        MOAT_TRY(add_type(p, id, &ft));
        MOAT_TRY(moat__p_rpar(p));
        MOAT_TRY(moat__p_rpar(p));
        return true;
    } else if (moat__p_is_kw(p, 0, "import")) {
        p->pos++;
        for (int i = 0; i < 2; i++) {
            if (moat__p_tok(p, 0)->kind != WAT_STRING) return moat__p_expected(p, "a string");
            p->pos++;
        }
        MOAT_TRY(moat__p_lpar(p));
        if (!(space = field_space(p, 0, &what)))
            return moat__p_expected(p, "an import kind (func, table, memory or global)");
        if (*seen_def) return moat__p_fail(p, "import after %s", *seen_def);
        p->pos++;
        MOAT_TRY(moat__space_add(p, space, moat__p_opt_id(p), what));
    } else if (space) {
        p->pos++;
        MOAT_TRY(moat__space_add(p, space, moat__p_opt_id(p), what));
        skip_exports(p);
        if (moat__p_is_field(p, "import")) {
            if (*seen_def) return moat__p_fail(p, "import after %s", *seen_def);
        } else {
            *seen_def = what;
            // (table reftype (elem ...)) and (memory (data ...)) define a segment too.
            if (space == &p->tables && moat__p_valtype_at(p, 0)
                && moat__p_tok(p, 1)->kind == WAT_LPAR && moat__p_is_kw(p, 2, "elem")) {
                MOAT_TRY(moat__space_add(p, &p->elems, WAT_NONE, "elem"));
            } else if (space == &p->mems && moat__p_is_field(p, "data")) {
                MOAT_TRY(moat__space_add(p, &p->datas, WAT_NONE, "data"));
            }
        }
    } else if (moat__p_is_kw(p, 0, "elem") || moat__p_is_kw(p, 0, "data")) {
        bool elem = moat__p_is_kw(p, 0, "elem");
        p->pos++;
        MOAT_TRY(moat__space_add(p, elem ? &p->elems : &p->datas, moat__p_opt_id(p),
                                 elem ? "elem" : "data"));
    } else if (!moat__p_is_kw(p, 0, "export") && !moat__p_is_kw(p, 0, "start")) {
        return moat__p_expected(p, "a module field");
    }
    p->pos = start;
    moat__p_skip(p);
    return true;
fail:
    return false;
}

// ---------------------------------------------------------------------------------------
// Assembly

static void type_section(wat_parser *p, wat_buf *out) {
    wat_buf b = {0};
    moat__buf_u32(&b, p->types.count);
    for (u32 i = 0; i < p->types.count; i++) {
        const wat_functype *ft = &p->ftypes[i];
        moat__buf_byte(&b, 0x60);
        moat__buf_u32(&b, ft->nparams);
        moat__buf_bytes(&b, ft->types, ft->nparams);
        moat__buf_u32(&b, ft->nresults);
        if (ft->nresults) moat__buf_bytes(&b, ft->types + ft->nparams, ft->nresults);
    }
    if (p->types.count) moat__buf_section(out, SEC_TYPE, &b, true);
    moat__buf_free(&b);
}

static void vector_section(wat_parser *p, wat_buf *out, enum wat_section id) {
    if (!p->count[id]) return;
    wat_buf b = {0};
    moat__buf_u32(&b, p->count[id]);
    moat__buf_bytes(&b, p->sec[id].data, p->sec[id].len);
    if (p->sec[id].oom) b.oom = true;
    moat__buf_section(out, (u8)id, &b, true);
    moat__buf_free(&b);
}

static void id_name(const wat_parser *p, u32 tok, wat_buf *out) {
    const wat_token *t = &p->src->toks.tok[tok];
    moat__buf_name(out, p->src->text + t->start + 1, t->len - 1);
}

// The "name" custom section: module name, function names, local names.
static void name_section(wat_parser *p, wat_buf *out) {
    wat_buf names = {0}, sub = {0};
    moat__buf_name(&names, "name", 4);
    bool any = false;
    if (p->module_id != WAT_NONE) {
        id_name(p, p->module_id, &sub);
        moat__buf_byte(&names, 0);
        moat__buf_u32(&names, (u32)sub.len);
        moat__buf_bytes(&names, sub.data, sub.len);
        any = true;
    }
    u32 nfuncs = 0;
    for (u32 i = 0; i < p->funcs.count; i++)
        nfuncs += p->funcs.ids[i] != WAT_NONE;
    if (nfuncs) {
        sub.len = 0;
        moat__buf_u32(&sub, nfuncs);
        for (u32 i = 0; i < p->funcs.count; i++) {
            if (p->funcs.ids[i] == WAT_NONE) continue;
            moat__buf_u32(&sub, i);
            id_name(p, p->funcs.ids[i], &sub);
        }
        moat__buf_byte(&names, 1);
        moat__buf_u32(&names, (u32)sub.len);
        moat__buf_bytes(&names, sub.data, sub.len);
        any = true;
    }
    if (p->nlocal_names) {
        sub.len = 0;
        moat__buf_u32(&sub, p->nlocal_names);
        moat__buf_bytes(&sub, p->local_names.data, p->local_names.len);
        moat__buf_byte(&names, 2);
        moat__buf_u32(&names, (u32)sub.len);
        moat__buf_bytes(&names, sub.data, sub.len);
        any = true;
    }
    if (sub.oom || p->local_names.oom) names.oom = true;
    if (any) moat__buf_section(out, 0, &names, true);
    moat__buf_free(&names);
    moat__buf_free(&sub);
}

static void assemble(wat_parser *p, wat_buf *out) {
    moat__buf_bytes(out, "\0asm\1\0\0\0", 8);
    type_section(p, out);
    for (int id = SEC_IMPORT; id <= SEC_GLOBAL; id++)
        vector_section(p, out, (enum wat_section)id);
    vector_section(p, out, SEC_EXPORT);
    if (p->count[SEC_START]) moat__buf_section(out, SEC_START, &p->sec[SEC_START], true);
    vector_section(p, out, SEC_ELEM);
    if (p->uses_data_index) {
        wat_buf b = {0};
        moat__buf_u32(&b, p->datas.count);
        moat__buf_section(out, SEC_DATACOUNT, &b, true);
        moat__buf_free(&b);
    }
    vector_section(p, out, SEC_CODE);
    vector_section(p, out, SEC_DATA);
    name_section(p, out);
}

static void parser_free(wat_parser *p) {
    wat_space *spaces[] = {&p->funcs, &p->tables, &p->mems,   &p->globals, &p->elems,
                           &p->datas, &p->types,  &p->locals, &p->labels};
    for (size_t i = 0; i < MOAT_COUNTOF(spaces); i++)
        free(spaces[i]->ids);
    for (u32 i = 0; i < p->types.count; i++)
        free(p->ftypes[i].types);
    free(p->ftypes);
    free(p->local_types);
    for (int i = 0; i < SEC_COUNT; i++)
        moat__buf_free(&p->sec[i]);
    moat__buf_free(&p->local_names);
}

moat_error *moat__wat_module(const wat_source *src, size_t *pos, bool bare, wat_buf *out) {
    wat_parser p = {.src = src, .pos = *pos, .module_id = WAT_NONE};
    memset(out, 0, sizeof *out);
    if (!bare) {
        if (!moat__p_lpar(&p) || !moat__p_kw(&p, "module")) goto fail;
        p.module_id = moat__p_opt_id(&p);
    }
    size_t fields = p.pos;
    const char *seen_def = NULL;
    while (moat__p_tok(&p, 0)->kind == WAT_LPAR)
        MOAT_TRY(collect_field(&p, &seen_def));
    if (bare ? moat__p_tok(&p, 0)->kind != WAT_EOF : moat__p_tok(&p, 0)->kind != WAT_RPAR) {
        moat__p_expected(&p, bare ? "a module field" : "a module field or ')'");
        goto fail;
    }
    p.pos = fields;
    while (moat__p_tok(&p, 0)->kind == WAT_LPAR)
        MOAT_TRY(moat__field(&p));
    if (!bare) p.pos++;
    assemble(&p, out);
    if (out->oom) {
        p.err = moat__error_oom();
        goto fail;
    }
    *pos = p.pos;
    parser_free(&p);
    return NULL;
fail:
    if (!p.err) p.err = moat__error_oom();
    moat__buf_free(out);
    parser_free(&p);
    return p.err;
}

moat_error *moat__wat_to_wasm(const char *text, size_t len, const char *filename, u8 **out,
                              size_t *out_len) {
    wat_source src = {text, len, filename, {0}};
    moat_error *err = moat__wat_lex(&src);
    if (err) return err;
    size_t pos = 0;
    bool bare =
        !(src.toks.tok[0].kind == WAT_LPAR && src.toks.count > 1
          && src.toks.tok[1].kind == WAT_KEYWORD && moat__wat_is(&src, &src.toks.tok[1], "module"));
    wat_buf bin;
    err = moat__wat_module(&src, &pos, bare, &bin);
    if (!err && src.toks.tok[pos].kind != WAT_EOF)
        err = moat__wat_error_at(&src, &src.toks.tok[pos],
                                 "unexpected token after the module: expected end of input");
    if (err) {
        moat__buf_free(&bin);
    } else {
        *out = bin.data;
        *out_len = bin.len;
    }
    moat__wat_tokens_free(&src.toks);
    return err;
}
