// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Golden diagnostics for core/reader.c: each hand-made malformed module is a byte string
// paired with the exact error kind, the phrase its message must start with, and the
// byte offset. Then a few valid modules whose decoded fields are checked one by one.
// Every module starts with the 8-byte header, so the first section id is at offset 8.
#include "core/module.h"
#include "test.h"
#include "util/error.h"

#include <stdlib.h>

#define HDR "\0asm\1\0\0\0"
// A byte-string literal and its length (without the terminating NUL).
#define BYTES(s) (const u8 *)(s), sizeof(s) - 1

static void expect_error(int line, const u8 *bytes, size_t len, moat_error_kind kind,
                         const char *phrase, u64 offset) {
    struct moat__module_ir *m = NULL;
    moat_error *err = moat__module_decode(bytes, len, &m);
    if (!err) {
        test_failed++;
        fprintf(stderr, "%s:%d: decoded, expected \"%s\"\n", __FILE__, line, phrase);
        moat__module_ir_free(m);
        return;
    }
    const char *msg = moat_error_message(err);
    u64 got_offset = 0;
    bool has_offset = moat_error_offset(err, &got_offset);
    if (moat_error_kind_get(err) == kind && strncmp(msg, phrase, strlen(phrase)) == 0 && has_offset
        && got_offset == offset) {
        test_passed++;
    } else {
        test_failed++;
        fprintf(stderr,
                "%s:%d: got kind %d offset 0x%llx \"%s\"; expected kind %d offset 0x%llx "
                "\"%s...\"\n",
                __FILE__, line, (int)moat_error_kind_get(err), (unsigned long long)got_offset, msg,
                (int)kind, (unsigned long long)offset, phrase);
    }
    moat_error_delete(err);
}

#define MALFORMED(s, phrase, off) \
    expect_error(__LINE__, BYTES(s), MOAT_ERROR_MALFORMED, phrase, off)
#define UNSUPPORTED(s, phrase, off) \
    expect_error(__LINE__, BYTES(s), MOAT_ERROR_UNSUPPORTED, phrase, off)
#define LIMIT(s, phrase, off) expect_error(__LINE__, BYTES(s), MOAT_ERROR_LIMIT, phrase, off)

static void test_header(void) {
    MALFORMED("", "unexpected end", 0);
    MALFORMED("\0as", "unexpected end", 0);
    MALFORMED("\0asm\1\0", "unexpected end", 4);
    MALFORMED("\0asn\1\0\0\0", "magic header not detected", 0);
    MALFORMED("\0asm\2\0\0\0", "unknown binary version", 4);
    MALFORMED("\0asm\0\0\1\0", "unknown binary version", 4); // version 0, layer 1
    UNSUPPORTED("\0asm\x0d\0\1\0", "this is a WebAssembly component", 4);
}

static void test_sections(void) {
    MALFORMED(HDR "\x0e\x01\x00", "malformed section id", 8);
    UNSUPPORTED(HDR "\x0d\x01\x00", "exception handling (proposal) is not supported", 8);
    MALFORMED(HDR "\x01", "unexpected end", 9);               // no size
    MALFORMED(HDR "\x01\x05\x00", "length out of bounds", 9); // size past the end
    MALFORMED(HDR "\x01\x80\x80\x80\x80\x80\x00", "integer representation too long", 9);
    MALFORMED(HDR "\x01\x02\x00\x00", "section size mismatch", 11); // one byte left over
    MALFORMED(HDR "\x01\x01\x00\x01\x01\x00", "unexpected content after last section", 11);
    MALFORMED(HDR "\x03\x01\x00\x01\x01\x00", "unexpected content after last section", 11);
    // data count (12) must come before code (10)
    MALFORMED(HDR "\x0a\x01\x00\x0c\x01\x00", "unexpected content after last section", 11);
    // custom section whose name is not UTF-8 (a lone continuation byte)
    MALFORMED(HDR "\x00\x03\x02\x61\x80", "malformed UTF-8 encoding", 11);
    // custom section whose name runs past the section
    MALFORMED(HDR "\x00\x01\x05"
                  "abcde",
              "unexpected end", 11);
}

