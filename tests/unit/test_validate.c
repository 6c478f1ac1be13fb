// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Golden diagnostics for core/validate*.c: each hand-made module pairs its bytes with the
// exact error kind, the spec phrase the message must start with, and the byte offset.
// Modules are written as sections of hex bytes; the builder adds ids and sizes.
#include "core/module.h"
#include "core/validate.h"
#include "test.h"
#include "util/error.h"

#include <stdarg.h>
#include <stdlib.h>

// Pseudo section id: a code section holding one body whose contents (locals + code) are
// given; the builder adds the count and the body size.
#define CODE1 100

struct mod {
    u8 b[65536];
    size_t n;
};

static void put(struct mod *m, u8 byte) {
    if (m->n < sizeof m->b) m->b[m->n++] = byte;
}

static void put_uleb(struct mod *m, size_t v) {
    do {
        u8 byte = v & 0x7f;
        v >>= 7;
        put(m, byte | (v ? 0x80 : 0));
    } while (v);
}

static size_t parse_hex(const char *hex, u8 *out, size_t cap) {
    size_t n = 0;
    unsigned hi = 0;
    int half = 0;
    for (const char *p = hex; *p; p++) {
        int d = *p >= '0' && *p <= '9' ? *p - '0' : *p >= 'a' && *p <= 'f' ? *p - 'a' + 10 : -1;
        if (d < 0) continue;
        if (!half) {
            hi = (unsigned)d;
            half = 1;
        } else if (n < cap) {
            out[n++] = (u8)(hi << 4 | (unsigned)d);
            half = 0;
        }
    }
    return n;
}

// Builds "\0asm" v1 then (id, hex payload) pairs up to id -1.
static void build(struct mod *m, ...) {
    static u8 payload[65536];
    m->n = 0;
    parse_hex("0061736d 01000000", m->b, 8);
    m->n = 8;
    va_list ap;
    va_start(ap, m);
    for (int id; (id = va_arg(ap, int)) != -1;) {
        size_t n = parse_hex(va_arg(ap, const char *), payload, sizeof payload);
        if (id == CODE1) {
            put(m, 10);
            size_t body_size_len = n < 128 ? 1 : n < 16384 ? 2 : 3;
            put_uleb(m, 1 + body_size_len + n);
            put(m, 1);
            put_uleb(m, n);
        } else {
            put(m, (u8)id);
            put_uleb(m, n);
        }
        for (size_t i = 0; i < n; i++)
            put(m, payload[i]);
    }
    va_end(ap);
}

// Decodes and validates; returns the validation error (decoding must succeed).
static moat_error *validate(const struct mod *m) {
    struct moat__module_ir *ir = NULL;
    moat_error *err = moat__module_decode(m->b, m->n, &ir);
    if (err) {
        fprintf(stderr, "unexpected decoding error: %s\n", moat_error_message(err));
        return err;
    }
    err = moat__module_validate(ir, 0);
    moat__module_ir_free(ir);
    return err;
}

static void expect_error(int line, const struct mod *m, moat_error_kind kind, const char *phrase,
                         uint64_t offset) {
    moat_error *err = validate(m);
    uint64_t got_offset = 0;
    if (!err) {
        test_failed++;
        fprintf(stderr, "%s:%d: expected \"%s\", module is valid\n", __FILE__, line, phrase);
        return;
    }
    const char *msg = moat_error_message(err);
    bool ok = moat_error_kind_get(err) == kind && strncmp(msg, phrase, strlen(phrase)) == 0
              && moat_error_offset(err, &got_offset) && got_offset == offset;
    if (ok) {
        test_passed++;
    } else {
        test_failed++;
        fprintf(stderr, "%s:%d: expected kind %d \"%s\" at 0x%llx, got kind %d \"%s\" at 0x%llx\n",
                __FILE__, line, kind, phrase, (unsigned long long)offset, moat_error_kind_get(err),
                msg, (unsigned long long)got_offset);
    }
    moat_error_delete(err);
}

static void expect_valid(int line, const struct mod *m) {
    moat_error *err = validate(m);
    if (!err) {
        test_passed++;
        return;
    }
    test_failed++;
    fprintf(stderr, "%s:%d: expected a valid module, got \"%s\"\n", __FILE__, line,
            moat_error_message(err));
    moat_error_delete(err);
}

