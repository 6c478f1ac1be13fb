// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Spec test scripts: the commands of a .wast file (moat.h's moat_wast API). Modules are
// converted with the module parser as they are read; a module that cannot be converted
// is recorded with its error and the reader goes on after its closing parenthesis, so
// one bad module never hides the rest of the script.
#include "text/parse.h"
#include "util/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct moat_wast {
    moat_wast_command *cmds;
    size_t count, cap;
    char *filename;
};

typedef struct reader {
    wat_parser p; // only its cursor and error are used
    moat_wast *script;
} reader;

static char *copy_text(const char *s, size_t len) {
    char *c = malloc(len + 1);
    if (c) {
        memcpy(c, s, len);
        c[len] = 0;
    }
    return c;
}

static bool oom(reader *r) {
    return moat__p_fail(&r->p, "out of memory");
}

// Concatenated strings (module binary / quote) into a new buffer.
static bool strings(reader *r, u8 **out, size_t *out_len) {
    wat_buf b = {0};
    while (moat__p_tok(&r->p, 0)->kind == WAT_STRING) {
        u8 *s;
        size_t n;
        if (!moat__wat_string(r->p.src, moat__p_tok(&r->p, 0), &s, &n)) break;
        moat__buf_bytes(&b, s, n);
        free(s);
        r->p.pos++;
    }
    moat__buf_byte(&b, 0);
    if (b.oom) {
        moat__buf_free(&b);
        return oom(r);
    }
    *out = b.data;
    *out_len = b.len - 1;
    return true;
}

static char *opt_name(reader *r) {
    const wat_token *t = moat__p_tok(&r->p, 0);
    if (t->kind != WAT_ID) return NULL;
    r->p.pos++;
    return copy_text(moat__p_text(&r->p, t), t->len);
}

// A module at `(module`: text, binary or quote. Fills the command's module fields.
static bool module(reader *r, moat_wast_command *cmd) {
    size_t start = r->p.pos;
    r->p.pos += 2;
    cmd->module_name = opt_name(r);
    if (moat__p_is_kw(&r->p, 0, "binary") || moat__p_is_kw(&r->p, 0, "quote")) {
        bool quote = moat__p_is_kw(&r->p, 0, "quote");
        r->p.pos++;
        u8 *bytes = NULL;
        size_t len = 0;
        if (!strings(r, &bytes, &len)) return false;
        if (quote) {
            cmd->quote = (const char *)bytes;
            cmd->quote_size = len;
        } else {
            cmd->module = bytes;
            cmd->module_size = len;
        }
        return moat__p_rpar(&r->p);
    }
    r->p.pos = start;
    wat_buf bin;
    moat_error *err = moat__wat_module(r->p.src, &r->p.pos, false, &bin);
    if (err) {
        cmd->module_error = copy_text(err->message, strlen(err->message));
        moat_error_delete(err);
        r->p.pos = start;
        moat__p_skip(&r->p);
        return cmd->module_error || oom(r);
    }
    cmd->module = bin.data;
    cmd->module_size = bin.len;
    return true;
}

