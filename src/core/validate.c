// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Module-level validation (spec: validation, modules): index spaces, limits, constant
// expressions, segments, start and exports, then every function body (validate_func.c).
// Checks run in the order of the reference interpreter's check_module, so a module
// with several faults reports the one the testsuite expects.
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/opcodes.h"
#include "core/validate.h"
#include "core/validate_internal.h"
#include "util/error.h"

#define MAX_MEMORY_PAGES 65536u // spec: validation, memory types (2^16 pages = 4 GiB)

// Records the first error: "<phrase and detail> (<where>, offset 0xOFF)".
static MOAT_COLD bool fail(struct moat__vctx *v, moat_error_kind kind, u64 offset,
                           const char *where, const char *fmt, ...) MOAT_PRINTF(5, 6);
static MOAT_COLD bool fail(struct moat__vctx *v, moat_error_kind kind, u64 offset,
                           const char *where, const char *fmt, ...) {
    if (v->err) return false;
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    v->err = moat__error_new(kind, offset, "%s (%s, offset 0x%llx)", msg, where,
                             (unsigned long long)offset);
    return false;
}

// Offset of the first section with `id` (module-level errors point there), else 0.
static u64 section_offset(const struct moat__module_ir *m, u8 id) {
    for (u32 i = 0; i < m->nsections; i++)
        if (m->sections[i].id == id) return m->sections[i].payload;
    return 0;
}

enum {
    SEC_TYPE = 1,
    SEC_IMPORT = 2,
    SEC_FUNC = 3,
    SEC_TABLE = 4,
    SEC_MEMORY = 5,
    SEC_GLOBAL = 6,
    SEC_EXPORT = 7,
    SEC_START = 8
};

static bool check_limits(struct moat__vctx *v, const struct moat__limits *lim, u64 range,
                         const char *range_msg, u64 offset, const char *where) {
    if (lim->min > range || (lim->has_max && lim->max > range))
        return fail(v, MOAT_ERROR_INVALID, offset, where, "%s", range_msg);
    if (lim->has_max && lim->min > lim->max)
        return fail(v, MOAT_ERROR_INVALID, offset, where,
                    "size minimum must not be greater than maximum: %llu > %llu",
                    (unsigned long long)lim->min, (unsigned long long)lim->max);
    return true;
}

static bool check_table_type(struct moat__vctx *v, const struct moat__tabletype *t, u64 offset,
                             const char *where) {
    return check_limits(v, &t->limits, 0xFFFFFFFFu, "table size must be at most 2^32-1", offset,
                        where);
}

static bool check_memory_type(struct moat__vctx *v, const struct moat__memtype *t, u64 offset,
                              const char *where) {
    return check_limits(v, &t->limits, MAX_MEMORY_PAGES,
                        "memory size must be at most 65536 pages (4GiB)", offset, where);
}

// A constant expression of type `expected` (spec: validation, constant expressions).
// Constness is checked for every instruction first, the type afterwards, as in the
// reference interpreter. In 2.0, global.get may name only imported, immutable globals.
static bool check_const_expr(struct moat__vctx *v, struct moat__const_expr e, u8 expected,
                             const char *where) {
    const struct moat__module_ir *m = v->m;
    if (e.start > e.end || e.end > m->len)
        return fail(v, MOAT_ERROR_MALFORMED, e.start, where, "constant expression out of bounds");
    moat__cursor c = {.base = m->bytes, .p = m->bytes + e.start, .end = m->bytes + e.end};
    u32 depth = 0;
    u8 top = 0;
    while (!moat__cursor_at_end(&c)) {
        u64 at = moat__cursor_offset(&c);
        u32 code, index;
        i64 s;
        const u8 *bytes;
        bool ok = moat__read_opcode(&c, &code);
        switch (ok ? code : 0x100) {
        case MOAT_OP_I32_CONST:
            ok = moat__read_sleb(&c, 32, &s);
            top = MOAT_VT_I32;
            break;
        case MOAT_OP_I64_CONST:
            ok = moat__read_sleb(&c, 64, &s);
            top = MOAT_VT_I64;
            break;
        case MOAT_OP_F32_CONST:
            ok = moat__read_bytes(&c, 4, &bytes);
            top = MOAT_VT_F32;
            break;
        case MOAT_OP_F64_CONST:
            ok = moat__read_bytes(&c, 8, &bytes);
            top = MOAT_VT_F64;
            break;
        case MOAT_OP_V128_CONST:
            ok = moat__read_bytes(&c, 16, &bytes);
            top = MOAT_VT_V128;
            break;
        case MOAT_OP_REF_NULL:
            ok = moat__read_u8(&c, &top);
            if (ok && !moat__is_reftype(top))
                return fail(v, MOAT_ERROR_MALFORMED, at + 1, where, "malformed reference type");
            break;
        case MOAT_OP_REF_FUNC:
            ok = moat__read_u32(&c, &index);
            if (ok && index >= m->nfuncs)
                return fail(v, MOAT_ERROR_INVALID, at, where, "unknown function %u", index);
            top = MOAT_VT_FUNCREF;
            break;
        case MOAT_OP_GLOBAL_GET:
            ok = moat__read_u32(&c, &index);
            if (!ok) break;
            if (index >= m->nglobal_imports)
                return fail(v, MOAT_ERROR_INVALID, at, where, "unknown global %u", index);
            if (m->globals[index].is_mutable)
                return fail(v, MOAT_ERROR_INVALID, at, where,
                            "constant expression required: global %u is mutable", index);
            top = m->globals[index].valtype;
            break;
        case 0x100:
            break;
        default:
            if (!moat__opinfo(code) && moat__opcode_proposal(code))
                return fail(v, MOAT_ERROR_UNSUPPORTED, at, where,
                            "%s (proposal) is not supported: opcode 0x%x",
                            moat__opcode_proposal(code), code);
            if (!moat__opinfo(code))
                return fail(v, MOAT_ERROR_MALFORMED, at, where, "illegal opcode 0x%x", code);
            return fail(v, MOAT_ERROR_INVALID, at, where,
                        "constant expression required: %s is not constant",
                        moat__opinfo(code)->text);
        }
        if (!ok)
            return fail(v, MOAT_ERROR_MALFORMED, c.fail_offset, where, "%s",
                        c.fail_msg ? c.fail_msg : "unexpected end");
        depth++;
    }
    if (depth != 1 || top != expected)
        return fail(v, MOAT_ERROR_INVALID, e.start, where,
                    "type mismatch: constant expression must produce one %s, found %u value(s)%s%s",
                    moat__valtype_name(expected), depth, depth ? " ending with " : "",
                    depth ? moat__valtype_name(top) : "");
    return true;
}