#define INVALID   MOAT_ERROR_INVALID
#define MALFORMED MOAT_ERROR_MALFORMED

// Common sections: type 0 = [] -> [], type 1 = [] -> [i32], type 2 = [i32] -> [i32].
#define TYPES   "03 6000 00  6000 017f  60017f 017f"
#define FUNC(t) "01 " t

// One function of type `type` with `body`, plus optional (id, hex) sections between
// the function and code sections (ids 4-9 must come in order).
#define FN(type, body) 1, TYPES, 3, FUNC(type), CODE1, body, -1
// The same with a name section calling function 0 "add".
#define FN_NAMED(type, body) \
    1, TYPES, 3, FUNC(type), CODE1, body, 0, "04 6e616d65 01 06 01 00 03 616464", -1

// Header (8) + type section (2 + 13) + function section (2 + 2) + code section header
// (id, size, count, body size) = 31: the offset of a single body's locals byte when the
// body is under 128 bytes and no other sections come between.
#define BODY 31

static void test_operands(void) {
    struct mod m;
    // i32.add of an i32 and an i64: the add at body offset 5
    build(&m, FN("00", "00 41 00 42 00 6a 1a 0b"));
    expect_error(__LINE__, &m, INVALID, "type mismatch: expected i32, found i64", BODY + 5);
    // a value left over at the end of a [] -> [] function
    build(&m, FN("00", "00 41 00 0b"));
    expect_error(__LINE__, &m, INVALID, "type mismatch", BODY + 3);
    // missing result
    build(&m, FN("01", "00 0b"));
    expect_error(__LINE__, &m, INVALID, "type mismatch: expected i32, found nothing", BODY + 1);
    // select without type on references
    build(&m, FN("00", "00 d0 70 d0 70 41 01 1b 1a 0b"));
    expect_error(__LINE__, &m, INVALID, "type mismatch", BODY + 7);
    // select with a type vector of two
    build(&m, FN("00", "00 41 00 41 00 41 01 1c 02 7f 7f 1a 0b"));
    expect_error(__LINE__, &m, INVALID, "invalid result arity", BODY + 7);
    // if without else whose result the empty else branch cannot produce
    build(&m, FN("00", "00 41 01 04 7f 41 01 0b 1a 0b"));
    expect_error(__LINE__, &m, INVALID, "type mismatch", BODY + 7);
    // br_table targets of different arity: block [] and block [i32]
    build(&m, FN("00", "00 02 40 02 7f 41 00 0e 01 00 01 0b 1a 0b 0b"));
    expect_error(__LINE__, &m, INVALID, "type mismatch", BODY + 7);
    // br_if after unreachable leaves the label's type (i64 here) for the next operator
    build(&m, FN("00", "00 02 7e 00 0d 00 45 1a 0b 0b"));
    expect_error(__LINE__, &m, INVALID, "type mismatch", BODY + 6);
    // ref.is_null on an i32
    build(&m, FN("00", "00 41 00 d1 1a 0b"));
    expect_error(__LINE__, &m, INVALID, "type mismatch", BODY + 3);
}

static void test_indices(void) {
    struct mod m;
    build(&m, FN("02", "00 20 05 0b"));
    expect_error(__LINE__, &m, INVALID, "unknown local 5", BODY + 1);
    build(&m, FN("00", "00 23 00 1a 0b"));
    expect_error(__LINE__, &m, INVALID, "unknown global 0", BODY + 1);
    build(&m, 1, TYPES, 3, FUNC("00"), 6, "01 7f00 41000b", CODE1, "00 41 00 24 00 0b", -1);
    expect_error(__LINE__, &m, INVALID, "global is immutable", BODY + 8 + 3);
    build(&m, FN("00", "00 0c 01 0b"));
    expect_error(__LINE__, &m, INVALID, "unknown label 1", BODY + 1);
    build(&m, FN("00", "00 10 09 0b"));
    expect_error(__LINE__, &m, INVALID, "unknown function 9", BODY + 1);
    build(&m, FN("00", "00 41 00 11 00 00 0b"));
    expect_error(__LINE__, &m, INVALID, "unknown table 0", BODY + 3);
    build(&m, FN("00", "00 41 00 28 02 00 1a 0b"));
    expect_error(__LINE__, &m, INVALID, "unknown memory 0", BODY + 3);
    build(&m, FN("00", "00 02 07 0b 0b"));
    expect_error(__LINE__, &m, INVALID, "unknown type 7", BODY + 1);
    build(&m, FN("00", "00 d2 00 1a 0b"));
    expect_error(__LINE__, &m, INVALID, "undeclared function reference", BODY + 1);
    build(&m, FN("00", "00 fc 0d 00 0b"));
    expect_error(__LINE__, &m, INVALID, "unknown elem segment 0", BODY + 1);
    // data.drop 2 with a data count of 1
    build(&m, 1, TYPES, 3, FUNC("00"), 5, "01 0001", 12, "01", CODE1, "00 fc 09 02 0b", 11,
          "01 01 00", -1);
    expect_error(__LINE__, &m, INVALID, "unknown data segment 2", BODY + 5 + 3 + 1);
}

