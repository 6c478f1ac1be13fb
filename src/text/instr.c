// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Instructions, flat and folded. Mnemonics and immediate kinds come from
// core/opcodes.def, so rows added there (SIMD, later proposals) parse without changes
// here; the few SIMD immediates with their own syntax (v128.const, shuffle, lanes) are
// recognised by mnemonic. Nesting is bounded by WAT_MAX_DEPTH.
#include "text/parse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct op_row {
    const char *text;
    u32 code;
    const char *imm; // the IMM column's name, so new kinds need no enum here
    u8 bytes;
} op_row;

static const op_row op_rows[] = {
#define OP(NAME, CODE, TEXT, IMM, R, A, B, BYTES) {TEXT, CODE, #IMM, BYTES},
#include "core/opcodes.def"
#undef OP
};

static const op_row *find_op(const char *text, size_t len) {
    for (size_t i = 0; i < MOAT_COUNTOF(op_rows); i++) {
        const char *t = op_rows[i].text;
        if (t[0] == text[0] && !strncmp(t, text, len) && !t[len]) return &op_rows[i];
    }
    return NULL;
}

static bool has_suffix(const char *s, size_t len, const char *suffix) {
    size_t n = strlen(suffix);
    return len >= n && !memcmp(s + len - n, suffix, n);
}

// ---------------------------------------------------------------------------------------
// Labels: a stack of identifiers; shadowing is allowed, so no duplicate check.

static bool label_push(wat_parser *p, u32 id) {
    return moat__space_add(p, &p->labels, WAT_NONE, "label")
           && ((p->labels.ids[p->labels.count - 1] = id), true);
}

static bool label_index(wat_parser *p, u32 *out) {
    const wat_token *t = moat__p_tok(p, 0);
    if (t->kind == WAT_ID) {
        for (u32 i = p->labels.count; i-- > 0;) {
            if (p->labels.ids[i] != WAT_NONE && moat__id_eq(p, p->labels.ids[i], (u32)p->pos)) {
                *out = p->labels.count - 1 - i;
                p->pos++;
                return true;
            }
        }
        return moat__p_fail(p, "unknown label %.*s", (int)t->len, moat__p_text(p, t));
    }
    wat_space none = {0};
    return moat__p_index(p, &none, "label", out);
}

// `end $id` / `else $id`: the identifier must be the block's label.
static bool end_label(wat_parser *p, u32 label) {
    if (moat__p_tok(p, 0)->kind != WAT_ID) return true;
    if (label == WAT_NONE || !moat__id_eq(p, label, (u32)p->pos))
        return moat__p_fail(p, "mismatching label");
    p->pos++;
    return true;
}

// ---------------------------------------------------------------------------------------
// Immediates

// A literal's error: the spec's phrase ("i32 constant", "constant out of range") and the
// token.
static bool literal_fail(wat_parser *p, const char *why) {
    const wat_token *t = moat__p_tok(p, 0);
    return moat__p_fail(p, "%s: '%.*s'", why, (int)(t->len > 40 ? 40 : t->len), moat__p_text(p, t));
}

static bool literal(wat_parser *p, const char *kind, unsigned bits, wat_buf *out) {
    const wat_token *t = moat__p_tok(p, 0);
    if (t->kind != WAT_NUMBER && t->kind != WAT_KEYWORD) return moat__p_expected(p, "a number");
    const char *text = moat__p_text(p, t), *why;
    if (kind[0] == 'i') {
        u64 v;
        if ((why = moat__wat_int(text, t->len, bits, &v))) return literal_fail(p, why);
        if (bits == 32)
            moat__buf_s32(out, (i32)(u32)v);
        else if (bits == 64)
            moat__buf_s64(out, (i64)v);
        else
            for (unsigned i = 0; i < bits / 8; i++)
                moat__buf_byte(out, (u8)(v >> (8 * i)));
    } else if (bits == 32) {
        u32 v;
        if ((why = moat__wat_f32(text, t->len, &v))) return literal_fail(p, why);
        for (int i = 0; i < 4; i++)
            moat__buf_byte(out, (u8)(v >> (8 * i)));
    } else {
        u64 v;
        if ((why = moat__wat_f64(text, t->len, &v))) return literal_fail(p, why);
        for (int i = 0; i < 8; i++)
            moat__buf_byte(out, (u8)(v >> (8 * i)));
    }
    p->pos++;
    return true;
}

