// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// The binary decoder: WebAssembly 2.0 bytes -> struct moat__module_ir (core/module.h).
// Every read goes through the checked cursor of util/leb.h; the first failure is turned
// into one moat_error whose message starts with the spec testsuite's phrase, then says
// where ("(code section, offset 0x2a)"). Function bodies are located and their locals
// decoded, but their instructions are left to core/validate.c.
#include "core/limits.h"
#include "core/module.h"
#include "core/names.h"
#include "core/opcodes.h"
#include "util/arena.h"
#include "util/error.h"
#include "util/leb.h"
#include "util/utf8.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    SEC_CUSTOM = 0,
    SEC_TYPE = 1,
    SEC_IMPORT = 2,
    SEC_FUNCTION = 3,
    SEC_TABLE = 4,
    SEC_MEMORY = 5,
    SEC_GLOBAL = 6,
    SEC_EXPORT = 7,
    SEC_START = 8,
    SEC_ELEMENT = 9,
    SEC_CODE = 10,
    SEC_DATA = 11,
    SEC_DATACOUNT = 12,
    SEC_TAG = 13, // exception handling proposal
};

// Where a failure happened, for the "(... , offset 0x..)" part of messages.
enum where {
    AT_HEADER,         // magic and version
    AT_SECTION_HEADER, // a section's id and size
    AT_SECTION,        // inside the payload of section `sec_id`
    AT_END,            // checks made after the last section
};

struct reader {
    moat__cursor c;
    struct moat__module_ir *m;
    moat__arena *arena;
    moat_error *err;
    enum where where;
    u8 sec_id;
    const u8 *input_end; // end of the whole module
    const u8 *sec_end;   // end of the current section's payload
    u32 nfunc_decls;     // entries in the function section
    bool has_code, has_data;
    u32 code_offset;           // of the code section's count, for the end-of-module check
    u32 nbodies;               // entries in the code section
    struct moat__body *bodies; // bodies read so far (nbodies_read of them)
    u32 nbodies_read;
    u64 code_end;    // offset just past the code section (0 until it is read)
    u32 elems_total; // items of all element segments so far
    // Section list, grown with realloc while decoding and copied into the arena at the end.
    struct moat__section *secs;
    u32 nsecs, secs_cap;
    // Index spaces are allocated once their definitions are known; these flag it.
    bool funcs_done, tables_done, mems_done, globals_done;
};

static const char *section_name(u8 id) {
    static const char *const names[] = {
        "custom", "type",  "import",  "function", "table", "memory",     "global",
        "export", "start", "element", "code",     "data",  "data count",
    };
    return id < MOAT_COUNTOF(names) ? names[id] : "unknown";
}

// Position of each non-custom section in the required order (spec: binary modules):
// data count (12) sits between element (9) and code (10).
static int section_rank(u8 id) {
    static const int ranks[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 10};
    return ranks[id];
}

static u64 offset_of(const struct reader *r, const u8 *p) {
    return (u64)(p - r->c.base);
}

static u64 here(const struct reader *r) {
    return moat__cursor_offset(&r->c);
}