static void test_types(void) {
    UNSUPPORTED(HDR "\x01\x02\x01\x5f", "garbage collection (proposal) is not supported", 11);
    MALFORMED(HDR "\x01\x02\x01\x40", "malformed function type", 11);
    MALFORMED(HDR "\x01\x05\x01\x60\x01\x7a\x00", "malformed value type", 13);
    UNSUPPORTED(HDR "\x01\x05\x01\x60\x01\x64\x00",
                "typed function references (proposal) is not supported", 13);
    // 1,000,001 types: the limit is reported before the (missing) entries
    LIMIT(HDR "\x01\x04\xc1\x84\x3d\x00", "too many types: 1000001 exceeds moat's limit of 1000000",
          10);
    // a type count the section cannot hold
    MALFORMED(HDR "\x01\x02\x05\x60", "unexpected end of section or function", 12);
}

static void test_imports(void) {
    // (import "" "" <kind 5>)
    MALFORMED(HDR "\x02\x04\x01\x00\x00\x05", "malformed import kind", 13);
    // module name with an overlong encoding of '/'
    MALFORMED(HDR "\x02\x07\x01\x02\xc0\xaf\x00\x00\x00", "malformed UTF-8 encoding", 12);
    // name length past the end of the module
    MALFORMED(HDR "\x02\x04\x01\x09\x00\x00", "length out of bounds", 11);
    // (import "" "" (global i32 <mutability 2>))
    MALFORMED(HDR "\x02\x06\x01\x00\x00\x03\x7f\x02", "malformed mutability", 15);
    // (import "" "" (table <0x7f> ...))
    MALFORMED(HDR "\x02\x07\x01\x00\x00\x01\x7f\x00\x00", "malformed reference type", 14);
}

static void test_limits_flags(void) {
    UNSUPPORTED(HDR "\x05\x04\x01\x03\x00\x01", "threads (proposal) is not supported", 11);
    UNSUPPORTED(HDR "\x05\x03\x01\x04\x00", "memory64 (proposal) is not supported", 11);
    MALFORMED(HDR "\x05\x03\x01\x02\x00", "integer too large", 11);
    MALFORMED(HDR "\x05\x04\x01\x81\x00\x00", "integer representation too long", 11);
    // table of 20,000,000 elements (min 0x1312d00)
    LIMIT(HDR "\x04\x07\x01\x70\x00\x80\xda\xc4\x09",
          "initial table size (elements): 20000000 exceeds moat's limit of 10000000", 12);
}

static void test_entries(void) {
    // (global i32 (i32.const 0)) with mutability 2
    MALFORMED(HDR "\x06\x06\x01\x7f\x02\x41\x00\x0b", "malformed mutability", 12);
    // global init with an opcode that is no instruction at all
    MALFORMED(HDR "\x06\x06\x01\x7f\x00\x41\x00\x27", "illegal opcode", 15);
    // global init without `end`: the next section's id (0x0a) reads as an opcode
    MALFORMED(HDR "\x06\x05\x01\x7f\x00\x41\x00"
                  "\x0a\x01\x00",
              "illegal opcode", 15);
    // (export "" <kind 4> 0)
    MALFORMED(HDR "\x07\x04\x01\x00\x04\x00", "malformed export kind", 12);
    // element segment flags 8
    MALFORMED(HDR "\x09\x02\x01\x08", "malformed elements segment kind", 11);
    // passive element segment of expressions with type i32
    MALFORMED(HDR "\x09\x04\x01\x05\x7f\x00", "malformed reference type", 12);
    // data segment flags 3
    MALFORMED(HDR "\x0b\x02\x01\x03", "malformed data segment kind", 11);
    // passive data segment declaring 5 bytes, 2 given
    MALFORMED(HDR "\x0b\x05\x01\x01\x05\x61\x62", "unexpected end of section or function", 13);
}