static bool check_imports(struct moat__vctx *v) {
    const struct moat__module_ir *m = v->m;
    char where[48];
    for (u32 i = 0; i < m->nimports; i++) {
        const struct moat__import *imp = &m->imports[i];
        snprintf(where, sizeof where, "import %u", i);
        switch (imp->kind) {
        case MOAT__EXTERN_FUNC:
            if (imp->desc.type_index >= m->ntypes)
                return fail(v, MOAT_ERROR_INVALID, imp->offset, where, "unknown type %u",
                            imp->desc.type_index);
            break;
        case MOAT__EXTERN_TABLE:
            if (!check_table_type(v, &imp->desc.table, imp->offset, where)) return false;
            break;
        case MOAT__EXTERN_MEMORY:
            if (!check_memory_type(v, &imp->desc.memory, imp->offset, where)) return false;
            break;
        default:
            break;
        }
    }
    return true;
}

static bool check_definitions(struct moat__vctx *v) {
    const struct moat__module_ir *m = v->m;
    char where[48];
    // Every function's type first: bodies and calls rely on it (spec: C.funcs).
    for (u32 i = 0; i < m->nfuncs; i++)
        if (m->func_type_index[i] >= m->ntypes) {
            snprintf(where, sizeof where, "function %u", i);
            return fail(v, MOAT_ERROR_INVALID, section_offset(m, SEC_FUNC), where,
                        "unknown type %u", m->func_type_index[i]);
        }
    for (u32 i = m->nglobal_imports; i < m->nglobals; i++) {
        snprintf(where, sizeof where, "global %u", i);
        if (!check_const_expr(v, m->global_inits[i - m->nglobal_imports], m->globals[i].valtype,
                              where))
            return false;
    }
    for (u32 i = m->ntable_imports; i < m->ntables; i++) {
        snprintf(where, sizeof where, "table %u", i);
        if (!check_table_type(v, &m->tables[i], section_offset(m, SEC_TABLE), where)) return false;
    }
    for (u32 i = m->nmem_imports; i < m->nmems; i++) {
        snprintf(where, sizeof where, "memory %u", i);
        if (!check_memory_type(v, &m->mems[i], section_offset(m, SEC_MEMORY), where)) return false;
    }
    // spec 2.0: at most one memory, imported or defined
    if (m->nmems > 1)
        return fail(v, MOAT_ERROR_INVALID,
                    section_offset(m, m->nmem_imports > 1 ? SEC_IMPORT : SEC_MEMORY), "module",
                    "multiple memories: %u (WebAssembly 2.0 allows one)", m->nmems);
    return true;
}

// spec: validation, element segments. Items first, then the table, then the offset.
static bool check_elems(struct moat__vctx *v) {
    const struct moat__module_ir *m = v->m;
    char where[48];
    for (u32 i = 0; i < m->nelems; i++) {
        const struct moat__elem *e = &m->elems[i];
        snprintf(where, sizeof where, "elem segment %u", i);
        for (u32 k = 0; k < e->count; k++) {
            if (e->has_exprs) {
                if (!check_const_expr(v, e->exprs[k], e->elem_type, where)) return false;
            } else if (e->func_indices[k] >= m->nfuncs) {
                return fail(v, MOAT_ERROR_INVALID, e->offset, where, "unknown function %u",
                            e->func_indices[k]);
            }
        }
        if (e->mode != MOAT__SEG_ACTIVE) continue;
        if (e->table_index >= m->ntables)
            return fail(v, MOAT_ERROR_INVALID, e->offset, where, "unknown table %u",
                        e->table_index);
        if (m->tables[e->table_index].elem_type != e->elem_type)
            return fail(v, MOAT_ERROR_INVALID, e->offset, where,
                        "type mismatch: %s segment for %s table", moat__valtype_name(e->elem_type),
                        moat__valtype_name(m->tables[e->table_index].elem_type));
        if (!check_const_expr(v, e->offset_expr, MOAT_VT_I32, where)) return false;
    }
    return true;
}