// Records the first error: the spec's phrase (formatted), then where it is. Returns false
// so callers can `return fail(...)`.
MOAT_PRINTF(4, 5)
static bool fail(struct reader *r, moat_error_kind kind, u64 off, const char *fmt, ...) {
    if (r->err) return false;
    char phrase[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(phrase, sizeof phrase, fmt, ap);
    va_end(ap);
    unsigned long long o = (unsigned long long)off;
    switch (r->where) {
    case AT_HEADER:
        r->err = moat__error_new(kind, off, "%s (module header, offset 0x%llx)", phrase, o);
        break;
    case AT_SECTION_HEADER:
        r->err = moat__error_new(kind, off, "%s (section header, offset 0x%llx)", phrase, o);
        break;
    case AT_SECTION:
        r->err = moat__error_new(kind, off, "%s (%s section, offset 0x%llx)", phrase,
                                 section_name(r->sec_id), o);
        break;
    case AT_END:
        r->err = moat__error_new(kind, off, "%s (end of module, offset 0x%llx)", phrase, o);
        break;
    }
    return false;
}

static bool fail_malformed(struct reader *r, u64 off, const char *phrase) {
    return fail(r, MOAT_ERROR_MALFORMED, off, "%s", phrase);
}

static bool fail_limit(struct reader *r, u64 off, const char *what, u64 value, u64 limit) {
    return fail(r, MOAT_ERROR_LIMIT, off, "%s: %llu exceeds moat's limit of %llu", what,
                (unsigned long long)value, (unsigned long long)limit);
}

static bool fail_unsupported(struct reader *r, u64 off, const char *proposal) {
    return fail(r, MOAT_ERROR_UNSUPPORTED, off, "%s (proposal) is not supported", proposal);
}

// Turns the cursor's recorded failure into the error, if no error was recorded yet.
// Inside a section the spec's wording for running out of bytes is the longer phrase.
static void cursor_error(struct reader *r) {
    if (r->err) return;
    const char *msg = r->c.fail_msg ? r->c.fail_msg : "unexpected end";
    u64 off = r->c.fail_msg ? r->c.fail_offset : here(r);
    if (r->where == AT_SECTION && strcmp(msg, "unexpected end") == 0)
        msg = "unexpected end of section or function";
    fail_malformed(r, off, msg);
}

static size_t remaining(const struct reader *r) {
    return r->c.p < r->c.end ? (size_t)(r->c.end - r->c.p) : 0;
}

// ---------------------------------------------------------------------------------------
// Small readers

static bool read_u8(struct reader *r, u8 *out) {
    return moat__read_u8(&r->c, out) || (cursor_error(r), false);
}

static bool read_u32(struct reader *r, u32 *out) {
    return moat__read_u32(&r->c, out) || (cursor_error(r), false);
}

static void *alloc_array(struct reader *r, size_t count, size_t size) {
    void *p = moat__arena_alloc_array(r->arena, count, size);
    if (!p && !r->err) r->err = moat__error_oom();
    return p;
}

// Reads a vector length. Every entry takes at least one byte, so a count larger than the
// rest of the module fails here, before anything is allocated: a hostile count cannot
// make us allocate gigabytes. The decoder would run out of bytes anyway, at the end of
// the module, which is the offset reported.
static bool read_count(struct reader *r, u32 *out) {
    if (!read_u32(r, out)) return false;
    if (*out > remaining(r))
        return fail_malformed(r, offset_of(r, r->c.end), "unexpected end of section or function");
    return true;
}

// Like read_count, for a vector whose entries join `base` earlier ones (imports of the
// same kind) in an index space bounded by `limit`: exceeding it is a LIMIT error naming
// `what` ("too many functions"), reported before the size check so it names the cause.
static bool read_count_limited(struct reader *r, u32 base, u32 limit, const char *what, u32 *out) {
    u64 off = here(r);
    if (!read_u32(r, out)) return false;
    if ((u64)base + *out > limit) return fail_limit(r, off, what, (u64)base + *out, limit);
    r->c.p = r->c.base + off; // read again, with the size check
    return read_count(r, out);
}

// A name: u32 length then that many bytes of UTF-8.
static bool read_name(struct reader *r, struct moat__name *out) {
    u64 len_off = here(r);
    u32 len;
    if (!read_u32(r, &len)) return false;
    if (len > remaining(r)) return fail_malformed(r, len_off, "length out of bounds");
    const u8 *bytes = r->c.p;
    if (!moat__utf8_valid(bytes, len))
        return fail_malformed(r, here(r), "malformed UTF-8 encoding");
    r->c.p += len;
    out->data = (const char *)bytes;
    out->len = len;
    return true;
}

// Type bytes that belong to proposals moat does not implement: the proposal, or NULL.
static const char *valtype_proposal(u8 byte) {
    switch (byte) {
    case 0x63:
    case 0x64: // (ref null ht), (ref ht)
        return "typed function references";
    case 0x69:
    case 0x74: // exnref, noexn
        return "exception handling";
    case 0x6A:
    case 0x6B:
    case 0x6C:
    case 0x6D:
    case 0x6E: // array struct i31 eq any
    case 0x71:
    case 0x72:
    case 0x73: // none noextern nofunc
        return "garbage collection";
    default:
        return NULL;
    }
}

static bool read_valtype(struct reader *r, u8 *out) {
    u64 off = here(r);
    u8 byte;
    if (!read_u8(r, &byte)) return false;
    switch (byte) {
    case MOAT_VT_I32:
    case MOAT_VT_I64:
    case MOAT_VT_F32:
    case MOAT_VT_F64:
    case MOAT_VT_V128:
    case MOAT_VT_FUNCREF:
    case MOAT_VT_EXTERNREF:
        *out = byte;
        return true;
    default: {
        const char *proposal = valtype_proposal(byte);
        if (proposal) return fail_unsupported(r, off, proposal);
        return fail(r, MOAT_ERROR_MALFORMED, off, "malformed value type 0x%02x", byte);
    }
    }
}

static bool read_reftype(struct reader *r, u8 *out) {
    u64 off = here(r);
    u8 byte;
    if (!read_u8(r, &byte)) return false;
    if (byte == MOAT_VT_FUNCREF || byte == MOAT_VT_EXTERNREF) {
        *out = byte;
        return true;
    }
    const char *proposal = valtype_proposal(byte);
    if (proposal) return fail_unsupported(r, off, proposal);
    return fail(r, MOAT_ERROR_MALFORMED, off, "malformed reference type 0x%02x", byte);
}

// Limits: a flags field then min and optional max, u32 in 2.0. The spec decoder reads the
// flags as a 1-bit LEB128 number, which gives its phrases for bad flags ("integer too
// large", "integer representation too long"); the proposals' flag values are named.
static bool read_limits(struct reader *r, bool is_memory, struct moat__limits *out) {
    u64 off = here(r);
    if (r->c.p < r->c.end) {
        u8 flags = *r->c.p;
        if (is_memory && flags == 0x03) return fail_unsupported(r, off, "threads");
        if (flags >= 0x04 && flags <= 0x07 && flags != 0x06)
            return fail_unsupported(r, off, "memory64");
    }
    u64 flags;
    if (!moat__read_uleb(&r->c, 1, &flags)) return cursor_error(r), false;
    u32 min, max = 0;
    if (!read_u32(r, &min)) return false;
    if ((flags & 1) && !read_u32(r, &max)) return false;
    out->min = min;
    out->max = max;
    out->has_max = flags & 1;
    return true;
}

static bool read_tabletype(struct reader *r, struct moat__tabletype *out) {
    if (!read_reftype(r, &out->elem_type)) return false;
    u64 off = here(r);
    if (!read_limits(r, false, &out->limits)) return false;
    // A minimum above the maximum is the validator's error, not a limit.
    bool is_invalid = out->limits.has_max && out->limits.min > out->limits.max;
    if (out->limits.min > MOAT_LIMIT_TABLE_SIZE && !is_invalid)
        return fail_limit(r, off, "initial table size (elements)", out->limits.min,
                          MOAT_LIMIT_TABLE_SIZE);
    return true;
}

static bool read_globaltype(struct reader *r, struct moat__globaltype *out) {
    if (!read_valtype(r, &out->valtype)) return false;
    u64 off = here(r);
    u8 mut;
    if (!read_u8(r, &mut)) return false;
    if (mut > 1) return fail_malformed(r, off, "malformed mutability");
    out->is_mutable = mut;
    return true;
}

// ---------------------------------------------------------------------------------------
// Index spaces and declared functions

// Allocates an index space of `nimported + ndefined` entries of `size` bytes and copies
// the imports' descriptions of `kind` into its front (every member of an import's `desc`
// union starts at the union's start, and each is the entry type of its index space).
// The counts were bounded by read_count_limited, or by the imports limit.
static void *index_space(struct reader *r, u8 kind, u32 nimported, u32 ndefined, size_t size) {
    u8 *space = alloc_array(r, (size_t)nimported + ndefined, size);
    if (!space) return NULL;
    size_t k = 0;
    for (u32 i = 0; i < r->m->nimports; i++)
        if (r->m->imports[i].kind == kind) memcpy(space + size * k++, &r->m->imports[i].desc, size);
    return space;
}

// The function index space, once the function section has been read (or is known absent).
static bool funcs_complete(struct reader *r, u32 ndefined) {
    struct moat__module_ir *m = r->m;
    if (r->funcs_done) return true;
    m->nfuncs = m->nfunc_imports + ndefined;
    m->func_type_index = index_space(r, MOAT__EXTERN_FUNC, m->nfunc_imports, ndefined, sizeof(u32));
    m->declared_funcs = alloc_array(r, (m->nfuncs + 7) / 8, 1);
    m->bodies = alloc_array(r, ndefined, sizeof *m->bodies);
    r->funcs_done = true;
    return m->func_type_index && m->declared_funcs && m->bodies;
}

static bool tables_complete(struct reader *r, u32 ndefined) {
    struct moat__module_ir *m = r->m;
    if (r->tables_done) return true;
    m->ntables = m->ntable_imports + ndefined;
    m->tables = index_space(r, MOAT__EXTERN_TABLE, m->ntable_imports, ndefined,
                            sizeof(struct moat__tabletype));
    r->tables_done = true;
    return m->tables != NULL;
}

static bool mems_complete(struct reader *r, u32 ndefined) {
    struct moat__module_ir *m = r->m;
    if (r->mems_done) return true;
    m->nmems = m->nmem_imports + ndefined;
    m->mems = index_space(r, MOAT__EXTERN_MEMORY, m->nmem_imports, ndefined,
                          sizeof(struct moat__memtype));
    r->mems_done = true;
    return m->mems != NULL;
}

static bool globals_complete(struct reader *r, u32 ndefined) {
    struct moat__module_ir *m = r->m;
    if (r->globals_done) return true;
    m->nglobals = m->nglobal_imports + ndefined;
    m->globals = index_space(r, MOAT__EXTERN_GLOBAL, m->nglobal_imports, ndefined,
                             sizeof(struct moat__globaltype));
    m->global_inits = alloc_array(r, ndefined, sizeof *m->global_inits);
    r->globals_done = true;
    return m->globals && m->global_inits;
}

// Sections come in order, so when a section of rank `rank` starts every earlier kind of
// section has been seen: the index spaces it defines are final (imports only if absent).
static bool complete_before(struct reader *r, int rank) {
    if (rank > section_rank(SEC_FUNCTION) && !funcs_complete(r, 0)) return false;
    if (rank > section_rank(SEC_TABLE) && !tables_complete(r, 0)) return false;
    if (rank > section_rank(SEC_MEMORY) && !mems_complete(r, 0)) return false;
    if (rank > section_rank(SEC_GLOBAL) && !globals_complete(r, 0)) return false;
    return true;
}

// Marks a function as referenced outside bodies. Out-of-range indices are the validator's
// to report, so they are skipped here.
static void declare_func(struct reader *r, u32 func_index) {
    struct moat__module_ir *m = r->m;
    if (m->declared_funcs && func_index < m->nfuncs)
        m->declared_funcs[func_index >> 3] |= (u8)(1u << (func_index & 7));
}

// ---------------------------------------------------------------------------------------
// Constant expressions

// Finds the end of a constant expression (a missing `end` shows up as "illegal opcode":
// the next section's id read as an opcode, as the testsuite expects). Which instructions
// are constant is the validator's question; here every 2.0 instruction is skipped by its
// immediates. `ref.func` marks the function as declared.
static bool read_const_expr(struct reader *r, struct moat__const_expr *out) {
    out->start = (u32)here(r);
    bool ok = false;
    for (;;) {
        u64 op_off = here(r);
        u32 op;
        if (!moat__read_opcode(&r->c, &op)) goto done;
        if (op == MOAT_OP_END) break;
        const struct moat__opinfo *info = moat__opinfo(op);
        if (!info) {
            const char *proposal = moat__opcode_proposal(op);
            if (proposal)
                fail(r, MOAT_ERROR_MALFORMED, op_off,
                     "illegal opcode 0x%x in constant expression (%s)", op, proposal);
            else
                fail(r, MOAT_ERROR_MALFORMED, op_off, "illegal opcode 0x%x", op);
            goto done;
        }
        if (op == MOAT_OP_REF_FUNC) {
            u32 func_index;
            if (!moat__read_u32(&r->c, &func_index)) goto done;
            declare_func(r, func_index);
        } else if (!moat__skip_immediates(&r->c, info)) {
            goto done;
        }
    }
    out->end = (u32)(here(r) - 1);
    ok = true;
done:
    if (!ok) cursor_error(r);
    return ok;
}

// ---------------------------------------------------------------------------------------
// Sections

static bool read_type_section(struct reader *r) {
    struct moat__module_ir *m = r->m;
    u32 n;
    if (!read_count_limited(r, 0, MOAT_LIMIT_TYPES, "too many types", &n)) return false;
    if (!(m->types = alloc_array(r, n, sizeof *m->types))) return false;
    m->ntypes = n;
    for (u32 i = 0; i < n; i++) {
        struct moat__functype *t = &m->types[i];
        u64 form_off = here(r);
        u8 form;
        if (!read_u8(r, &form)) return false;
        if (form != 0x60) {
            if (form & 0x80) // the spec reads the form as a 7-bit signed LEB128
                return fail_malformed(r, form_off, "integer representation too long");
            if (form == 0x5E || form == 0x5F || form == 0x4E || form == 0x50 || form == 0x4F)
                return fail_unsupported(r, form_off, "garbage collection");
            return fail(r, MOAT_ERROR_MALFORMED, form_off, "malformed function type 0x%02x", form);
        }
        for (int side = 0; side < 2; side++) {
            u32 count;
            if (!read_count_limited(r, 0, side == 0 ? MOAT_LIMIT_PARAMS : MOAT_LIMIT_RESULTS,
                                    side == 0 ? "too many parameters" : "too many results", &count))
                return false;
            const u8 *types = r->c.p; // value types are one byte each in 2.0
            for (u32 k = 0; k < count; k++) {
                u8 vt;
                if (!read_valtype(r, &vt)) return false;
            }
            if (side == 0) {
                t->nparams = count;
                t->params = types;
            } else {
                t->nresults = count;
                t->results = types;
            }
        }
    }
    return true;
}

static bool read_import_section(struct reader *r) {
    struct moat__module_ir *m = r->m;
    u32 n;
    if (!read_count_limited(r, 0, MOAT_LIMIT_IMPORTS, "too many imports", &n)) return false;
    if (!(m->imports = alloc_array(r, n, sizeof *m->imports))) return false;
    m->nimports = n;
    for (u32 i = 0; i < n; i++) {
        struct moat__import *imp = &m->imports[i];
        imp->offset = (u32)here(r);
        if (!read_name(r, &imp->module) || !read_name(r, &imp->name)) return false;
        u64 kind_off = here(r);
        u8 kind;
        if (!read_u8(r, &kind)) return false;
        imp->kind = kind;
        switch (kind) {
        case MOAT__EXTERN_FUNC:
            if (!read_u32(r, &imp->desc.type_index)) return false;
            m->nfunc_imports++;
            break;
        case MOAT__EXTERN_TABLE:
            if (!read_tabletype(r, &imp->desc.table)) return false;
            m->ntable_imports++;
            break;
        case MOAT__EXTERN_MEMORY:
            if (!read_limits(r, true, &imp->desc.memory.limits)) return false;
            m->nmem_imports++;
            break;
        case MOAT__EXTERN_GLOBAL:
            if (!read_globaltype(r, &imp->desc.global)) return false;
            m->nglobal_imports++;
            break;
        case 0x04: // a tag: exception handling; the 2.0 testsuite wants the phrase below
            return fail_malformed(r, kind_off,
                                  "malformed import kind 0x04 (a tag, from the "
                                  "exception handling proposal)");
        default:
            return fail(r, MOAT_ERROR_MALFORMED, kind_off, "malformed import kind 0x%02x", kind);
        }
    }
    return true;
}

static bool read_function_section(struct reader *r) {
    struct moat__module_ir *m = r->m;
    u32 n;
    if (!read_count_limited(r, m->nfunc_imports, MOAT_LIMIT_FUNCS, "too many functions", &n)
        || !funcs_complete(r, n))
        return false;
    r->nfunc_decls = n;
    for (u32 i = 0; i < n; i++)
        if (!read_u32(r, &m->func_type_index[m->nfunc_imports + i])) return false;
    return true;
}

static bool read_table_section(struct reader *r) {
    struct moat__module_ir *m = r->m;
    u32 n;
    if (!read_count_limited(r, m->ntable_imports, MOAT_LIMIT_TABLES, "too many tables", &n)
        || !tables_complete(r, n))
        return false;
    for (u32 i = 0; i < n; i++)
        if (!read_tabletype(r, &m->tables[m->ntable_imports + i])) return false;
    return true;
}

static bool read_memory_section(struct reader *r) {
    struct moat__module_ir *m = r->m;
    u32 n;
    if (!read_count(r, &n) || !mems_complete(r, n)) return false;
    for (u32 i = 0; i < n; i++)
        if (!read_limits(r, true, &m->mems[m->nmem_imports + i].limits)) return false;
    return true;
}

static bool read_global_section(struct reader *r) {
    struct moat__module_ir *m = r->m;
    u32 n;
    if (!read_count_limited(r, m->nglobal_imports, MOAT_LIMIT_GLOBALS, "too many globals", &n)
        || !globals_complete(r, n))
        return false;
    for (u32 i = 0; i < n; i++) {
        if (!read_globaltype(r, &m->globals[m->nglobal_imports + i])
            || !read_const_expr(r, &m->global_inits[i]))
            return false;
    }
    return true;
}

static bool read_export_section(struct reader *r) {
    struct moat__module_ir *m = r->m;
    u32 n;
    if (!read_count_limited(r, 0, MOAT_LIMIT_EXPORTS, "too many exports", &n)) return false;
    if (!(m->exports = alloc_array(r, n, sizeof *m->exports))) return false;
    m->nexports = n;
    for (u32 i = 0; i < n; i++) {
        struct moat__export *ex = &m->exports[i];
        if (!read_name(r, &ex->name)) return false;
        u64 kind_off = here(r);
        if (!read_u8(r, &ex->kind)) return false;
        if (ex->kind > MOAT__EXTERN_GLOBAL)
            return fail(r, MOAT_ERROR_MALFORMED, kind_off, "malformed export kind 0x%02x",
                        ex->kind);
        if (!read_u32(r, &ex->index)) return false;
        if (ex->kind == MOAT__EXTERN_FUNC) declare_func(r, ex->index);
    }
    return true;
}

static bool read_start_section(struct reader *r) {
    r->m->has_start = true;
    return read_u32(r, &r->m->start_func);
}

// Element segment items: function indices or constant expressions.
static bool read_elem_items(struct reader *r, struct moat__elem *seg) {
    u32 n;
    if (!read_count_limited(r, r->elems_total, MOAT_LIMIT_ELEMS_TOTAL,
                            "too many elements in element segments", &n))
        return false;
    r->elems_total += n;
    seg->count = n;
    if (seg->has_exprs) {
        if (!(seg->exprs = alloc_array(r, n, sizeof *seg->exprs))) return false;
        for (u32 i = 0; i < n; i++)
            if (!read_const_expr(r, &seg->exprs[i])) return false;
    } else {
        if (!(seg->func_indices = alloc_array(r, n, sizeof *seg->func_indices))) return false;
        for (u32 i = 0; i < n; i++) {
            if (!read_u32(r, &seg->func_indices[i])) return false;
            declare_func(r, seg->func_indices[i]);
        }
    }
    return true;
}

// One element segment. The flags' three bits (spec: binary element section): bit 0 =
// passive or declarative (else active), bit 1 = explicit table index (active) or
// declarative (otherwise), bit 2 = items are expressions with a reftype (else function
// indices with an elemkind).
static bool read_elem(struct reader *r, struct moat__elem *seg) {
    seg->offset = (u32)here(r);
    u64 flags_off = here(r);
    u32 flags;
    if (!read_u32(r, &flags)) return false;
    if (flags > 7)
        return fail(r, MOAT_ERROR_MALFORMED, flags_off, "malformed elements segment kind %u",
                    flags);
    bool is_active = !(flags & 1);
    seg->mode = is_active     ? MOAT__SEG_ACTIVE
                : (flags & 2) ? MOAT__SEG_DECLARATIVE
                              : MOAT__SEG_PASSIVE;
    seg->has_exprs = flags & 4;
    seg->elem_type = MOAT_VT_FUNCREF;
    if (is_active) {
        if ((flags & 2) && !read_u32(r, &seg->table_index)) return false;
        if (!read_const_expr(r, &seg->offset_expr)) return false;
    }
    // Flags 0 and 4 imply funcref; the others spell out the element kind or type.
    if (flags != 0 && flags != 4) {
        if (seg->has_exprs) {
            if (!read_reftype(r, &seg->elem_type)) return false;
        } else {
            u64 kind_off = here(r);
            u8 elemkind;
            if (!read_u8(r, &elemkind)) return false;
            if (elemkind != 0x00)
                return fail(r, MOAT_ERROR_MALFORMED, kind_off, "malformed element kind 0x%02x",
                            elemkind);
        }
    }
    return read_elem_items(r, seg);
}

static bool read_element_section(struct reader *r) {
    struct moat__module_ir *m = r->m;
    u32 n;
    if (!read_count_limited(r, 0, MOAT_LIMIT_ELEM_SEGMENTS, "too many element segments", &n))
        return false;
    if (!(m->elems = alloc_array(r, n, sizeof *m->elems))) return false;
    m->nelems = n;
    for (u32 i = 0; i < n; i++)
        if (!read_elem(r, &m->elems[i])) return false;
    return true;
}

static bool read_datacount_section(struct reader *r) {
    r->m->has_data_count = true;
    return read_u32(r, &r->m->data_count);
}

// Local declarations of one body: runs of (count, type). The total may not pass
// MOAT_LIMIT_LOCALS; the spec calls that "too many locals" and it is malformed, not a
// limit, because the spec itself bounds locals at 2^32 - 1 and engines at less.
static bool read_locals(struct reader *r, struct moat__body *body) {
    u32 nruns;
    if (!read_count(r, &nruns)) return false;
    if (!(body->local_runs = alloc_array(r, nruns, sizeof *body->local_runs))) return false;
    body->nlocal_runs = nruns;
    u64 total = 0;
    for (u32 i = 0; i < nruns; i++) {
        u64 run_off = here(r);
        struct moat__local_run *run = &body->local_runs[i];
        if (!read_u32(r, &run->count)) return false;
        total += run->count;
        if (total > MOAT_LIMIT_LOCALS) return fail_malformed(r, run_off, "too many locals");
        if (!read_valtype(r, &run->type)) return false;
    }
    body->nlocals = (u32)total;
    return true;
}

static bool read_body(struct reader *r, struct moat__body *body) {
    body->offset = (u32)here(r);
    u32 size;
    if (!read_u32(r, &size)) return false;
    if (size > remaining(r)) return fail_malformed(r, body->offset, "length out of bounds");
    if (size > MOAT_LIMIT_FUNC_BODY_SIZE)
        return fail_limit(r, body->offset, "function body too large (bytes)", size,
                          MOAT_LIMIT_FUNC_BODY_SIZE);
    const u8 *body_end = r->c.p + size;
    r->c.end = body_end;
    bool ok = read_locals(r, body);
    r->c.end = r->input_end;
    if (!ok) return false;
    // Whether the instructions end with the function's own `end` exactly at body_end is
    // checked by the validator, which decodes them.
    body->code_start = (u32)here(r);
    body->code_end = (u32)offset_of(r, body_end);
    r->c.p = body_end;
    return true;
}

static bool read_code_section(struct reader *r) {
    struct moat__module_ir *m = r->m;
    r->has_code = true;
    r->code_offset = (u32)here(r);
    u32 n;
    if (!read_count(r, &n)) return false;
    r->nbodies = n;
    // A count that differs from the function section's is reported after the last
    // section, as the spec's decoder does; until then the bodies go to a scratch array.
    struct moat__body *bodies = m->bodies;
    if (n != r->nfunc_decls && !(bodies = alloc_array(r, n, sizeof *bodies))) return false;
    r->bodies = bodies;
    for (u32 i = 0; i < n; i++) {
        if (!read_body(r, &bodies[i])) return false;
        r->nbodies_read = i + 1;
    }
    r->code_end = here(r);
    return true;
}

// The spec's decoder reads instruction by instruction through each body before it reads
// the next section, so a malformed immediate inside a body (an over-long LEB128 running
// past the body's end, say) is reported before whatever that misreading does to later
// sections. moat leaves bodies to the validator, so when decoding fails after the code
// section this scan asks the bodies first. Valid modules never pay for it.
static bool scan_bodies_for_malformed(struct reader *r) {
    r->where = AT_SECTION;
    r->sec_id = SEC_CODE;
    for (u32 i = 0; i < r->nbodies_read; i++) {
        const struct moat__body *body = &r->bodies[i];
        moat__cursor c = {
            .base = r->m->bytes, .p = r->m->bytes + body->code_start, .end = r->input_end};
        const u8 *body_end = r->m->bytes + body->code_end;
        while (c.p < body_end) {
            u64 op_off = moat__cursor_offset(&c);
            u32 op;
            if (!moat__read_opcode(&c, &op)) break;
            const struct moat__opinfo *info = moat__opinfo(op);
            if (!info) {
                if (moat__opcode_proposal(op)) break; // not malformed: the validator names it
                return fail(r, MOAT_ERROR_MALFORMED, op_off, "illegal opcode 0x%x", op);
            }
            if (!moat__skip_immediates(&c, info)) break;
        }
        if (c.fail_msg && strcmp(c.fail_msg, "unexpected end") != 0)
            return fail_malformed(r, c.fail_offset, c.fail_msg);
    }
    return true;
}

static bool read_data(struct reader *r, struct moat__data *seg) {
    seg->offset = (u32)here(r);
    u32 flags;
    if (!read_u32(r, &flags)) return false;
    if (flags > 2)
        return fail(r, MOAT_ERROR_MALFORMED, seg->offset, "malformed data segment kind %u", flags);
    seg->mode = flags == 1 ? MOAT__SEG_PASSIVE : MOAT__SEG_ACTIVE;
    if (flags == 2 && !read_u32(r, &seg->memory_index)) return false;
    if (flags != 1 && !read_const_expr(r, &seg->offset_expr)) return false;
    u32 len;
    if (!read_u32(r, &len)) return false;
    if (len > remaining(r))
        return fail_malformed(r, here(r), "unexpected end of section or function");
    seg->data_start = (u32)here(r);
    seg->data_len = len;
    r->c.p += len;
    return true;
}

static bool read_data_section(struct reader *r) {
    struct moat__module_ir *m = r->m;
    r->has_data = true;
    u64 off = here(r);
    u32 n;
    if (!read_u32(r, &n)) return false;
    if (m->has_data_count && n != m->data_count)
        return fail(r, MOAT_ERROR_MALFORMED, off,
                    "data count and data section have inconsistent lengths (%u and %u)",
                    m->data_count, n);
    r->c.p = r->c.base + off;
    if (!read_count_limited(r, 0, MOAT_LIMIT_DATA_SEGMENTS, "too many data segments", &n))
        return false;
    if (!(m->datas = alloc_array(r, n, sizeof *m->datas))) return false;
    m->ndatas = n;
    for (u32 i = 0; i < n; i++)
        if (!read_data(r, &m->datas[i])) return false;
    return true;
}

// A custom section: a name, then bytes nobody validates. The "name" section is decoded
// by core/names.c, which ignores what it cannot understand.
static bool read_custom_section(struct reader *r, struct moat__section *sec) {
    if (!read_name(r, &sec->custom_name)) return false;
    if (r->c.p > r->sec_end) // the name runs past the section
        return fail_malformed(r, offset_of(r, r->sec_end), "unexpected end");
    if (sec->custom_name.len == 4 && memcmp(sec->custom_name.data, "name", 4) == 0)
        moat__names_decode(r->m, (u32)here(r), (u32)offset_of(r, r->sec_end));
    r->c.p = r->sec_end;
    return true;
}

static bool read_section_payload(struct reader *r, struct moat__section *sec) {
    switch (sec->id) {
    case SEC_CUSTOM:
        return read_custom_section(r, sec);
    case SEC_TYPE:
        return read_type_section(r);
    case SEC_IMPORT:
        return read_import_section(r);
    case SEC_FUNCTION:
        return read_function_section(r);
    case SEC_TABLE:
        return read_table_section(r);
    case SEC_MEMORY:
        return read_memory_section(r);
    case SEC_GLOBAL:
        return read_global_section(r);
    case SEC_EXPORT:
        return read_export_section(r);
    case SEC_START:
        return read_start_section(r);
    case SEC_ELEMENT:
        return read_element_section(r);
    case SEC_CODE:
        return read_code_section(r);
    case SEC_DATA:
        return read_data_section(r);
    case SEC_DATACOUNT:
        return read_datacount_section(r);
    default:
        return fail_malformed(r, sec->offset, "malformed section id");
    }
}

static bool push_section(struct reader *r, struct moat__section **out) {
    if (r->nsecs == r->secs_cap) {
        u32 cap = r->secs_cap ? r->secs_cap * 2 : 16;
        struct moat__section *secs = realloc(r->secs, cap * sizeof *secs);
        if (!secs) {
            r->err = moat__error_oom();
            return false;
        }
        r->secs = secs;
        r->secs_cap = cap;
    }
    *out = &r->secs[r->nsecs++];
    memset(*out, 0, sizeof **out);
    return true;
}

// Reads one section: id, size, payload; the payload must be consumed exactly. Like the
// spec's reference decoder, entries are read from the module stream and the section size
// is checked once the section's entries are read: an entry that runs past the section
// end is reported by what goes wrong first, as the testsuite's phrases expect (a
// vector's name reaching past the module is "length out of bounds", and so on).
static bool read_section(struct reader *r, int *last_rank) {
    r->where = AT_SECTION_HEADER;
    u64 sec_off = here(r);
    u8 id;
    if (!read_u8(r, &id)) return false;
    if (id == SEC_TAG) return fail_unsupported(r, sec_off, "exception handling");
    if (id > SEC_DATACOUNT)
        return fail(r, MOAT_ERROR_MALFORMED, sec_off, "malformed section id %u", id);
    u64 size_off = here(r);
    u32 size;
    if (!read_u32(r, &size)) return false;
    if (size > remaining(r)) return fail_malformed(r, size_off, "length out of bounds");
    if (id != SEC_CUSTOM) {
        int rank = section_rank(id);
        if (rank <= *last_rank)
            return fail(r, MOAT_ERROR_MALFORMED, sec_off,
                        "unexpected content after last section (%s section out of order "
                        "or repeated)",
                        section_name(id));
        *last_rank = rank;
        if (!complete_before(r, rank)) return false;
    }
    struct moat__section *sec;
    if (!push_section(r, &sec)) return false;
    sec->id = id;
    sec->offset = (u32)sec_off;
    sec->payload = (u32)here(r);
    sec->size = size;
    r->where = AT_SECTION;
    r->sec_id = id;
    r->sec_end = r->c.p + size;
    u64 payload = here(r);
    if (!read_section_payload(r, sec)) return false;
    if (r->c.p != r->sec_end)
        return fail(r, MOAT_ERROR_MALFORMED,
                    r->c.p < r->sec_end ? here(r) : offset_of(r, r->sec_end),
                    "section size mismatch (%llu bytes declared, %llu used)",
                    (unsigned long long)size, (unsigned long long)(here(r) - payload));
    return true;
}

// Checks that need the whole module.
static bool check_end(struct reader *r) {
    struct moat__module_ir *m = r->m;
    r->where = AT_END;
    if (!complete_before(r, 100)) return false;
    if (r->nbodies != r->nfunc_decls) {
        if (r->has_code) { // point at the code section's count
            r->where = AT_SECTION;
            r->sec_id = SEC_CODE;
        }
        return fail(r, MOAT_ERROR_MALFORMED, r->has_code ? r->code_offset : m->len,
                    "function and code section have inconsistent lengths (%u functions, "
                    "%u bodies)",
                    r->nfunc_decls, r->nbodies);
    }
    if (m->has_data_count && !r->has_data && m->data_count != 0)
        return fail(r, MOAT_ERROR_MALFORMED, m->len,
                    "data count and data section have inconsistent lengths (%u and no data "
                    "section)",
                    m->data_count);
    if (!(m->sections = alloc_array(r, r->nsecs, sizeof *m->sections))) return false;
    if (r->nsecs) memcpy(m->sections, r->secs, r->nsecs * sizeof *m->sections);
    m->nsections = r->nsecs;
    return true;
}

// The header: magic "\0asm", then version 1. A Component Model binary has the same magic
// with a non-zero layer field (bytes 6-7); say so rather than "unknown binary version".
static bool read_header(struct reader *r) {
    r->where = AT_HEADER;
    const u8 *magic, *version;
    if (!moat__read_bytes(&r->c, 4, &magic)) return cursor_error(r), false;
    if (memcmp(magic, "\0asm", 4) != 0) return fail_malformed(r, 0, "magic header not detected");
    if (!moat__read_bytes(&r->c, 4, &version)) return cursor_error(r), false;
    u32 ver = (u32)version[0] | (u32)version[1] << 8;
    u32 layer = (u32)version[2] | (u32)version[3] << 8;
    if (layer == 1 && ver != 0)
        return fail(r, MOAT_ERROR_UNSUPPORTED, 4,
                    "this is a WebAssembly component (Component Model layer), which moat "
                    "does not support yet; expected a core module");
    if (ver != 1 || layer != 0) return fail_malformed(r, 4, "unknown binary version");
    return true;
}

struct moat_error *moat__module_decode(const u8 *bytes, size_t len, struct moat__module_ir **out) {
    *out = NULL;
    if (len > MOAT_LIMIT_MODULE_SIZE)
        return moat__error_new(MOAT_ERROR_LIMIT, 0,
                               "module too large (bytes): %llu exceeds moat's limit of %llu "
                               "(module header, offset 0x0)",
                               (unsigned long long)len, (unsigned long long)MOAT_LIMIT_MODULE_SIZE);
    moat__arena *arena = moat__arena_new();
    struct moat__module_ir *m = arena ? moat__arena_alloc(arena, sizeof *m) : NULL;
    u8 *copy = m ? moat__arena_alloc_uninit(arena, len) : NULL;
    if (!copy) {
        moat__arena_free(arena);
        return moat__error_oom();
    }
    if (len) memcpy(copy, bytes, len);
    m->arena = arena;
    m->bytes = copy;
    m->len = len;

    struct reader r = {0};
    r.m = m;
    r.arena = arena;
    r.c.base = r.c.p = copy;
    r.c.end = r.input_end = copy + len;
    int last_rank = 0;
    bool ok = read_header(&r);
    while (ok && r.c.p < r.input_end)
        ok = read_section(&r, &last_rank);
    ok = ok && check_end(&r);
    free(r.secs);
    if (!ok) {
        if (!r.err) cursor_error(&r);
        if (r.code_end && r.err && r.err->offset >= r.code_end) {
            moat_error *later = r.err;
            r.err = NULL;
            if (scan_bodies_for_malformed(&r)) {
                r.err = later;
            } else {
                moat_error_delete(later);
            }
        }
        moat__arena_free(arena);
        return r.err;
    }
    *out = m;
    return NULL;
}

void moat__module_ir_free(struct moat__module_ir *m) {
    if (m) moat__arena_free(m->arena); // m itself lives in the arena
}

struct moat__name moat__module_func_name(const struct moat__module_ir *m, u32 func_index) {
    struct moat__name none = {NULL, 0};
    u32 lo = 0, hi = m->nfunc_names;
    while (lo < hi) {
        u32 mid = lo + (hi - lo) / 2;
        u32 idx = m->func_names[mid].func_index;
        if (idx == func_index) return m->func_names[mid].name;
        if (idx < func_index)
            lo = mid + 1;
        else
            hi = mid;
    }
    return none;
}
