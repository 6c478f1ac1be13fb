// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// A JSON-style tokenizer/parser over 1 MiB of text generated in-program: byte scanning,
// branches on characters, recursion for nesting; parsed several times.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static char *text;
static size_t len, cap;
static uint32_t rng = 12345;

static uint32_t next(void) {
    return rng = rng * 1103515245u + 12345u, rng >> 8;
}
static void put(char c) {
    text[len++] = c;
}
static void puts_(const char *s) {
    while (*s)
        put(*s++);
}

static void gen_value(int depth) {
    uint32_t r = next() % 10;
    if (depth < 4 && r < 2) {
        put('{');
        int n = 1 + next() % 5;
        for (int i = 0; i < n; i++) {
            if (i) put(',');
            put('"');
            int k = 3 + next() % 8;
            for (int j = 0; j < k; j++)
                put((char)('a' + next() % 26));
            puts_("\":");
            gen_value(depth + 1);
        }
        put('}');
    } else if (depth < 4 && r < 4) {
        put('[');
        int n = 1 + next() % 6;
        for (int i = 0; i < n; i++) {
            if (i) put(',');
            gen_value(depth + 1);
        }
        put(']');
    } else if (r < 7) {
        char buf[16];
        int v = (int)(next() % 2000000) - 1000000, m = 0;
        if (v < 0) put('-'), v = -v;
        do
            buf[m++] = (char)('0' + v % 10), v /= 10;
        while (v);
        while (m)
            put(buf[--m]);
    } else if (r < 9) {
        put('"');
        int k = next() % 20;
        for (int j = 0; j < k; j++)
            put(next() % 16 == 0 ? ' ' : (char)('A' + next() % 26));
        put('"');
    } else
        puts_(next() & 1 ? "true" : "null");
}

typedef struct {
    const char *p;
    uint64_t sum, strings, containers;
} parser;

static void ws(parser *ps) {
    while (*ps->p == ' ' || *ps->p == '\n' || *ps->p == '\t' || *ps->p == '\r')
        ps->p++;
}

static int value(parser *ps) {
    ws(ps);
    char c = *ps->p;
    if (c == '{' || c == '[') {
        char close = c == '{' ? '}' : ']';
        ps->p++, ps->containers++;
        ws(ps);
        if (*ps->p == close) return ps->p++, 1;
        for (;;) {
            if (c == '{') {
                if (!value(ps)) // key
                    return 0;
                ws(ps);
                if (*ps->p++ != ':') return 0;
            }
            if (!value(ps)) return 0;
            ws(ps);
            if (*ps->p == ',') {
                ps->p++;
                continue;
            }
            if (*ps->p++ != close) return 0;
            return 1;
        }
    }
    if (c == '"') {
        uint32_t h = 2166136261u;
        for (ps->p++; *ps->p != '"'; ps->p++) {
            if (!*ps->p) return 0;
            h = (h ^ (uint8_t)*ps->p) * 16777619u;
        }
        ps->p++, ps->strings++, ps->sum += h;
        return 1;
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
        int neg = c == '-';
        if (neg) ps->p++;
        int64_t v = 0;
        while (*ps->p >= '0' && *ps->p <= '9')
            v = v * 10 + (*ps->p++ - '0');
        ps->sum += (uint64_t)(neg ? -v : v);
        return 1;
    }
    if (c == 't' || c == 'n') {
        ps->p += 4, ps->sum += c;
        return 1;
    }
    return 0;
}

int main(void) {
    cap = (1u << 20) + 4096;
    text = malloc(cap);
    put('[');
    while (len < (1u << 20)) {
        if (len > 1) put(','), put('\n');
        gen_value(0);
    }
    put(']'), put(0);
    uint64_t sum = 0, strings = 0, containers = 0;
    for (int round = 0; round < 16; round++) {
        parser ps = {text, 0, 0, 0};
        if (!value(&ps)) {
            printf("parse error at %ld\n", (long)(ps.p - text));
            return 1;
        }
        sum += ps.sum, strings += ps.strings, containers += ps.containers;
    }
    printf("json: %zu bytes, sum %llu, %llu strings, %llu containers\n", len,
           (unsigned long long)sum, (unsigned long long)strings, (unsigned long long)containers);
    return 0;
}
