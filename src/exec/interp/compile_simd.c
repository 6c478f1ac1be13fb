// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Translation of the SIMD operators (0xFD prefix). They all take the same shape: pop the
// operands opcodes.def names (three v128 for the operators typed by hand), push the
// result, and emit dst, the operand slots, then the immediates: memarg offset, lane
// index, or 16 bytes as 4 words (v128.const, i8x16.shuffle). The handlers are in
// ops_simd.inc and ops_simd_lanes.inc; memory ones have a bounds-checked _CHK form.
#include "exec/interp/compile_internal.h"
#include "exec/interp/simd.h"

#include <string.h>

struct simd_handlers {
    u16 h;     // handler (guard pages for memory access)
    u16 h_chk; // bounds-checked handler, 0 if no memory access
};

#undef SIMD
#undef SIMD_MEM
#undef SIMD_VARIANT
#define SIMD_VARIANT(NAME, ...)
#define SIMD(NAME, ...) [MOAT_OP_##NAME & 0xFFF] = {H_##NAME, 0},
#define SIMD_MEM(NAME, NBYTES, ADDR, OFF, NOPS, ...) \
    [MOAT_OP_##NAME & 0xFFF] = {H_##NAME, H_##NAME##_CHK},
static const struct simd_handlers simd_handlers[MOAT_OP_FD_COUNT] = {
#include "exec/interp/ops_simd.inc"
#include "exec/interp/ops_simd_lanes.inc"
};

#ifdef MOAT_SIMD_SSSE3
#include <cpuid.h>

bool moat__simd_has_ssse3(void) {
    static int has = -1; // a benign race: every thread computes the same answer
    int v = __atomic_load_n(&has, __ATOMIC_RELAXED);
    if (v < 0) {
        // cpuid leaf 1, ECX bit 9. Not __builtin_cpu_supports: that links a constructor
        // running cpuid at every process start, which traps to the hypervisor in a VM and
        // costs start-up even for modules without SIMD.
        unsigned eax, ebx, ecx = 0, edx;
        v = __get_cpuid(1, &eax, &ebx, &ecx, &edx) && (ecx & (1u << 9)) ? 1 : 0;
        __atomic_store_n(&has, v, __ATOMIC_RELAXED);
    }
    return v;
}
#endif

// The handler of `op`: a host-specific variant where one exists and the CPU has it.
static u32 pick_handler(struct comp *c, u32 op) {
    const struct simd_handlers *sh = &simd_handlers[(op & 0xFFF) % MOAT_OP_FD_COUNT];
#ifdef MOAT_SIMD_SSSE3
    if (op == MOAT_OP_I8X16_SHUFFLE && moat__simd_has_ssse3()) return H_I8X16_SHUFFLE_SSSE3;
    if ((op == MOAT_OP_I8X16_SWIZZLE || op == MOAT_OP_I8X16_RELAXED_SWIZZLE)
        && moat__simd_has_ssse3())
        return H_I8X16_SWIZZLE_SSSE3;
#endif
    return c->checked && sh->h_chk ? sh->h_chk : sh->h;
}

static u32 read_u32(struct comp *c) {
    u32 v;
    if (!moat__read_u32(&c->cur, &v)) moat__comp_bail(c);
    return v;
}

static u8 read_u8(struct comp *c) {
    u8 v;
    if (!moat__read_u8(&c->cur, &v)) moat__comp_bail(c);
    return v;
}

void moat__comp_simd(struct comp *c, u32 op, const struct moat__opinfo *info) {
    u32 imm[4];
    u32 nimm = 0;
    const u8 *bytes;
    switch (info->imm) {
    case MOAT_IMM_MEMARG:
    case MOAT_IMM_MEMARG_LANE:
        (void)read_u32(c); // alignment: a hint
        imm[nimm++] = read_u32(c);
        if (info->imm == MOAT_IMM_MEMARG_LANE) imm[nimm++] = read_u8(c);
        break;
    case MOAT_IMM_LANE:
        imm[nimm++] = read_u8(c);
        break;
    case MOAT_IMM_V128:
    case MOAT_IMM_SHUFFLE:
        if (!moat__read_bytes(&c->cur, 16, &bytes)) moat__comp_bail(c);
        memcpy(imm, bytes, 16);
        nimm = 4;
        break;
    default:
        break;
    }
    u32 hid = pick_handler(c, op);
    if (!hid) moat__comp_bail(c);
    bool by_hand = info->result == MOAT_OPT_X; // v128 v128 v128 -> v128
    u32 nops = by_hand ? 3 : (info->params[0] != 0) + (info->params[1] != 0);
    u8 result = by_hand ? MOAT_VT_V128 : info->result;
    u32 slots[3];
    for (u32 i = nops; i-- > 0;)
        slots[i] = moat__comp_pop(c);
    u32 dst = result ? moat__comp_push_temp(c, result) : 0;
    moat__comp_op(c, hid);
    if (result) moat__comp_dst(c, dst);
    for (u32 i = 0; i < nops; i++)
        moat__comp_u32(c, slots[i]);
    for (u32 i = 0; i < nimm; i++)
        moat__comp_u32(c, imm[i]);
}