static void test_code(void) {
    // type () -> (), one function, no code section: reported at the end of the module
    MALFORMED(HDR "\x01\x04\x01\x60\x00\x00\x03\x02\x01\x00",
              "function and code section have inconsistent lengths", 18);
    // two bodies for one function: reported at the code section's count
    MALFORMED(HDR "\x01\x04\x01\x60\x00\x00\x03\x02\x01\x00\x0a\x07\x02\x02\x00\x0b\x02\x00\x0b",
              "function and code section have inconsistent lengths", 20);
    // locals 0xffffffff i32 + 2 i64
    MALFORMED(HDR "\x01\x04\x01\x60\x00\x00\x03\x02\x01\x00"
                  "\x0a\x0c\x01\x0a\x02\xff\xff\xff\xff\x0f\x7f\x02\x7e\x0b",
              "too many locals", 23);
    // body size past the end of the module
    MALFORMED(HDR "\x01\x04\x01\x60\x00\x00\x03\x02\x01\x00\x0a\x04\x01\x09\x00\x0b",
              "length out of bounds", 21);
    // data count 2, data section with 1 segment
    MALFORMED(HDR "\x05\x03\x01\x00\x01\x0c\x01\x02\x0b\x03\x01\x01\x00",
              "data count and data section have inconsistent lengths", 18);
    // data count 1 and no data section
    MALFORMED(HDR "\x0c\x01\x01", "data count and data section have inconsistent lengths", 11);
}

// A function body bigger than MOAT_LIMIT_FUNC_BODY_SIZE (7,654,321 bytes).
static void test_body_size_limit(void) {
    size_t body = 7654322, n = 0;
    u8 *b = calloc(1, body + 64);
    if (!b) {
        test_failed++;
        return;
    }
    static const u8 head[] = "\0asm\1\0\0\0\x01\x04\x01\x60\x00\x00\x03\x02\x01\x00\x0a";
    memcpy(b, head, sizeof head - 1);
    n = sizeof head - 1;
    size_t sec = 1 + 4 + body; // count, 4-byte body size, body
    for (int i = 0; i < 4; i++, sec >>= 7)
        b[n++] = (u8)((sec & 0x7f) | (i < 3 ? 0x80 : 0));
    b[n++] = 1;
    size_t body_size_at = n;
    size_t v = body;
    for (int i = 0; i < 4; i++, v >>= 7)
        b[n++] = (u8)((v & 0x7f) | (i < 3 ? 0x80 : 0));
    b[n + body - 1] = 0x0b; // locals count 0 ... end
    n += body;
    expect_error(__LINE__, b, n, MOAT_ERROR_LIMIT,
                 "function body too large (bytes): 7654322 exceeds moat's limit of 7654321",
                 body_size_at);
    free(b);
}

static bool name_is(struct moat__name name, const char *s) {
    return name.data && name.len == strlen(s) && memcmp(name.data, s, name.len) == 0;
}

static bool declared(const struct moat__module_ir *m, u32 f) {
    return m->declared_funcs[f >> 3] & (1u << (f & 7));
}