// i32x4 1 2 3 4, f64x2 nan 1.5, ...: 16 little-endian bytes.
static bool v128_const(wat_parser *p, wat_buf *out) {
    static const struct {
        const char *shape;
        const char *kind;
        unsigned bits;
    } shapes[] = {{"i8x16", "i", 8},  {"i16x8", "i", 16}, {"i32x4", "i", 32},
                  {"i64x2", "i", 64}, {"f32x4", "f", 32}, {"f64x2", "f", 64}};
    for (size_t s = 0; s < MOAT_COUNTOF(shapes); s++) {
        if (!moat__p_is_kw(p, 0, shapes[s].shape)) continue;
        p->pos++;
        for (unsigned lane = 0; lane < 128 / shapes[s].bits; lane++) {
            if (shapes[s].kind[0] == 'i' && shapes[s].bits >= 32) {
                // Integer lanes are written little-endian, not as LEB128.
                const wat_token *t = moat__p_tok(p, 0);
                u64 v;
                const char *why;
                if (t->kind != WAT_NUMBER) return moat__p_expected(p, "a lane value");
                if ((why = moat__wat_int(moat__p_text(p, t), t->len, shapes[s].bits, &v)))
                    return literal_fail(p, why);
                for (unsigned i = 0; i < shapes[s].bits / 8; i++)
                    moat__buf_byte(out, (u8)(v >> (8 * i)));
                p->pos++;
            } else if (!literal(p, shapes[s].kind, shapes[s].bits, out)) {
                return false;
            }
        }
        return true;
    }
    return moat__p_expected(p, "a vector shape (i8x16, i16x8, i32x4, i64x2, f32x4, f64x2)");
}

static bool lane_index(wat_parser *p, wat_buf *out) {
    const wat_token *t = moat__p_tok(p, 0);
    u64 v;
    if (t->kind != WAT_NUMBER) return moat__p_expected(p, "a lane index");
    if (moat__wat_nat(moat__p_text(p, t), t->len, 0xFF, &v))
        return moat__p_fail(p, "malformed lane index");
    moat__buf_byte(out, (u8)v);
    p->pos++;
    return true;
}

// `offset=N`? `align=N`?, with the natural alignment as default.
static bool memarg(wat_parser *p, unsigned natural, wat_buf *out) {
    u64 offset = 0, align = natural ? natural : 1;
    const char *keys[] = {"offset=", "align="};
    u64 *vals[] = {&offset, &align};
    for (int k = 0; k < 2; k++) {
        const wat_token *t = moat__p_tok(p, 0);
        size_t n = strlen(keys[k]);
        if (t->kind != WAT_KEYWORD || t->len <= n || memcmp(moat__p_text(p, t), keys[k], n))
            continue;
        if (moat__wat_nat(moat__p_text(p, t) + n, t->len - n, k ? UINT32_MAX : UINT32_MAX, vals[k]))
            return moat__p_fail(p, "malformed %s value", k ? "alignment" : "offset");
        p->pos++;
    }
    if (!align || (align & (align - 1))) return moat__p_fail(p, "alignment must be a power of two");
    moat__buf_u32(out, (u32)__builtin_ctzll(align));
    moat__buf_u64(out, offset);
    return true;
}

// An optional index (memory or table), default 0.
static bool opt_index(wat_parser *p, wat_space *s, const char *what, u32 *out) {
    *out = 0;
    return !moat__p_at_index(p) || moat__p_index(p, s, what, out);
}