// memory 0 with 1 page comes between the function and code sections (5 bytes).
#define MEM_FN(body) 1, TYPES, 3, FUNC("00"), 5, "01 0001", CODE1, body, -1
#define MBODY        (BODY + 5)

static void test_encodings(void) {
    struct mod m;
    build(&m, MEM_FN("00 41 00 28 03 00 1a 0b"));
    expect_error(__LINE__, &m, INVALID, "alignment must not be larger than natural", MBODY + 3);
    build(&m, MEM_FN("00 41 00 28 20 00 1a 0b"));
    expect_error(__LINE__, &m, MALFORMED, "malformed memop flags", MBODY + 4);
    build(&m, MEM_FN("00 3f 01 1a 0b"));
    expect_error(__LINE__, &m, MALFORMED, "zero byte expected", MBODY + 2);
    build(&m, MEM_FN("00 41 00 41 00 41 00 fc 0b 80 00 0b"));
    expect_error(__LINE__, &m, MALFORMED, "zero byte expected", MBODY + 9);
    build(&m, FN("00", "00 27 0b"));
    expect_error(__LINE__, &m, MALFORMED, "illegal opcode", BODY + 1);
    build(&m, FN("00", "00 12 00 0b"));
    expect_error(__LINE__, &m, MOAT_ERROR_UNSUPPORTED, "tail calls (proposal) is not supported",
                 BODY + 1);
    // SIMD: relaxed SIMD needs its feature (i8x16.relaxed_swizzle, sub-opcode 0x100),
    // lane indices are checked, reserved sub-opcodes are illegal.
#define V128_ZERO "fd 0c 00000000 00000000 00000000 00000000 "
    build(&m, FN("00", "00 " V128_ZERO V128_ZERO "fd 80 02 1a 0b"));
    expect_error(__LINE__, &m, MOAT_ERROR_UNSUPPORTED, "relaxed SIMD (proposal) is not supported",
                 BODY + 37);
    build(&m, FN("00", "00 " V128_ZERO "fd 15 10 1a 0b")); // i8x16.extract_lane_s 16
    expect_error(__LINE__, &m, INVALID, "invalid lane index", BODY + 19);
    build(&m,
          FN("00", "00 " V128_ZERO V128_ZERO "fd 0d 00010203 04050607 08090a0b 0c0d0e20 1a 0b"));
    expect_error(__LINE__, &m, INVALID, "invalid lane index", BODY + 37);
    build(&m, FN("00", "00 fd 9a 01 0b"));
    expect_error(__LINE__, &m, MALFORMED, "illegal opcode", BODY + 1);
#undef V128_ZERO
    // i32.const with a 6-byte LEB
    build(&m, FN("00", "00 41 80 80 80 80 80 00 1a 0b"));
    expect_error(__LINE__, &m, MALFORMED, "integer representation too long", BODY + 2);
    // data.drop 0 with a data section but no data count section
    build(&m, 1, TYPES, 3, FUNC("00"), 5, "01 0001", CODE1, "00 fc 09 00 0b", 11, "01 01 00", -1);
    expect_error(__LINE__, &m, MALFORMED, "data count section required", MBODY + 1);
    // else inside a block
    build(&m, FN("00", "00 02 40 05 0b 0b"));
    expect_error(__LINE__, &m, MALFORMED, "END opcode expected", BODY + 3);
    // a body that ends inside a block: the final end closes only the block
    build(&m, FN("00", "00 02 40 0b"));
    expect_error(__LINE__, &m, MALFORMED, "unexpected end of section or function", BODY + 4);
}

