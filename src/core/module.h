// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// The decoded module: an immutable description of a binary module. core/reader.c fills
// it, core/validate.c checks it, the runtime instantiates it. Every index space holds
// imports first, then definitions. Byte ranges (code, constant expressions, data) are
// offsets into `bytes`, the module's own copy of the binary.
#ifndef MOAT_CORE_MODULE_H
#define MOAT_CORE_MODULE_H

#include "util/types.h"

// Value type bytes as they appear in the binary format.
enum moat__valtype {
    MOAT_VT_I32 = 0x7F,
    MOAT_VT_I64 = 0x7E,
    MOAT_VT_F32 = 0x7D,
    MOAT_VT_F64 = 0x7C,
    MOAT_VT_V128 = 0x7B,
    MOAT_VT_FUNCREF = 0x70,
    MOAT_VT_EXTERNREF = 0x6F,
};

// "i32", "funcref", ...; "unknown" for any other byte (such as the validator's type of
// operands on a polymorphic stack).
static inline const char *moat__valtype_name(u8 valtype) {
    switch (valtype) {
    case MOAT_VT_I32:
        return "i32";
    case MOAT_VT_I64:
        return "i64";
    case MOAT_VT_F32:
        return "f32";
    case MOAT_VT_F64:
        return "f64";
    case MOAT_VT_V128:
        return "v128";
    case MOAT_VT_FUNCREF:
        return "funcref";
    case MOAT_VT_EXTERNREF:
        return "externref";
    default:
        return "unknown";
    }
}

// Block types and "no value" in type lists.
#define MOAT_VT_EMPTY 0x40

enum moat__extern_kind {
    MOAT__EXTERN_FUNC = 0,
    MOAT__EXTERN_TABLE = 1,
    MOAT__EXTERN_MEMORY = 2,
    MOAT__EXTERN_GLOBAL = 3,
};

struct moat__name {
    const char *data; // points into the module's bytes; NOT NUL-terminated
    u32 len;
};

struct moat__functype {
    u32 nparams, nresults;
    const u8 *params; // valtype bytes
    const u8 *results;
    u32 type_id; // engine-wide canonical id (equal ids <=> equal types); set by rt
};

struct moat__limits {
    u64 min, max;
    bool has_max;
};

struct moat__tabletype {
    u8 elem_type; // MOAT_VT_FUNCREF or MOAT_VT_EXTERNREF
    struct moat__limits limits;
};

struct moat__memtype {
    struct moat__limits limits; // in 64 KiB pages
};

struct moat__globaltype {
    u8 valtype;
    bool is_mutable;
};

// A constant expression: the instruction bytes [start, end), `end` excluding the final
// 0x0B. Evaluated at instantiation (rt/), validated by core/validate.c.
struct moat__const_expr {
    u32 start, end;
};

struct moat__import {
    struct moat__name module, name;
    u8 kind;    // enum moat__extern_kind
    u32 offset; // of the import entry, for link errors
    union {
        u32 type_index; // MOAT__EXTERN_FUNC
        struct moat__tabletype table;
        struct moat__memtype memory;
        struct moat__globaltype global;
    } desc;
};

struct moat__export {
    struct moat__name name;
    u8 kind;
    u32 index;
};

struct moat__local_run {
    u32 count;
    u8 type;
};

// A function body: locals and code. Filled for defined functions only.
struct moat__body {
    u32 offset;     // of the body's size field (for error reporting)
    u32 code_start; // first instruction (after the local declarations)
    u32 code_end;   // one past the final `end` (0x0B) byte
    u32 nlocals;    // declared locals, excluding parameters
    u32 nlocal_runs;
    struct moat__local_run *local_runs;
};

enum moat__segment_mode {
    MOAT__SEG_ACTIVE,
    MOAT__SEG_PASSIVE,
    MOAT__SEG_DECLARATIVE,
};

struct moat__elem {
    u8 mode;        // enum moat__segment_mode
    u8 elem_type;   // MOAT_VT_FUNCREF or MOAT_VT_EXTERNREF
    bool has_exprs; // items are constant expressions (else function indices)
    u32 table_index;
    struct moat__const_expr offset_expr; // active only
    u32 count;
    u32 *func_indices;              // !has_exprs
    struct moat__const_expr *exprs; // has_exprs
    u32 offset;                     // of the segment in the binary
};

struct moat__data {
    u8 mode; // ACTIVE or PASSIVE
    u32 memory_index;
    struct moat__const_expr offset_expr; // active only
    u32 data_start, data_len;            // bytes in the module
    u32 offset;                          // of the segment in the binary
};

// One entry per section found, in order (for `moat inspect` and error messages).
struct moat__section {
    u8 id;
    u32 offset;                    // of the section id byte
    u32 size;                      // payload size
    u32 payload;                   // offset of the payload
    struct moat__name custom_name; // custom sections only
};

struct moat__func_name {
    u32 func_index;
    struct moat__name name;
};

struct moat__module_ir {
    u8 *bytes; // owned copy of the binary
    size_t len;

    u32 ntypes;
    struct moat__functype *types;

    u32 nimports;
    struct moat__import *imports;

    // Function index space: func_type_index[i] for every function, imports first.
    u32 nfuncs, nfunc_imports;
    u32 *func_type_index;
    struct moat__body *bodies; // [nfuncs - nfunc_imports], for defined functions

    u32 ntables, ntable_imports;
    struct moat__tabletype *tables;

    u32 nmems, nmem_imports;
    struct moat__memtype *mems;

    u32 nglobals, nglobal_imports;
    struct moat__globaltype *globals;
    struct moat__const_expr *global_inits; // [nglobals - nglobal_imports]

    u32 nexports;
    struct moat__export *exports;

    bool has_start;
    u32 start_func;

    u32 nelems;
    struct moat__elem *elems;

    bool has_data_count;
    u32 data_count;
    u32 ndatas;
    struct moat__data *datas;

    // Functions referenced outside function bodies (exports, elem segments, global inits):
    // the only ones `ref.func` may name inside a body (spec: C.refs). Bitmap over nfuncs.
    u8 *declared_funcs;

    u32 nsections;
    struct moat__section *sections;

    // Name section (absent names are {NULL, 0}). func_names is sorted by func_index.
    struct moat__name module_name;
    u32 nfunc_names;
    struct moat__func_name *func_names;

    void *arena; // owner of every array above (util/arena.h)
};

// Decodes `bytes` (copied) into a new module IR. Returns NULL and sets *out, or returns
// an error naming the section, byte offset and what was expected. Function bodies are
// located and their locals decoded but their instructions are not checked here.
struct moat_error *moat__module_decode(const u8 *bytes, size_t len, struct moat__module_ir **out);
void moat__module_ir_free(struct moat__module_ir *m);

// The function's name from the name section, or {NULL, 0}.
struct moat__name moat__module_func_name(const struct moat__module_ir *m, u32 func_index);

static inline const struct moat__functype *moat__func_type(const struct moat__module_ir *m,
                                                           u32 func_index) {
    return &m->types[m->func_type_index[func_index]];
}

#endif