static bool immediates(wat_parser *p, const op_row *op, wat_buf *out) {
    const char *imm = op->imm;
    size_t tlen = strlen(op->text);
    u32 a, b;
    if (!strcmp(op->text, "v128.const")) return v128_const(p, out);
    if (!strcmp(op->text, "i8x16.shuffle")) {
        for (int i = 0; i < 16; i++)
            if (!lane_index(p, out)) return false;
        return true;
    }
    if (has_suffix(op->text, tlen, "_lane") && !strncmp(op->text, "v128.", 5))
        return memarg(p, op->bytes, out) && lane_index(p, out);
    if (strstr(op->text, "extract_lane") || strstr(op->text, "replace_lane"))
        return lane_index(p, out);
    if (!strcmp(imm, "NONE")) return true;
    if (!strcmp(imm, "LABEL")) {
        if (!label_index(p, &a)) return false;
        moat__buf_u32(out, a);
        return true;
    }
    if (!strcmp(imm, "BR_TABLE")) {
        wat_buf labels = {0};
        u32 n = 0;
        bool ok = true;
        while (ok && (moat__p_tok(p, 0)->kind == WAT_ID || moat__p_tok(p, 0)->kind == WAT_NUMBER)) {
            ok = label_index(p, &a);
            moat__buf_u32(&labels, a);
            n++;
        }
        if (ok && !n) ok = moat__p_expected(p, "a label");
        if (ok) {
            moat__buf_u32(out, n - 1);
            moat__buf_bytes(out, labels.data, labels.len);
        }
        moat__buf_free(&labels);
        return ok;
    }
    if (!strcmp(imm, "FUNC") || !strcmp(imm, "LOCAL") || !strcmp(imm, "GLOBAL")
        || !strcmp(imm, "DATA") || !strcmp(imm, "ELEM")) {
        wat_space *s = imm[0] == 'F'   ? &p->funcs
                       : imm[0] == 'L' ? &p->locals
                       : imm[0] == 'G' ? &p->globals
                       : imm[0] == 'D' ? &p->datas
                                       : &p->elems;
        const char *what = imm[0] == 'F'   ? "function"
                           : imm[0] == 'L' ? "local"
                           : imm[0] == 'G' ? "global"
                           : imm[0] == 'D' ? "data segment"
                                           : "elem segment";
        if (imm[0] == 'D') p->uses_data_index = true;
        if (!moat__p_index(p, s, what, &a)) return false;
        moat__buf_u32(out, a);
        return true;
    }
    if (!strcmp(imm, "CALL_INDIRECT")) {
        if (!opt_index(p, &p->tables, "table", &b) || !moat__p_typeuse(p, TYPEUSE_PLAIN, &a))
            return false;
        moat__buf_u32(out, a);
        moat__buf_u32(out, b);
        return true;
    }
    if (!strcmp(imm, "TABLE") || !strcmp(imm, "MEMORY")) {
        bool table = imm[0] == 'T';
        if (!opt_index(p, table ? &p->tables : &p->mems, table ? "table" : "memory", &a))
            return false;
        moat__buf_u32(out, a);
        return true;
    }
    if (!strcmp(imm, "MEMARG")) return memarg(p, op->bytes, out);
    if (!strcmp(imm, "I32") || !strcmp(imm, "I64") || !strcmp(imm, "F32") || !strcmp(imm, "F64"))
        return literal(p, imm[0] == 'I' ? "i" : "f", imm[1] == '3' ? 32 : 64, out);
    if (!strcmp(imm, "REFTYPE")) {
        u8 t;
        if (!moat__p_heaptype(p, &t)) return false;
        moat__buf_byte(out, t);
        return true;
    }
    if (!strcmp(imm, "MEMORY_INIT") || !strcmp(imm, "TABLE_INIT")) {
        bool table = imm[0] == 'T';
        wat_space *first = table ? &p->tables : &p->mems, *seg = table ? &p->elems : &p->datas;
        const char *what = table ? "elem segment" : "data segment";
        if (!table) p->uses_data_index = true;
        b = 0;
        if (moat__p_tok(p, 1)->kind == WAT_ID || moat__p_tok(p, 1)->kind == WAT_NUMBER) {
            if (!moat__p_index(p, first, table ? "table" : "memory", &b)) return false;
        }
        if (!moat__p_index(p, seg, what, &a)) return false;
        moat__buf_u32(out, a);
        moat__buf_u32(out, b);
        return true;
    }
    if (!strcmp(imm, "MEMORY_COPY") || !strcmp(imm, "TABLE_COPY")) {
        bool table = imm[0] == 'T';
        wat_space *s = table ? &p->tables : &p->mems;
        a = b = 0;
        if (moat__p_at_index(p)) {
            if (!moat__p_index(p, s, table ? "table" : "memory", &a)
                || !moat__p_index(p, s, table ? "table" : "memory", &b))
                return false;
        }
        moat__buf_u32(out, a);
        moat__buf_u32(out, b);
        return true;
    }
    return moat__p_fail(p, "%s: immediates of kind %s are not supported by the text parser",
                        op->text, imm);
}