static bool check_datas(struct moat__vctx *v) {
    const struct moat__module_ir *m = v->m;
    char where[48];
    for (u32 i = 0; i < m->ndatas; i++) {
        const struct moat__data *d = &m->datas[i];
        if (d->mode != MOAT__SEG_ACTIVE) continue;
        snprintf(where, sizeof where, "data segment %u", i);
        if (d->memory_index >= m->nmems)
            return fail(v, MOAT_ERROR_INVALID, d->offset, where, "unknown memory %u",
                        d->memory_index);
        if (!check_const_expr(v, d->offset_expr, MOAT_VT_I32, where)) return false;
    }
    return true;
}

static bool check_start(struct moat__vctx *v) {
    const struct moat__module_ir *m = v->m;
    if (!m->has_start) return true;
    u64 at = section_offset(m, SEC_START);
    if (m->start_func >= m->nfuncs)
        return fail(v, MOAT_ERROR_INVALID, at, "start section", "unknown function %u",
                    m->start_func);
    const struct moat__functype *ft = moat__func_type(m, m->start_func);
    if (ft->nparams || ft->nresults)
        return fail(v, MOAT_ERROR_INVALID, at, "start section",
                    "start function must have type [] -> [], function %u has %u param(s) and "
                    "%u result(s)",
                    m->start_func, ft->nparams, ft->nresults);
    return true;
}

static int compare_names(const void *a, const void *b) {
    const struct moat__name *x = a, *y = b;
    u32 n = x->len < y->len ? x->len : y->len;
    int r = n ? memcmp(x->data, y->data, n) : 0;
    if (r) return r;
    return x->len < y->len ? -1 : x->len > y->len;
}

static bool check_exports(struct moat__vctx *v) {
    const struct moat__module_ir *m = v->m;
    static const char *const kind_names[] = {"function", "table", "memory", "global"};
    u64 at = section_offset(m, SEC_EXPORT);
    char where[48];
    for (u32 i = 0; i < m->nexports; i++) {
        const struct moat__export *e = &m->exports[i];
        u32 limit = e->kind == MOAT__EXTERN_FUNC     ? m->nfuncs
                    : e->kind == MOAT__EXTERN_TABLE  ? m->ntables
                    : e->kind == MOAT__EXTERN_MEMORY ? m->nmems
                    : e->kind == MOAT__EXTERN_GLOBAL ? m->nglobals
                                                     : 0;
        snprintf(where, sizeof where, "export %u", i);
        if (e->kind > MOAT__EXTERN_GLOBAL)
            return fail(v, MOAT_ERROR_MALFORMED, at, where, "malformed export kind");
        if (e->index >= limit)
            return fail(v, MOAT_ERROR_INVALID, at, where, "unknown %s %u", kind_names[e->kind],
                        e->index);
    }
    if (m->nexports < 2) return true;
    // Sorting a copy finds duplicates in O(n log n): hostile modules have 100k exports.
    struct moat__name *names = malloc((size_t)m->nexports * sizeof *names);
    if (!names) {
        v->err = moat__error_oom();
        return false;
    }
    for (u32 i = 0; i < m->nexports; i++)
        names[i] = m->exports[i].name;
    qsort(names, m->nexports, sizeof *names, compare_names);
    for (u32 i = 1; i < m->nexports; i++)
        if (compare_names(&names[i - 1], &names[i]) == 0) {
            fail(v, MOAT_ERROR_INVALID, at, "export section", "duplicate export name \"%.*s\"",
                 (int)(names[i].len > 64 ? 64 : names[i].len), names[i].data);
            break;
        }
    free(names);
    return !v->err;
}

moat_error *moat__module_validate(const struct moat__module_ir *m, u32 features) {
    struct moat__vctx v = {.m = m, .features = features, .func_index = MOAT_NO_INDEX};
    bool ok = check_imports(&v) && check_definitions(&v) && check_elems(&v) && check_datas(&v);
    // Bodies are still decoded after a module-level INVALID error: a malformed body
    // makes the module malformed (spec: the binary is decoded before validation).
    if (!ok && v.err->kind == MOAT_ERROR_INVALID) moat__vctx_defer(&v);
    if (ok || v.decode_only) {
        for (u32 i = m->nfunc_imports; i < m->nfuncs; i++)
            if (!moat__validate_func(&v, i)) break;
    }
    if (!v.err && !v.decode_only && check_start(&v)) check_exports(&v);
    moat__vctx_free(&v);
    if (!v.err) return v.pending;
    moat_error_delete(v.pending);
    return v.err;
}