// (i32.const 1), (f32.const nan:canonical), (v128.const i32x4 ...), (ref.null func), ...
static bool value(reader *r, moat_wast_value *v, bool expected) {
    wat_parser *p = &r->p;
    memset(v, 0, sizeof *v);
    if (!moat__p_lpar(p)) return false;
    const wat_token *t = moat__p_tok(p, 0);
    static const struct {
        const char *op;
        moat_valkind kind;
    } ops[] = {{"i32.const", MOAT_I32},        {"i64.const", MOAT_I64},
               {"f32.const", MOAT_F32},        {"f64.const", MOAT_F64},
               {"v128.const", MOAT_V128},      {"ref.null", MOAT_FUNCREF},
               {"ref.extern", MOAT_EXTERNREF}, {"ref.func", MOAT_FUNCREF}};
    size_t k = 0;
    while (k < MOAT_COUNTOF(ops) && !moat__wat_is(p->src, t, ops[k].op))
        k++;
    if (k == MOAT_COUNTOF(ops)) return moat__p_expected(p, "a constant");
    v->kind = ops[k].kind;
    p->pos++;
    if (k == 5) { // ref.null
        u8 heap;
        if (!moat__p_heaptype(p, &heap)) return false;
        v->kind = heap;
        v->is_null = true;
        return moat__p_rpar(p);
    }
    if (k >= 6) {
        if (moat__p_tok(p, 0)->kind == WAT_RPAR && expected) {
            v->match[0] = MOAT_WAST_MATCH_NONNULL;
            return moat__p_rpar(p);
        }
        wat_space none = {0};
        u32 n;
        if (!moat__p_index(p, &none, "reference", &n)) return false;
        v->bits = n;
        return moat__p_rpar(p);
    }
    unsigned lanes = 1, bits = k == 0 || k == 2 ? 32 : 64;
    bool is_float = k == 2 || k == 3;
    if (k == 4) {
        static const char *const shapes[] = {"i8x16", "i16x8", "i32x4", "i64x2", "f32x4", "f64x2"};
        size_t s = 0;
        while (s < 6 && !moat__p_is_kw(p, 0, shapes[s]))
            s++;
        if (s == 6) return moat__p_expected(p, "a vector shape");
        p->pos++;
        bits = s < 4 ? 8u << s : s == 4 ? 32 : 64;
        is_float = s >= 4;
        lanes = 128 / bits;
        v->lane_bits = (u8)bits;
        v->lane_float = is_float;
    }
    for (unsigned i = 0; i < lanes; i++) {
        t = moat__p_tok(p, 0);
        const char *text = moat__p_text(p, t), *why = NULL;
        u64 x = 0;
        if (t->kind != WAT_NUMBER && t->kind != WAT_KEYWORD) return moat__p_expected(p, "a number");
        if (expected && is_float && moat__wat_is(p->src, t, "nan:canonical"))
            v->match[i] = MOAT_WAST_MATCH_NAN_CANONICAL;
        else if (expected && is_float && moat__wat_is(p->src, t, "nan:arithmetic"))
            v->match[i] = MOAT_WAST_MATCH_NAN_ARITHMETIC;
        else if (!is_float)
            why = moat__wat_int(text, t->len, bits, &x);
        else if (bits == 32) {
            u32 f;
            why = moat__wat_f32(text, t->len, &f);
            x = f;
        } else {
            why = moat__wat_f64(text, t->len, &x);
        }
        if (why) return moat__p_fail(p, "%s", why);
        p->pos++;
        if (k == 4)
            for (unsigned b = 0; b < bits / 8; b++)
                v->v128[i * bits / 8 + b] = (u8)(x >> (8 * b));
        else
            v->bits = x;
    }
    return moat__p_rpar(p);
}

static bool values(reader *r, const moat_wast_value **out, size_t *out_n, bool expected) {
    size_t n = 0, cap = 0;
    moat_wast_value *vals = NULL;
    while (moat__p_tok(&r->p, 0)->kind == WAT_LPAR) {
        if (n == cap) {
            cap = cap ? cap * 2 : 4;
            moat_wast_value *bigger = realloc(vals, cap * sizeof *vals);
            if (!bigger) {
                free(vals);
                return oom(r);
            }
            vals = bigger;
        }
        if (!value(r, &vals[n++], expected)) {
            free(vals);
            return false;
        }
    }
    *out = vals;
    *out_n = n;
    return true;
}

// (invoke $M? "name" arg*) | (get $M? "name")
static bool action(reader *r, moat_wast_command *cmd) {
    wat_parser *p = &r->p;
    if (!moat__p_lpar(p)) return false;
    cmd->is_get = moat__p_is_kw(p, 0, "get");
    if (!cmd->is_get && !moat__p_is_kw(p, 0, "invoke"))
        return moat__p_expected(p, "an action (invoke or get)");
    p->pos++;
    cmd->module_name = opt_name(r);
    if (moat__p_tok(p, 0)->kind != WAT_STRING) return moat__p_expected(p, "an export name");
    u8 *name;
    size_t len;
    if (!moat__wat_string(p->src, moat__p_tok(p, 0), &name, &len)) return oom(r);
    cmd->field = (moat_name){(const char *)name, len};
    p->pos++;
    return values(r, &cmd->args, &cmd->nargs, false) && moat__p_rpar(p);
}

static bool message(reader *r, moat_wast_command *cmd) {
    const wat_token *t = moat__p_tok(&r->p, 0);
    if (t->kind != WAT_STRING) return moat__p_expected(&r->p, "the expected message");
    u8 *s;
    size_t n;
    if (!moat__wat_string(r->p.src, t, &s, &n)) return oom(r);
    cmd->text = (const char *)s;
    r->p.pos++;
    return true;
}