// ---------------------------------------------------------------------------------------
// Instructions

static bool nest(wat_parser *p) {
    if (++p->depth > WAT_MAX_DEPTH) return moat__p_fail(p, "nesting too deep");
    return true;
}

// The label and block type of block/loop/if, after the keyword.
static bool block_head(wat_parser *p, u8 opcode, u32 *out_label, wat_buf *out) {
    *out_label = moat__p_opt_id(p);
    i64 bt;
    if (!moat__p_blocktype(p, &bt)) return false;
    moat__buf_byte(out, opcode);
    moat__buf_s64(out, bt);
    return label_push(p, *out_label);
}

// select with optional `(result t*)` clauses.
static bool select_instr(wat_parser *p, wat_buf *out) {
    wat_buf types = {0};
    u32 n = 0;
    bool typed = false, ok = true;
    while (ok && moat__p_is_field(p, "result")) {
        p->pos += 2;
        typed = true;
        u8 t;
        while (ok && moat__p_valtype_at(p, 0)) {
            ok = moat__p_valtype(p, &t);
            moat__buf_byte(&types, t);
            n++;
        }
        ok = ok && moat__p_rpar(p);
    }
    if (ok) {
        moat__buf_byte(out, typed ? 0x1C : 0x1B);
        if (typed) {
            moat__buf_u32(out, n);
            moat__buf_bytes(out, types.data, types.len);
        }
    }
    moat__buf_free(&types);
    return ok;
}

// A plain (non-structured) instruction at the current keyword.
static bool plain_instr(wat_parser *p, wat_buf *out) {
    const wat_token *t = moat__p_tok(p, 0);
    if (t->kind != WAT_KEYWORD) return moat__p_expected(p, "an instruction");
    if (moat__wat_is(p->src, t, "select")) {
        p->pos++;
        return select_instr(p, out);
    }
    const op_row *op = find_op(moat__p_text(p, t), t->len);
    if (!op || !strcmp(op->imm, "BLOCKTYPE") || op->code == 0x05 || op->code == 0x0B)
        return moat__p_fail(p, "unknown operator %.*s", (int)t->len, moat__p_text(p, t));
    p->pos++;
    moat__buf_opcode(out, op->code);
    return immediates(p, op, out);
}