// (module
//   (type (func (param i32) (result i64)))
//   (import "env" "f" (func (type 0)))
//   (import "env" "mem" (memory 1 2))
//   (import "env" "g" (global (mut f32)))
//   (func (type 0) (local i32 i32 f64) unreachable)
//   (table 4 funcref)
//   (global i32 (i32.const 7))
//   (global funcref (ref.func 0))
//   (export "run" (func 1))
//   (elem (i32.const 0) func 1)            ;; flags 0
//   (elem funcref (ref.null func))         ;; flags 5, passive
//   (elem declare func 0)                  ;; flags 3
//   (data (i32.const 8) "hi")              ;; flags 0
//   (data "xyz"))                          ;; flags 1
// with a name section: module "m", function 1 "run_fn", function 0 "imp".
static const u8 valid_module[] =
    HDR "\x01\x06\x01\x60\x01\x7f\x01\x7e" // type
        "\x02\x1e\x03"                     // import, 3 entries
        "\x03"
        "env"
        "\x01"
        "f"
        "\x00\x00"
        "\x03"
        "env"
        "\x03"
        "mem"
        "\x02\x01\x01\x02"
        "\x03"
        "env"
        "\x01"
        "g"
        "\x03\x7d\x01"
        "\x03\x02\x01\x00"                                     // function
        "\x04\x04\x01\x70\x00\x04"                             // table
        "\x06\x0b\x02\x7f\x00\x41\x07\x0b\x70\x00\xd2\x00\x0b" // global
        "\x07\x07\x01\x03"
        "run"
        "\x00\x01"     // export
        "\x09\x11\x03" // element
        "\x00\x41\x00\x0b\x01\x01"
        "\x05\x70\x01\xd0\x70\x0b"
        "\x03\x00\x01\x00"
        "\x0c\x01\x02"                                 // data count
        "\x0a\x09\x01\x07\x02\x02\x7f\x01\x7c\x00\x0b" // code
        "\x0b\x0d\x02\x00\x41\x08\x0b\x02"
        "hi"
        "\x01\x03"
        "xyz" // data
        "\x00\x19\x04"
        "name" // name section
        "\x00\x02\x01"
        "m"
        "\x01\x0e\x02\x00\x03"
        "imp"
        "\x01\x06"
        "run_fn";

static void test_valid_module(void) {
    struct moat__module_ir *m = NULL;
    moat_error *err = moat__module_decode(valid_module, sizeof valid_module - 1, &m);
    CHECK(err == NULL);
    if (err) {
        fprintf(stderr, "  %s\n", moat_error_message(err));
        moat_error_delete(err);
        return;
    }
    CHECK_EQ_INT(m->ntypes, 1);
    CHECK_EQ_INT(m->types[0].nparams, 1);
    CHECK_EQ_INT(m->types[0].params[0], MOAT_VT_I32);
    CHECK_EQ_INT(m->types[0].results[0], MOAT_VT_I64);

    CHECK_EQ_INT(m->nimports, 3);
    CHECK(name_is(m->imports[1].module, "env") && name_is(m->imports[1].name, "mem"));
    CHECK_EQ_INT(m->imports[1].kind, MOAT__EXTERN_MEMORY);
    CHECK_EQ_INT(m->imports[1].desc.memory.limits.max, 2);
    CHECK_EQ_INT(m->imports[2].desc.global.valtype, MOAT_VT_F32);
    CHECK(m->imports[2].desc.global.is_mutable);

    CHECK_EQ_INT(m->nfuncs, 2);
    CHECK_EQ_INT(m->nfunc_imports, 1);
    CHECK_EQ_INT(m->func_type_index[0], 0);
    CHECK_EQ_INT(m->func_type_index[1], 0);
    CHECK_EQ_INT(m->bodies[0].nlocals, 3);
    CHECK_EQ_INT(m->bodies[0].nlocal_runs, 2);
    CHECK_EQ_INT(m->bodies[0].local_runs[1].type, MOAT_VT_F64);
    CHECK_EQ_INT(m->bytes[m->bodies[0].code_start], 0x00); // unreachable
    CHECK_EQ_INT(m->bodies[0].code_end - m->bodies[0].code_start, 2);

    CHECK_EQ_INT(m->nmems, 1);
    CHECK_EQ_INT(m->nmem_imports, 1);
    CHECK_EQ_INT(m->ntables, 1);
    CHECK_EQ_INT(m->tables[0].limits.min, 4);
    CHECK_EQ_INT(m->nglobals, 3);
    CHECK_EQ_INT(m->globals[2].valtype, MOAT_VT_FUNCREF);
    CHECK_EQ_INT(m->globals[0].valtype, MOAT_VT_F32); // imports come first
    CHECK(m->globals[0].is_mutable);
    CHECK_EQ_INT(m->mems[0].limits.max, 2);
    CHECK_EQ_INT(m->global_inits[0].end - m->global_inits[0].start, 2); // i32.const 7

    CHECK_EQ_INT(m->nexports, 1);
    CHECK(name_is(m->exports[0].name, "run"));
    CHECK_EQ_INT(m->exports[0].index, 1);

    CHECK_EQ_INT(m->nelems, 3);
    CHECK_EQ_INT(m->elems[0].mode, MOAT__SEG_ACTIVE);
    CHECK_EQ_INT(m->elems[0].func_indices[0], 1);
    CHECK_EQ_INT(m->elems[1].mode, MOAT__SEG_PASSIVE);
    CHECK(m->elems[1].has_exprs);
    CHECK_EQ_INT(m->bytes[m->elems[1].exprs[0].start], 0xd0); // ref.null
    CHECK_EQ_INT(m->elems[2].mode, MOAT__SEG_DECLARATIVE);
    CHECK(declared(m, 0) && declared(m, 1)); // global ref.func 0, export and elems

    CHECK(m->has_data_count);
    CHECK_EQ_INT(m->data_count, 2);
    CHECK_EQ_INT(m->ndatas, 2);
    CHECK_EQ_INT(m->datas[0].mode, MOAT__SEG_ACTIVE);
    CHECK_EQ_INT(m->datas[1].mode, MOAT__SEG_PASSIVE);
    CHECK_EQ_INT(m->datas[1].data_len, 3);
    CHECK(memcmp(m->bytes + m->datas[1].data_start, "xyz", 3) == 0);

    CHECK_EQ_INT(m->nsections, 11);
    CHECK_EQ_INT(m->sections[0].id, 1);
    CHECK_EQ_INT(m->sections[0].offset, 8);
    CHECK_EQ_INT(m->sections[0].payload, 10);
    CHECK_EQ_INT(m->sections[10].id, 0);
    CHECK(name_is(m->sections[10].custom_name, "name"));

    CHECK(name_is(m->module_name, "m"));
    CHECK(name_is(moat__module_func_name(m, 0), "imp"));
    CHECK(name_is(moat__module_func_name(m, 1), "run_fn"));
    CHECK(moat__module_func_name(m, 2).data == NULL);
    moat__module_ir_free(m);
}