static bool command(reader *r, moat_wast_command *cmd) {
    wat_parser *p = &r->p;
    cmd->line = moat__p_tok(p, 0)->line;
    if (moat__p_tok(p, 0)->kind != WAT_LPAR) return moat__p_expected(p, "a command");
    if (moat__p_is_kw(p, 1, "module")) {
        cmd->kind = MOAT_WAST_MODULE;
        return module(r, cmd);
    }
    if (moat__p_is_kw(p, 1, "invoke") || moat__p_is_kw(p, 1, "get")) {
        cmd->kind = MOAT_WAST_ACTION;
        return action(r, cmd);
    }
    p->pos++;
    static const struct {
        const char *kw;
        moat_wast_kind kind;
    } kinds[] = {
        {"register", MOAT_WAST_REGISTER},
        {"assert_return", MOAT_WAST_ASSERT_RETURN},
        {"assert_trap", MOAT_WAST_ASSERT_TRAP},
        {"assert_exhaustion", MOAT_WAST_ASSERT_EXHAUSTION},
        {"assert_invalid", MOAT_WAST_ASSERT_INVALID},
        {"assert_malformed", MOAT_WAST_ASSERT_MALFORMED},
        {"assert_unlinkable", MOAT_WAST_ASSERT_UNLINKABLE},
        {"assert_uninstantiable", MOAT_WAST_ASSERT_UNINSTANTIABLE},
    };
    size_t k = 0;
    while (k < MOAT_COUNTOF(kinds) && !moat__p_is_kw(p, 0, kinds[k].kw))
        k++;
    if (k == MOAT_COUNTOF(kinds)) return moat__p_expected(p, "a script command");
    cmd->kind = kinds[k].kind;
    p->pos++;
    if (cmd->kind == MOAT_WAST_REGISTER) {
        u8 *as;
        size_t n;
        if (moat__p_tok(p, 0)->kind != WAT_STRING) return moat__p_expected(p, "a name");
        if (!moat__wat_string(p->src, moat__p_tok(p, 0), &as, &n)) return oom(r);
        cmd->register_as = (const char *)as;
        p->pos++;
        cmd->module_name = opt_name(r);
        return moat__p_rpar(p);
    }
    bool ok;
    if (moat__p_is_field(p, "module")) {
        if (cmd->kind == MOAT_WAST_ASSERT_TRAP) cmd->kind = MOAT_WAST_ASSERT_UNINSTANTIABLE;
        ok = module(r, cmd);
    } else {
        ok = action(r, cmd);
    }
    if (ok && cmd->kind == MOAT_WAST_ASSERT_RETURN)
        ok = values(r, &cmd->results, &cmd->nresults, true);
    else if (ok)
        ok = message(r, cmd);
    return ok && moat__p_rpar(p);
}

static void command_free(moat_wast_command *cmd) {
    free((void *)cmd->module_name);
    free((void *)cmd->module);
    free((void *)cmd->module_error);
    free((void *)cmd->quote);
    free((void *)cmd->register_as);
    free((void *)cmd->field.data);
    free((void *)cmd->args);
    free((void *)cmd->results);
    free((void *)cmd->text);
}

void moat_wast_delete(moat_wast *script) {
    if (!script) return;
    for (size_t i = 0; i < script->count; i++)
        command_free(&script->cmds[i]);
    free(script->cmds);
    free(script->filename);
    free(script);
}

moat_error *moat_wast_parse(const char *text, size_t len, const char *filename, moat_wast **out) {
    moat_wast *script = calloc(1, sizeof *script);
    if (!script) return moat__error_oom();
    script->filename = filename ? copy_text(filename, strlen(filename)) : NULL;
    wat_source src = {text, len, script->filename, {0}};
    moat_error *err = moat__wat_lex(&src);
    reader r = {.p = {.src = &src, .module_id = WAT_NONE}, .script = script};
    // A script may be a module's fields alone: one module command.
    static const char *const fields[] = {"type",   "import", "func",  "table", "memory",
                                         "global", "export", "start", "elem",  "data"};
    bool bare = false;
    for (size_t i = 0; !err && i < MOAT_COUNTOF(fields); i++)
        bare |= moat__p_is_field(&r.p, fields[i]);
    if (bare) {
        script->cmds = calloc(1, sizeof *script->cmds);
        if (!script->cmds) err = moat__error_oom();
        wat_buf bin;
        size_t pos = 0;
        if (!err) err = moat__wat_module(&src, &pos, true, &bin);
        if (!err) {
            script->count = 1;
            script->cmds[0] = (moat_wast_command){
                .kind = MOAT_WAST_MODULE, .line = 1, .module = bin.data, .module_size = bin.len};
        }
        r.p.pos = src.toks.count - 1;
    }
    while (!err && moat__p_tok(&r.p, 0)->kind != WAT_EOF) {
        if (script->count == script->cap) {
            size_t cap = script->cap ? script->cap * 2 : 64;
            moat_wast_command *bigger = realloc(script->cmds, cap * sizeof *bigger);
            if (!bigger) {
                err = moat__error_oom();
                break;
            }
            script->cmds = bigger;
            script->cap = cap;
        }
        moat_wast_command *cmd = &script->cmds[script->count++];
        memset(cmd, 0, sizeof *cmd);
        if (!command(&r, cmd)) err = r.p.err ? r.p.err : moat__error_oom();
    }
    moat__wat_tokens_free(&src.toks);
    if (err) {
        moat_wast_delete(script);
        return err;
    }
    *out = script;
    return NULL;
}

size_t moat_wast_command_count(const moat_wast *script) {
    return script->count;
}

const moat_wast_command *moat_wast_command_at(const moat_wast *script, size_t i) {
    return &script->cmds[i];
}
