// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Helpers shared by the subcommands: messages, file reading, engine options, and the
// printing of types and values (the same spelling in `run`, `inspect` and `wast`).
#include "cli.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void cli_error(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("moat: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

int cli_usage_error(const char *cmd, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "moat%s%s: ", cmd ? " " : "", cmd ? cmd : "");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry 'moat%s%s --help' for more information.\n", cmd ? " " : "",
            cmd ? cmd : "");
    va_end(ap);
    return CLI_EXIT_USAGE;
}

bool cli_read_file(const char *path, uint8_t **out, size_t *out_len) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        cli_error("cannot read '%s': %s", path, strerror(errno));
        return false;
    }
    size_t cap = 1 << 16, len = 0;
    uint8_t *buf = malloc(cap);
    while (buf) {
        len += fread(buf + len, 1, cap - len, f);
        if (len < cap) break;
        uint8_t *bigger = cap > SIZE_MAX / 2 ? NULL : realloc(buf, cap * 2);
        if (!bigger) {
            free(buf);
            buf = NULL;
            errno = ENOMEM;
            break;
        }
        buf = bigger;
        cap *= 2;
    }
    int saved = errno;
    bool failed = !buf || ferror(f);
    fclose(f);
    if (failed) {
        cli_error("cannot read '%s': %s", path, strerror(buf ? EIO : saved));
        free(buf);
        return false;
    }
    *out = buf;
    *out_len = len;
    return true;
}

void cli_report_error(const char *what, moat_error *err) {
    fprintf(stderr, "moat: %s: %s\n", what, moat_error_message(err));
    moat_error_delete(err);
}

void cli_report_load_error(const char *path, const uint8_t *bytes, size_t len, moat_error *err) {
    fprintf(stderr, "moat: cannot load '%s': %s\n", path, moat_error_message(err));
    moat_error_delete(err);
    size_t i = 0;
    while (i < len && (bytes[i] == ' ' || bytes[i] == '\t' || bytes[i] == '\n' || bytes[i] == '\r'))
        i++;
    if (i < len && (bytes[i] == '(' || bytes[i] == ';'))
        fputs("moat: note: this looks like the text format; moat reads binary modules only "
              "(convert with wat2wasm)\n",
              stderr);
}

// ---------------------------------------------------------------------------------------
// Types and values

const char *cli_valkind_name(moat_valkind kind) {
    switch (kind) {
    case MOAT_I32:
        return "i32";
    case MOAT_I64:
        return "i64";
    case MOAT_F32:
        return "f32";
    case MOAT_F64:
        return "f64";
    case MOAT_V128:
        return "v128";
    case MOAT_FUNCREF:
        return "funcref";
    case MOAT_EXTERNREF:
        return "externref";
    }
    return "?";
}

void cli_print_functype(FILE *out, const moat_functype *type) {
    size_t np = moat_functype_param_count(type), nr = moat_functype_result_count(type);
    fputc('(', out);
    for (size_t i = 0; i < np; i++)
        fprintf(out, "%s%s", i ? ", " : "", cli_valkind_name(moat_functype_param(type, i)));
    fputs(") -> (", out);
    for (size_t i = 0; i < nr; i++)
        fprintf(out, "%s%s", i ? ", " : "", cli_valkind_name(moat_functype_result(type, i)));
    fputc(')', out);
}

static void print_limits(FILE *out, moat_limits limits) {
    fprintf(out, "%" PRIu64, limits.min);
    if (limits.has_max)
        fprintf(out, "..%" PRIu64, limits.max);
    else
        fputs("..", out);
}

void cli_print_externtype(FILE *out, const moat_externtype *type) {
    switch (type->kind) {
    case MOAT_EXTERN_FUNC:
        fputs("func ", out);
        cli_print_functype(out, type->of.func);
        break;
    case MOAT_EXTERN_TABLE:
        fputs("table ", out);
        print_limits(out, type->of.table.limits);
        fprintf(out, " %s", cli_valkind_name(type->of.table.elem));
        break;
    case MOAT_EXTERN_MEMORY:
        fputs("memory ", out);
        print_limits(out, type->of.memory.limits);
        break;
    case MOAT_EXTERN_GLOBAL:
        fprintf(out, "global %s%s", type->of.global.is_mutable ? "mut " : "",
                cli_valkind_name(type->of.global.kind));
        break;
    }
}

void cli_print_name(FILE *out, moat_name name) {
    for (size_t i = 0; i < name.len; i++) {
        unsigned char c = (unsigned char)name.data[i];
        if (c >= 0x20 && c != 0x7f && c != '\\')
            fputc(c, out);
        else
            fprintf(out, "\\%02x", c);
    }
}

// Shortest decimal form that reads back to the same bits (at most 9 / 17 digits).
static void print_float(FILE *out, double v, bool is_f32) {
    if (isnan(v)) {
        fputs(signbit(v) ? "-nan" : "nan", out);
        return;
    }
    if (isinf(v)) {
        fputs(v < 0 ? "-inf" : "inf", out);
        return;
    }
    char buf[64];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, v);
        if (is_f32 ? strtof(buf, NULL) == (float)v : strtod(buf, NULL) == v) break;
    }
    fputs(buf, out);
}

void cli_print_value(FILE *out, const moat_val *val) {
    switch (val->kind) {
    case MOAT_I32:
        fprintf(out, "%" PRId32, val->of.i32);
        break;
    case MOAT_I64:
        fprintf(out, "%" PRId64, val->of.i64);
        break;
    case MOAT_F32:
        print_float(out, val->of.f32, true);
        break;
    case MOAT_F64:
        print_float(out, val->of.f64, false);
        break;
    case MOAT_V128:
        fputs("0x", out);
        for (int i = 15; i >= 0; i--)
            fprintf(out, "%02x", val->of.v128[i]);
        break;
    case MOAT_FUNCREF:
        fputs(val->of.funcref ? "<funcref>" : "null", out);
        break;
    case MOAT_EXTERNREF:
        if (val->of.externref)
            fprintf(out, "<externref %p>", val->of.externref);
        else
            fputs("null", out);
        break;
    }
}