// A function with 1000 results called 1100 times would hold 1.1 million operands.
static void test_operand_limit(void) {
    struct mod m;
    static char types[2 * 1000 + 32], body[4 * 1100 + 16];
    size_t n = (size_t)snprintf(types, sizeof types, "01 60 00 e807");
    for (int i = 0; i < 1000; i++)
        n += (size_t)snprintf(types + n, sizeof types - n, "7f");
    n = (size_t)snprintf(body, sizeof body, "00");
    for (int i = 0; i < 1100; i++)
        n += (size_t)snprintf(body + n, sizeof body - n, "1000");
    build(&m, 1, types, 3, "01 00", CODE1, body, -1);
    moat_error *err = validate(&m);
    CHECK(err && moat_error_kind_get(err) == MOAT_ERROR_LIMIT);
    CHECK_CONTAINS(err ? moat_error_message(err) : NULL, "operand stack too deep");
    moat_error_delete(err);
}

// A malformed body anywhere wins over an invalid one: the spec decodes the whole binary
// before it validates.
static void test_malformed_first(void) {
    struct mod m;
    // function 0: i32.add of nothing; function 1: illegal opcode 0x27
    build(&m, 1, TYPES, 3, "02 00 00", 10, "02 04 00 6a 1a 0b 03 00 27 0b", -1);
    expect_error(__LINE__, &m, MALFORMED, "illegal opcode", 0x26);
    // the same function: a type error in a block, then memory.size with a non-zero byte
    build(&m, MEM_FN("00 02 40 41 00 0b 3f 01 1a 0b"));
    expect_error(__LINE__, &m, MALFORMED, "zero byte expected", MBODY + 7);
    // a module-level error, then a malformed body
    build(&m, 1, TYPES, 3, FUNC("00"), 6, "01 7f00 4200 0b", CODE1, "00 fc 0b 01 0b", -1);
    expect_error(__LINE__, &m, MALFORMED, "zero byte expected", BODY + 8 + 3);
    // without a malformed body, the first invalid one is reported
    build(&m, 1, TYPES, 3, "02 00 00", 10, "02 04 00 6a 1a 0b 02 00 0b", -1);
    expect_error(__LINE__, &m, INVALID, "type mismatch", 0x21);
}

// The error names the function by index, in the message and in the error object.
static void test_function_index(void) {
    struct mod m;
    build(&m, 1, TYPES, 3, "02 00 00", 10, "02 02000b 04004100 0b", -1);
    moat_error *err = validate(&m);
    CHECK(err != NULL);
    if (!err) return;
    CHECK_CONTAINS(moat_error_message(err), "type mismatch");
    CHECK_CONTAINS(moat_error_message(err), "(function 1, offset 0x26)");
    CHECK_EQ_INT(err->func_index, 1);
    moat_error_delete(err);
    // with a name section the message names the function too
    build(&m, FN_NAMED("00", "00 41 00 0b"));
    err = validate(&m);
    CHECK_CONTAINS(err ? moat_error_message(err) : NULL, "(function 0 $add, offset 0x22)");
    moat_error_delete(err);
}

static void test_nesting_limit(void) {
    struct mod m;
    static char body[4 * 2 * 10002 + 16];
    size_t n = 0;
    n += (size_t)snprintf(body + n, sizeof body - n, "00");
    for (int i = 0; i < 10001; i++)
        n += (size_t)snprintf(body + n, sizeof body - n, "0240");
    build(&m, FN("00", body));
    // The 10000th block opens the 10001st frame (the function is the first).
    moat_error *err = validate(&m);
    CHECK(err && moat_error_kind_get(err) == MOAT_ERROR_LIMIT);
    CHECK_CONTAINS(err ? moat_error_message(err) : NULL, "nested too deeply");
    moat_error_delete(err);
}

