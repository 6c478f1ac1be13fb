// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// The text format's tokens: parentheses, strings, identifiers and keyword/number atoms,
// with line and block comments (nested, counted without recursion) and whitespace
// skipped. Every token records its line and column for messages.
#include "text/text.h"
#include "util/error.h"
#include "util/utf8.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// The spec's idchar: printable ASCII except space, quote, comma, semicolon, brackets,
// braces and parentheses.
static bool is_idchar(unsigned char c) {
    if (c <= 0x20 || c >= 0x7F) return false;
    return !strchr("\"(),;[]{}", c);
}

moat_error *moat__wat_error_at(const wat_source *src, const wat_token *t, const char *fmt, ...) {
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return moat__error_new(MOAT_ERROR_MALFORMED, MOAT_NO_OFFSET, "%s:%u:%u: %s",
                           src->filename ? src->filename : "<text>", t->line, t->col, msg);
}

const char *moat__wat_describe(const wat_source *src, const wat_token *t, char *buf, size_t size) {
    switch (t->kind) {
    case WAT_EOF:
        return "end of input";
    case WAT_LPAR:
        return "'('";
    case WAT_RPAR:
        return "')'";
    case WAT_STRING:
        return "a string";
    default:
        break;
    }
    unsigned len = t->len > 40 ? 40 : t->len;
    snprintf(buf, size, "'%.*s%s'", (int)len, src->text + t->start, t->len > 40 ? "..." : "");
    return buf;
}

bool moat__wat_is(const wat_source *src, const wat_token *t, const char *s) {
    size_t n = strlen(s);
    return t->len == n && !memcmp(src->text + t->start, s, n);
}

typedef struct lexer {
    wat_source *src;
    const char *p, *end;
    u32 line;
    const char *line_start;
    wat_tokens *out;
    size_t cap;
} lexer;

static wat_token here(const lexer *lx) {
    return (wat_token){WAT_EOF, (u32)(lx->p - lx->src->text), 0, lx->line,
                       (u32)(lx->p - lx->line_start) + 1};
}

static moat_error *lex_error(const lexer *lx, const char *msg) {
    wat_token t = here(lx);
    return moat__wat_error_at(lx->src, &t, "%s", msg);
}

static void newline(lexer *lx) {
    lx->line++;
    lx->line_start = lx->p + 1;
}

// Skips whitespace and comments; returns NULL or an error for an unterminated block
// comment or a stray character.
static moat_error *skip_blank(lexer *lx) {
    while (lx->p < lx->end) {
        char c = *lx->p;
        if (c == '\n') {
            newline(lx);
            lx->p++;
        } else if (c == ' ' || c == '\t' || c == '\r') {
            lx->p++;
        } else if (c == ';' && lx->p + 1 < lx->end && lx->p[1] == ';') {
            // A line comment ends at a line feed or a carriage return.
            while (lx->p < lx->end && *lx->p != '\n' && *lx->p != '\r')
                lx->p++;
        } else if (c == '(' && lx->p + 1 < lx->end && lx->p[1] == ';') {
            wat_token open = here(lx);
            size_t depth = 0;
            do {
                if (lx->p + 1 < lx->end && lx->p[0] == '(' && lx->p[1] == ';') {
                    depth++;
                    lx->p += 2;
                } else if (lx->p + 1 < lx->end && lx->p[0] == ';' && lx->p[1] == ')') {
                    depth--;
                    lx->p += 2;
                } else if (lx->p >= lx->end) {
                    return moat__wat_error_at(lx->src, &open, "unclosed block comment");
                } else {
                    if (*lx->p == '\n') newline(lx);
                    lx->p++;
                }
            } while (depth > 0);
        } else {
            return NULL;
        }
    }
    return NULL;
}

static bool push(lexer *lx, wat_token t) {
    if (lx->out->count + 1 >= lx->cap) {
        size_t cap = lx->cap ? lx->cap * 2 : 256;
        wat_token *bigger = realloc(lx->out->tok, cap * sizeof *bigger);
        if (!bigger) return false;
        lx->out->tok = bigger;
        lx->cap = cap;
    }
    lx->out->tok[lx->out->count++] = t;
    return true;
}

static unsigned hex_value(char c) {
    return c <= '9' ? (unsigned)(c - '0') : (unsigned)((c | 0x20) - 'a' + 10);
}

static bool is_hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Checks a string's escapes and characters; leaves lx->p after the closing quote.
static moat_error *lex_string(lexer *lx) {
    lx->p++;
    while (lx->p < lx->end && *lx->p != '"') {
        unsigned char c = (unsigned char)*lx->p;
        if (c == '\n' || c < 0x20 || c == 0x7F) return lex_error(lx, "illegal character in string");
        if (c >= 0x80) {
            size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
            if (n > (size_t)(lx->end - lx->p) || !moat__utf8_valid((const u8 *)lx->p, n))
                return lex_error(lx, "malformed UTF-8 encoding in string");
            lx->p += n;
            continue;
        }
        if (c != '\\') {
            lx->p++;
            continue;
        }
        const char *esc = lx->p++;
        if (lx->p >= lx->end) break;
        char e = *lx->p;
        if (strchr("tnr\"'\\", e)) {
            lx->p++;
        } else if (is_hex(e) && lx->p + 1 < lx->end && is_hex(lx->p[1])) {
            lx->p += 2;
        } else if (e == 'u' && lx->p + 1 < lx->end && lx->p[1] == '{') {
            lx->p += 2;
            u32 cp = 0;
            const char *digits = lx->p;
            while (lx->p < lx->end && (is_hex(*lx->p) || (*lx->p == '_' && lx->p > digits))) {
                if (*lx->p != '_' && cp <= 0x10FFFF) cp = cp * 16 + hex_value(*lx->p);
                lx->p++;
            }
            if (lx->p == digits || lx->p >= lx->end || *lx->p != '}' || cp > 0x10FFFF
                || (cp >= 0xD800 && cp < 0xE000)) {
                lx->p = esc;
                return lex_error(lx, "malformed unicode escape in string");
            }
            lx->p++;
        } else {
            lx->p = esc;
            return lex_error(lx, "illegal escape in string");
        }
    }
    if (lx->p >= lx->end) return lex_error(lx, "unclosed string");
    lx->p++;
    return NULL;
}

