// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// The text format layer's internal interface: the lexer (lexer.c), literals
// (numbers.c), the byte buffer the binary is written into (encode.c), the module parser
// (module.c, module_fields.c, instr.c) and the script reader (wast.c). It sits beside
// core/: it produces binary modules and knows nothing of validation or execution.
#ifndef MOAT_TEXT_TEXT_H
#define MOAT_TEXT_TEXT_H

#include "moat.h"
#include "util/types.h"

// ---------------------------------------------------------------------------------------
// Tokens. The whole input is lexed once into an array, so that the module parser can
// make its two passes (collect identifiers, then encode) and the script reader can skip
// a bad command by counting parentheses, without re-lexing.

typedef enum wat_tok_kind {
    WAT_EOF,
    WAT_LPAR,
    WAT_RPAR,
    WAT_KEYWORD,  // starts with a-z: keywords, mnemonics, `offset=4`, `inf`, `nan:0x1`
    WAT_NUMBER,   // starts with a digit, or a sign and a digit / `inf` / `nan`
    WAT_ID,       // $name
    WAT_STRING,   // "..." (escapes checked by the lexer, decoded by moat__wat_string)
    WAT_RESERVED, // any other run of identifier characters: always an error where used
} wat_tok_kind;

typedef struct wat_token {
    u8 kind;   // wat_tok_kind
    u32 start; // byte offset in the source
    u32 len;   // bytes
    u32 line;  // 1-based
    u32 col;   // 1-based, in bytes
} wat_token;

typedef struct wat_tokens {
    wat_token *tok; // count + 1 entries: the last is WAT_EOF
    size_t count;
} wat_tokens;

// A source being parsed: its text, name for messages and tokens.
typedef struct wat_source {
    const char *text;
    size_t len;
    const char *filename;
    wat_tokens toks;
} wat_source;

// Lexes src->text into src->toks. Returns NULL or an error "FILE:LINE:COL: message".
moat_error *moat__wat_lex(wat_source *src);
void moat__wat_tokens_free(wat_tokens *toks);

// An error at token `t` of `src`: "FILE:LINE:COL: message".
moat_error *moat__wat_error_at(const wat_source *src, const wat_token *t, const char *fmt, ...)
    MOAT_PRINTF(3, 4);
// Writes a short, printable description of a token for messages ("'foo'", "end of
// input", "'('") into buf.
const char *moat__wat_describe(const wat_source *src, const wat_token *t, char *buf, size_t size);

// Decodes a string token's bytes into a new malloc'd buffer (*out, NUL-terminated for
// convenience; *out_len excludes the NUL). Returns false on out of memory.
bool moat__wat_string(const wat_source *src, const wat_token *t, u8 **out, size_t *out_len);

// True if token t's text equals the NUL-terminated `s`.
bool moat__wat_is(const wat_source *src, const wat_token *t, const char *s);

// ---------------------------------------------------------------------------------------
// Literals (numbers.c). Each returns NULL or a static message ("i32 constant",
// "constant out of range", ...). `text`/`len` is the token's text.

const char *moat__wat_nat(const char *text, size_t len, u64 max, u64 *out);
// An iN literal: unsigned up to 2^bits-1 or signed in range; *out is the bits.
const char *moat__wat_int(const char *text, size_t len, unsigned bits, u64 *out);
const char *moat__wat_f32(const char *text, size_t len, u32 *out);
const char *moat__wat_f64(const char *text, size_t len, u64 *out);

// ---------------------------------------------------------------------------------------
// Output buffer (encode.c). Appends never fail: running out of memory sets `oom`, which
// the parser checks once at the end.

typedef struct wat_buf {
    u8 *data;
    size_t len, cap;
    bool oom;
} wat_buf;

void moat__buf_byte(wat_buf *b, u8 byte);
void moat__buf_bytes(wat_buf *b, const void *data, size_t len);
void moat__buf_u32(wat_buf *b, u32 v);
void moat__buf_s32(wat_buf *b, i32 v);
void moat__buf_s64(wat_buf *b, i64 v);
void moat__buf_u64(wat_buf *b, u64 v);
void moat__buf_name(wat_buf *b, const void *data, size_t len);
// An opcode from opcodes.def's CODE: one byte, or a prefix byte and a LEB sub-opcode.
void moat__buf_opcode(wat_buf *b, u32 code);
// Appends `section` as section `id` (size + payload) if it is not empty or `always`.
void moat__buf_section(wat_buf *out, u8 id, const wat_buf *section, bool always);
void moat__buf_free(wat_buf *b);

// ---------------------------------------------------------------------------------------
// Modules

// Parses the module that starts at token *pos of src: either `(module $id? field*)` or,
// when `bare` is true, a sequence of fields up to end of input (the form of `module
// quote` text and of .wat files without the `(module` wrapper). Consumes through the
// module's closing parenthesis. On success the binary is in *out (caller frees data).
moat_error *moat__wat_module(const wat_source *src, size_t *pos, bool bare, wat_buf *out);

// Converts a whole text (a `(module ...)` or bare fields) to a binary module.
moat_error *moat__wat_to_wasm(const char *text, size_t len, const char *filename, u8 **out,
                              size_t *out_len);

// Deepest nesting of folded instructions and blocks accepted, so hostile input gets an
// error rather than a native stack overflow.
#define WAT_MAX_DEPTH 1000

#endif