static void test_module_rules(void) {
    struct mod m;
    build(&m, 5, "02 0001 0001", -1);
    expect_error(__LINE__, &m, INVALID, "multiple memories", 10);
    build(&m, 5, "01 00 818004", -1);
    expect_error(__LINE__, &m, INVALID, "memory size must be at most 65536 pages (4GiB)", 10);
    build(&m, 5, "01 01 02 01", -1);
    expect_error(__LINE__, &m, INVALID, "size minimum must not be greater than maximum", 10);
    build(&m, 4, "01 70 01 02 01", -1);
    expect_error(__LINE__, &m, INVALID, "size minimum must not be greater than maximum", 10);
    // global i32 = i32.const 0; i32.const 0; i32.add
    build(&m, 6, "01 7f00 4100 4100 6a 0b", -1);
    expect_error(__LINE__, &m, INVALID, "constant expression required", 17);
    build(&m, 6, "01 7f00 4200 0b", -1);
    expect_error(__LINE__, &m, INVALID, "type mismatch", 13);
    // global.get of a defined global
    build(&m, 6, "02 7f00 41000b 7f00 23000b", -1);
    expect_error(__LINE__, &m, INVALID, "unknown global 0", 18);
    // global.get of an imported mutable global
    build(&m, 2, "01 01 6d 01 67 03 7f01", 6, "01 7f00 23000b", -1);
    expect_error(__LINE__, &m, INVALID, "constant expression required", 0x17);
    build(&m, 1, TYPES, 3, FUNC("00"), 7, "02 0161 0000 0161 0000", CODE1, "00 0b", -1);
    expect_error(__LINE__, &m, INVALID, "duplicate export name", 0x1d);
    build(&m, 7, "01 0161 0003", -1);
    expect_error(__LINE__, &m, INVALID, "unknown function 3", 10);
    build(&m, 7, "01 0161 0201", -1);
    expect_error(__LINE__, &m, INVALID, "unknown memory 1", 10);
    build(&m, 1, TYPES, 3, FUNC("01"), 8, "00", CODE1, "00 41000b", -1);
    expect_error(__LINE__, &m, INVALID, "start function", 0x1d);
    build(&m, 8, "00", -1);
    expect_error(__LINE__, &m, INVALID, "unknown function 0", 10);
    build(&m, 1, "01 600000", 3, "0100", 9, "01 01 00 01 05", CODE1, "00 0b", -1);
    expect_error(__LINE__, &m, INVALID, "unknown function 5", 0x15);
    build(&m, 11, "01 00 41000b 01 00", -1);
    expect_error(__LINE__, &m, INVALID, "unknown memory 0", 11);
    build(&m, 1, TYPES, 3, "01 05", CODE1, "00 0b", -1);
    expect_error(__LINE__, &m, INVALID, "unknown type 5", 0x19);
}

static void test_valid(void) {
    struct mod m;
    build(&m, -1);
    expect_valid(__LINE__, &m);
    // loop with a counter, br_if back, result through a block
    build(&m, FN("02", "01 01 7f 02 7f 03 40 20 01 41 01 6a 22 01 20 00 48 0d 00 0b 20 01 0b 0b"));
    expect_valid(__LINE__, &m);
    // polymorphic stack: unreachable then i32.add then select, br_table over blocks
    build(&m, FN("01", "00 02 7f 00 6a 41 00 1b 0b 0b"));
    expect_valid(__LINE__, &m);
    build(&m, FN("02", "00 02 7f 02 7f 20 00 20 00 0e 02 00 01 00 0b 0b 0b"));
    expect_valid(__LINE__, &m);
    // if/else with a type-index block type [i32] -> [i32]
    build(&m, FN("02", "00 20 00 41 01 04 02 41 01 6a 05 41 02 6c 0b 0b"));
    expect_valid(__LINE__, &m);
    // ref.func of an exported function, table ops, memory ops with a data count
    build(&m, 1, TYPES, 3, FUNC("00"), 4, "01 70 00 01", 5, "01 00 01", 7, "01 0166 0000", 12, "01",
          CODE1,
          "00 41 00 d2 00 26 00 41 00 28 02 00 1a 41 00 41 00 41 00 fc 08 00 00 fc 09 00 "
          "41 00 41 00 41 00 fc 0a 00 00 0b",
          11, "01 01 00", -1);
    expect_valid(__LINE__, &m);
    // v128 as a local type is accepted (only SIMD instructions are unsupported)
    build(&m, FN("00", "01 01 7b 0b"));
    expect_valid(__LINE__, &m);
}

int main(void) {
    test_operands();
    test_indices();
    test_encodings();
    test_nesting_limit();
    test_operand_limit();
    test_function_index();
    test_malformed_first();
    test_module_rules();
    test_valid();
    TEST_DONE();
}
