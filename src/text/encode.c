// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// The growable byte buffer the text parser writes the binary format into: LEB128
// integers, names, opcodes and sections.
#include "text/text.h"

#include <stdlib.h>
#include <string.h>

static bool reserve(wat_buf *b, size_t more) {
    if (b->oom) return false;
    if (more <= b->cap - b->len) return true;
    size_t cap = b->cap ? b->cap : 64;
    while (cap - b->len < more) {
        if (cap > SIZE_MAX / 2) {
            b->oom = true;
            return false;
        }
        cap *= 2;
    }
    u8 *bigger = realloc(b->data, cap);
    if (!bigger) {
        b->oom = true;
        return false;
    }
    b->data = bigger;
    b->cap = cap;
    return true;
}

void moat__buf_byte(wat_buf *b, u8 byte) {
    if (reserve(b, 1)) b->data[b->len++] = byte;
}

void moat__buf_bytes(wat_buf *b, const void *data, size_t len) {
    if (len && reserve(b, len)) {
        memcpy(b->data + b->len, data, len);
        b->len += len;
    }
}

void moat__buf_u64(wat_buf *b, u64 v) {
    do {
        u8 byte = v & 0x7F;
        v >>= 7;
        moat__buf_byte(b, byte | (v ? 0x80 : 0));
    } while (v);
}

void moat__buf_u32(wat_buf *b, u32 v) {
    moat__buf_u64(b, v);
}

void moat__buf_s64(wat_buf *b, i64 v) {
    for (;;) {
        u8 byte = v & 0x7F;
        v >>= 7; // arithmetic shift: gcc and clang define it for signed values
        bool done = (v == 0 && !(byte & 0x40)) || (v == -1 && (byte & 0x40));
        moat__buf_byte(b, byte | (done ? 0 : 0x80));
        if (done) return;
    }
}

void moat__buf_s32(wat_buf *b, i32 v) {
    moat__buf_s64(b, v);
}

void moat__buf_name(wat_buf *b, const void *data, size_t len) {
    moat__buf_u64(b, len);
    moat__buf_bytes(b, data, len);
}

void moat__buf_opcode(wat_buf *b, u32 code) {
    if (code <= 0xFF) {
        moat__buf_byte(b, (u8)code);
    } else if (code <= 0xFFFF) {
        moat__buf_byte(b, (u8)(code >> 8));
        moat__buf_u32(b, code & 0xFF);
    } else {
        // 0xFD000 | sub: the SIMD prefix, whose sub-opcodes pass 0xFF (opcodes.def).
        moat__buf_byte(b, (u8)(code >> 12));
        moat__buf_u32(b, code & 0xFFF);
    }
}

void moat__buf_section(wat_buf *out, u8 id, const wat_buf *section, bool always) {
    if (!section->len && !always) return;
    moat__buf_byte(out, id);
    moat__buf_u64(out, section->len);
    moat__buf_bytes(out, section->data, section->len);
    if (section->oom) out->oom = true;
}

void moat__buf_free(wat_buf *b) {
    free(b->data);
    memset(b, 0, sizeof *b);
}