static u8 atom_kind(const char *s, size_t len) {
    char c = s[0];
    if (c == '$') return len > 1 ? WAT_ID : WAT_RESERVED;
    if (c >= 'a' && c <= 'z') return WAT_KEYWORD;
    if (c >= '0' && c <= '9') return WAT_NUMBER;
    if ((c == '+' || c == '-') && len > 1
        && ((s[1] >= '0' && s[1] <= '9') || s[1] == 'i' || s[1] == 'n'))
        return WAT_NUMBER;
    return WAT_RESERVED;
}

moat_error *moat__wat_lex(wat_source *src) {
    lexer lx = {src, src->text, src->text + src->len, 1, src->text, &src->toks, 0};
    src->toks.tok = NULL;
    src->toks.count = 0;
    moat_error *err = NULL;
    for (;;) {
        if ((err = skip_blank(&lx))) break;
        wat_token t = here(&lx);
        if (lx.p >= lx.end) {
            if (!push(&lx, t)) err = moat__error_oom();
            break;
        }
        char c = *lx.p;
        if (c == '(' || c == ')') {
            t.kind = c == '(' ? WAT_LPAR : WAT_RPAR;
            lx.p++;
        } else if (c == '"') {
            if ((err = lex_string(&lx))) break;
            t.kind = WAT_STRING;
        } else if (is_idchar((unsigned char)c)) {
            while (lx.p < lx.end && is_idchar((unsigned char)*lx.p))
                lx.p++;
            t.kind = atom_kind(src->text + t.start, (size_t)(lx.p - src->text) - t.start);
        } else {
            err = lex_error(&lx, (unsigned char)c >= 0x80 || c < 0x20 ? "illegal character"
                                                                      : "unexpected character");
            break;
        }
        t.len = (u32)((size_t)(lx.p - src->text) - t.start);
        // Atoms and strings must be separated: `"a"b` and `a"b"` are malformed.
        if (t.kind != WAT_LPAR && t.kind != WAT_RPAR && lx.p < lx.end
            && (*lx.p == '"' || (t.kind == WAT_STRING && is_idchar((unsigned char)*lx.p)))) {
            err = lex_error(&lx, "unknown operator: tokens must be separated by spaces");
            break;
        }
        if (!push(&lx, t)) {
            err = moat__error_oom();
            break;
        }
    }
    if (err) moat__wat_tokens_free(&src->toks);
    return err;
}

void moat__wat_tokens_free(wat_tokens *toks) {
    free(toks->tok);
    toks->tok = NULL;
    toks->count = 0;
}

bool moat__wat_string(const wat_source *src, const wat_token *t, u8 **out, size_t *out_len) {
    const char *p = src->text + t->start + 1, *end = src->text + t->start + t->len - 1;
    u8 *buf = malloc((size_t)(end - p) + 1), *w = buf;
    if (!buf) return false;
    while (p < end) {
        if (*p != '\\') {
            *w++ = (u8)*p++;
            continue;
        }
        p++;
        switch (*p) {
        case 't':
            *w++ = '\t';
            p++;
            break;
        case 'n':
            *w++ = '\n';
            p++;
            break;
        case 'r':
            *w++ = '\r';
            p++;
            break;
        case '"':
        case '\'':
        case '\\':
            *w++ = (u8)*p++;
            break;
        case 'u': {
            u32 cp = 0;
            for (p += 2; *p != '}'; p++)
                if (*p != '_') cp = cp * 16 + hex_value(*p);
            p++;
            // The lexer checked cp; a \u{...} escape is never longer than its UTF-8 form.
            if (cp < 0x80) {
                *w++ = (u8)cp;
            } else if (cp < 0x800) {
                *w++ = (u8)(0xC0 | cp >> 6);
                *w++ = (u8)(0x80 | (cp & 0x3F));
            } else if (cp < 0x10000) {
                *w++ = (u8)(0xE0 | cp >> 12);
                *w++ = (u8)(0x80 | (cp >> 6 & 0x3F));
                *w++ = (u8)(0x80 | (cp & 0x3F));
            } else {
                *w++ = (u8)(0xF0 | cp >> 18);
                *w++ = (u8)(0x80 | (cp >> 12 & 0x3F));
                *w++ = (u8)(0x80 | (cp >> 6 & 0x3F));
                *w++ = (u8)(0x80 | (cp & 0x3F));
            }
            break;
        }
        default:
            *w++ = (u8)(hex_value(p[0]) << 4 | hex_value(p[1]));
            p += 2;
            break;
        }
    }
    *w = 0;
    *out = buf;
    *out_len = (size_t)(w - buf);
    return true;
}
