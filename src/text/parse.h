// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// The module parser's shared state: token cursor, index spaces with their identifiers,
// the function types (explicit ones from the first pass, implicit ones appended as type
// uses need them), the section buffers, and the current function's locals and labels.
// Used by module.c (passes, types, sections), module_fields.c (fields) and instr.c.
#ifndef MOAT_TEXT_PARSE_H
#define MOAT_TEXT_PARSE_H

#include "text/text.h"

#define WAT_NONE UINT32_MAX

// An index space: entry i's identifier token (or WAT_NONE).
typedef struct wat_space {
    u32 *ids;
    u32 count, cap;
} wat_space;

typedef struct wat_functype {
    u8 *types; // nparams parameter types, then nresults result types
    u32 nparams, nresults;
} wat_functype;

enum wat_section {
    SEC_TYPE = 1,
    SEC_IMPORT,
    SEC_FUNC,
    SEC_TABLE,
    SEC_MEMORY,
    SEC_GLOBAL,
    SEC_EXPORT,
    SEC_START,
    SEC_ELEM,
    SEC_CODE,
    SEC_DATA,
    SEC_DATACOUNT,
    SEC_COUNT
};

typedef struct wat_parser {
    const wat_source *src;
    size_t pos;
    moat_error *err;
    u32 depth; // folded instruction / block nesting

    wat_space funcs, tables, mems, globals, elems, datas, types;
    wat_functype *ftypes; // types.count entries
    u32 ftypes_cap;

    wat_buf sec[SEC_COUNT];
    u32 count[SEC_COUNT]; // entries in each vector section
    bool uses_data_index; // memory.init / data.drop: the binary needs a data count section
    u32 module_id;        // token of `(module $id)`, or WAT_NONE

    // Counters of the second pass: index of the next func/table/memory/global.
    u32 next_func, next_table, next_mem, next_global;

    // The function being parsed: its locals' ids (params first) and types, its labels.
    wat_space locals;
    u8 *local_types;
    u32 local_types_cap;
    wat_space labels;
    wat_buf local_names; // name section subsection 2 entries
    u32 nlocal_names;
} wat_parser;

// --- cursor (module.c) ---
const wat_token *moat__p_tok(const wat_parser *p, size_t ahead);
bool moat__p_is_kw(const wat_parser *p, size_t ahead, const char *kw);
// True if the next tokens are `(` and keyword kw.
bool moat__p_is_field(const wat_parser *p, const char *kw);
// Sets p->err (once) to an error at the current token.
bool moat__p_fail(wat_parser *p, const char *fmt, ...) MOAT_PRINTF(2, 3);
// "expected WHAT, got TOKEN" at the current token; returns false.
bool moat__p_expected(wat_parser *p, const char *what);
bool moat__p_lpar(wat_parser *p);
bool moat__p_rpar(wat_parser *p);
bool moat__p_kw(wat_parser *p, const char *kw);
// Skips a balanced s-expression starting at `(` (or one token), without recursion.
void moat__p_skip(wat_parser *p);
// The text of token t.
const char *moat__p_text(const wat_parser *p, const wat_token *t);

// --- index spaces (module.c) ---
bool moat__space_add(wat_parser *p, wat_space *s, u32 id_tok, const char *what);
// Reads an index: a u32 or an identifier of space s. `what` names the space in messages.
bool moat__p_index(wat_parser *p, wat_space *s, const char *what, u32 *out);
// True if the next token can start an index (a number or an identifier).
bool moat__p_at_index(const wat_parser *p);
// Consumes an optional $id, returning its token or WAT_NONE.
u32 moat__p_opt_id(wat_parser *p);
bool moat__id_eq(const wat_parser *p, u32 a, u32 b);

// --- types (module.c) ---
// A value type keyword (i32 ... externref); returns 0 if the token is not one.
u8 moat__p_valtype_at(const wat_parser *p, size_t ahead);
bool moat__p_valtype(wat_parser *p, u8 *out);
bool moat__p_reftype(wat_parser *p, u8 *out);
// A heap type after ref.null: func or extern.
bool moat__p_heaptype(wat_parser *p, u8 *out);
// A type use `(type x)? (param ...)* (result ...)*`. *out is the type index (an
// implicit type is appended when needed).
enum wat_typeuse {
    TYPEUSE_FUNC,   // a function definition: params become its first locals
    TYPEUSE_IMPORT, // an imported function: param identifiers allowed, not kept
    TYPEUSE_PLAIN,  // call_indirect: param identifiers are malformed
};
bool moat__p_typeuse(wat_parser *p, enum wat_typeuse mode, u32 *out);
// A block type: 0x40, a value type byte, or a type index (>= 0) in *out_index.
bool moat__p_blocktype(wat_parser *p, i64 *out);
bool moat__p_limits(wat_parser *p, wat_buf *out);

// --- fields (module_fields.c) ---
bool moat__field(wat_parser *p);

// --- instructions (instr.c) ---
// Instructions up to `)` or `end`/`else` (not consumed), written to out.
bool moat__p_instrs(wat_parser *p, wat_buf *out);
// Exactly one folded instruction `(...)`, written to out.
bool moat__p_instrs_one(wat_parser *p, wat_buf *out);
// A constant or body expression: instructions and the closing 0x0B.
bool moat__p_expr(wat_parser *p, wat_buf *out);

#endif