// block/loop/if ... end in flat form, at the keyword.
static bool flat_block(wat_parser *p, wat_buf *out) {
    bool is_if = moat__p_is_kw(p, 0, "if");
    u8 opcode = is_if ? 0x04 : moat__p_is_kw(p, 0, "loop") ? 0x03 : 0x02;
    u32 label;
    p->pos++;
    if (!nest(p) || !block_head(p, opcode, &label, out) || !moat__p_instrs(p, out)) return false;
    if (is_if && moat__p_is_kw(p, 0, "else")) {
        p->pos++;
        if (!end_label(p, label)) return false;
        moat__buf_byte(out, 0x05);
        if (!moat__p_instrs(p, out)) return false;
    }
    if (!moat__p_kw(p, "end") || !end_label(p, label)) return false;
    moat__buf_byte(out, 0x0B);
    p->labels.count--;
    p->depth--;
    return true;
}

// (if label bt folded* (then instr*) (else instr*)?), after `(if`.
static bool folded_if(wat_parser *p, wat_buf *out) {
    u32 label = moat__p_opt_id(p);
    i64 bt;
    if (!moat__p_blocktype(p, &bt)) return false;
    while (moat__p_tok(p, 0)->kind == WAT_LPAR && !moat__p_is_field(p, "then"))
        if (!moat__p_instrs_one(p, out)) return false;
    moat__buf_byte(out, 0x04);
    moat__buf_s64(out, bt);
    if (!label_push(p, label)) return false;
    if (!moat__p_is_field(p, "then")) return moat__p_expected(p, "'(then'");
    p->pos += 2;
    if (!moat__p_instrs(p, out) || !moat__p_rpar(p)) return false;
    if (moat__p_is_field(p, "else")) {
        p->pos += 2;
        moat__buf_byte(out, 0x05);
        if (!moat__p_instrs(p, out) || !moat__p_rpar(p)) return false;
    }
    moat__buf_byte(out, 0x0B);
    p->labels.count--;
    return true;
}

bool moat__p_instrs_one(wat_parser *p, wat_buf *out) {
    if (!moat__p_lpar(p) || !nest(p)) return false;
    if (moat__p_is_kw(p, 0, "if")) {
        p->pos++;
        if (!folded_if(p, out)) return false;
    } else if (moat__p_is_kw(p, 0, "block") || moat__p_is_kw(p, 0, "loop")) {
        u8 opcode = moat__p_is_kw(p, 0, "loop") ? 0x03 : 0x02;
        u32 label;
        p->pos++;
        if (!block_head(p, opcode, &label, out) || !moat__p_instrs(p, out)) return false;
        moat__buf_byte(out, 0x0B);
        p->labels.count--;
    } else {
        // Operands first, then the operator with its immediates.
        wat_buf op = {0};
        bool ok = plain_instr(p, &op);
        while (ok && moat__p_tok(p, 0)->kind == WAT_LPAR)
            ok = moat__p_instrs_one(p, out);
        moat__buf_bytes(out, op.data, op.len);
        if (op.oom) out->oom = true;
        moat__buf_free(&op);
        if (!ok) return false;
    }
    p->depth--;
    return moat__p_rpar(p);
}

bool moat__p_instrs(wat_parser *p, wat_buf *out) {
    for (;;) {
        const wat_token *t = moat__p_tok(p, 0);
        if (t->kind == WAT_LPAR) {
            if (!moat__p_instrs_one(p, out)) return false;
        } else if (t->kind == WAT_KEYWORD) {
            if (moat__wat_is(p->src, t, "end") || moat__wat_is(p->src, t, "else")) return true;
            bool ok = moat__wat_is(p->src, t, "block") || moat__wat_is(p->src, t, "loop")
                              || moat__wat_is(p->src, t, "if")
                          ? flat_block(p, out)
                          : plain_instr(p, out);
            if (!ok) return false;
        } else if (t->kind == WAT_RPAR) {
            return true;
        } else {
            return moat__p_expected(p, "an instruction");
        }
    }
}

bool moat__p_expr(wat_parser *p, wat_buf *out) {
    if (!moat__p_instrs(p, out)) return false;
    moat__buf_byte(out, 0x0B);
    return true;
}