// Custom sections are not validated: a broken name section is ignored, not an error.
static void test_broken_name_section(void) {
    static const u8 unsorted[] = HDR "\x00\x0e\x04"
                                     "name"
                                     "\x01\x07\x02\x01\x01"
                                     "a"
                                     "\x00\x01"
                                     "b";
    static const u8 truncated[] = HDR "\x00\x09\x04"
                                      "name"
                                      "\x01\x09\x01\x00";
    static const u8 bad_utf8[] = HDR "\x00\x0a\x04"
                                     "name"
                                     "\x00\x03\x02\xff\xfe";
    const u8 *cases[] = {unsorted, truncated, bad_utf8};
    size_t lens[] = {sizeof unsorted - 1, sizeof truncated - 1, sizeof bad_utf8 - 1};
    for (int i = 0; i < 3; i++) {
        struct moat__module_ir *m = NULL;
        moat_error *err = moat__module_decode(cases[i], lens[i], &m);
        CHECK(err == NULL);
        if (err) {
            fprintf(stderr, "  case %d: %s\n", i, moat_error_message(err));
            moat_error_delete(err);
            continue;
        }
        CHECK_EQ_INT(m->nfunc_names, 0);
        CHECK(m->module_name.data == NULL);
        moat__module_ir_free(m);
    }
}

int main(void) {
    test_header();
    test_sections();
    test_types();
    test_imports();
    test_limits_flags();
    test_entries();
    test_code();
    test_body_size_limit();
    test_valid_module();
    test_broken_name_section();
    TEST_DONE();
}
