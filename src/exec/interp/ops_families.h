// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Handler families: one line in ops_numeric.inc / ops_memory.inc makes the handlers of
// one wasm operator. Every family expands to HANDLER(name, body...), which the includer
// defines: run.c turns it into a tail-called function, a goto label or a switch case,
// interp_internal.h into an enum entry (H_<name>). compile_ops.c redefines the families
// themselves to build its opcode -> handler tables.
//
// Naming scheme (handler = wasm opcode name from core/opcodes.def + suffix):
//   NAME      all operands in slots            operands: dst, a[, b]
//   NAME_I    second operand an immediate      operands: dst, a, imm (u32, or 2 x u32)
//   BR_NAME   compare and branch (ops_branch.inc)    operands: a, b or imm, rel
//   NAME_CHK  memory access with an explicit bounds check (bounds-check mode); without
//             the suffix the access relies on the guard reservation.
// Typed access: TA/TR are u32, u64, f32 or f64; values are read with GET_<T>(slot) and
// written with PUT_<T>(value) (defined in run.c); i32/f32 slots are zero-extended.
#ifndef MOAT_EXEC_INTERP_OPS_FAMILIES_H
#define MOAT_EXEC_INTERP_OPS_FAMILIES_H

// Binary operator with an immediate variant (integer, cannot trap).
#define BIN_I(NAME, TA, TR, EXPR) \
    HANDLER(NAME, {               \
        TA a = GET_##TA(S(1));    \
        TA b = GET_##TA(S(2));    \
        S(0) = PUT_##TR(EXPR);    \
        NEXT(3);                  \
    })                            \
    HANDLER(NAME##_I, {           \
        TA a = GET_##TA(S(1));    \
        TA b = IMM_##TA(2);       \
        S(0) = PUT_##TR(EXPR);    \
        NEXT(IMMOPS_##TA(2));     \
    })

// Float add/sub/mul/div: NAME_I with the second operand an immediate (two words for f64,
// as for i64), NAME_IA with the first one (`dt / x`). Operands are never swapped: which
// NaN payload comes out may depend on the order.
#define BIN_F(NAME, TA, TR, EXPR) \
    BIN_I(NAME, TA, TR, EXPR)     \
    HANDLER(NAME##_IA, {          \
        TA b = GET_##TA(S(1));    \
        TA a = IMM_##TA(2);       \
        S(0) = PUT_##TR(EXPR);    \
        NEXT(IMMOPS_##TA(2));     \
    })

// Binary operator, slots only.
#define BIN(NAME, TA, TR, EXPR) \
    HANDLER(NAME, {             \
        TA a = GET_##TA(S(1));  \
        TA b = GET_##TA(S(2));  \
        S(0) = PUT_##TR(EXPR);  \
        NEXT(3);                \
    })

// Binary operator that may trap: the body computes `r` from a and b or calls TRAP.
#define BIN_T(NAME, TA, TR, ...) \
    HANDLER(NAME, {              \
        TA a = GET_##TA(S(1));   \
        TA b = GET_##TA(S(2));   \
        TR r;                    \
        __VA_ARGS__              \
        S(0) = PUT_##TR(r);      \
        NEXT(3);                 \
    })

#define UN(NAME, TA, TR, EXPR) \
    HANDLER(NAME, {            \
        TA a = GET_##TA(S(1)); \
        S(0) = PUT_##TR(EXPR); \
        NEXT(2);               \
    })

#define UN_T(NAME, TA, TR, ...) \
    HANDLER(NAME, {             \
        TA a = GET_##TA(S(1));  \
        TR r;                   \
        __VA_ARGS__             \
        S(0) = PUT_##TR(r);     \
        NEXT(2);                \
    })

// Loads: operands dst, addr, offset. TM is the in-memory type, CONV widens it to TR.
// NAME_Z: the address is a constant (operands dst, addr, offset): data at a fixed place.
// NAME_A: the address is slot + imm, an i32.add of a constant folded in by the translator
// (operands dst, base, imm, offset): arrays at constant addresses index this way, so the
// add and its temporary vanish from every such access. Each comes as NAME (guard pages)
// and NAME_CHK (explicit bounds check) from one *_PAIR line: EA is the effective address.
#define LOAD_PAIR(NAME, TM, TR, CONV, EA, NOPS)                                                  \
    HANDLER(NAME, {                                                                              \
        TM v;                                                                                    \
        memcpy(&v, mem + (EA), sizeof v);                                                        \
        S(0) = PUT_##TR(CONV(v));                                                                \
        NEXT(NOPS);                                                                              \
    })                                                                                           \
    HANDLER(NAME##_CHK, {                                                                        \
        TM v;                                                                                    \
        u64 ea = (EA);                                                                           \
        if (MOAT_UNLIKELY(ea + sizeof v > vm->memp->size)) TRAP(MOAT_TRAP_MEMORY_OUT_OF_BOUNDS); \
        memcpy(&v, mem + ea, sizeof v);                                                          \
        S(0) = PUT_##TR(CONV(v));                                                                \
        NEXT(NOPS);                                                                              \
    })
// NAME_X: operands dst, base, idx, shift, imm, offset; the address is
// base + (idx << shift) + imm (wrapped to 32 bits) + offset: `a[i]`, a lazily kept sum.
#define EA_X(B, X) \
    ((u64)(u32)((u32)S(B) + ((u32)S(X) << (OPND((X) + 1) & 31)) + OPND((X) + 2)) + OPND((X) + 3))
#define LOAD(NAME, TM, TR, CONV)                                               \
    LOAD_PAIR(NAME, TM, TR, CONV, (u64)(u32)S(1) + OPND(2), 3)                 \
    LOAD_PAIR(NAME##_A, TM, TR, CONV, (u64)(u32)(S(1) + OPND(2)) + OPND(3), 4) \
    LOAD_PAIR(NAME##_Z, TM, TR, CONV, (u64)OPND(1) + OPND(2), 3)               \
    LOAD_PAIR(NAME##_X, TM, TR, CONV, EA_X(1, 2), 6)

// Stores: operands addr, value, offset. The value slot is narrowed to TM. NAME_A: operands
// base, value, imm, offset; the address is base + imm (see LOAD). NAME_K / NAME_AK: the
// same with the value an immediate (u32, zero-extended: a constant that fits), so a
// constant store needs no CONST32 into a temporary first. NAME_Z: the address is a
// constant (operands addr, value, offset).
#define STORE_PAIR(NAME, TM, VAL, EA, NOPS)                                                      \
    HANDLER(NAME, {                                                                              \
        TM v = (TM)(VAL);                                                                        \
        memcpy(mem + (EA), &v, sizeof v);                                                        \
        NEXT(NOPS);                                                                              \
    })                                                                                           \
    HANDLER(NAME##_CHK, {                                                                        \
        TM v = (TM)(VAL);                                                                        \
        u64 ea = (EA);                                                                           \
        if (MOAT_UNLIKELY(ea + sizeof v > vm->memp->size)) TRAP(MOAT_TRAP_MEMORY_OUT_OF_BOUNDS); \
        memcpy(mem + ea, &v, sizeof v);                                                          \
        NEXT(NOPS);                                                                              \
    })
// NAME_X / NAME_XK: operands base, value, idx, shift, imm, offset (see LOAD).
#define STORE(NAME, TM)                                                         \
    STORE_PAIR(NAME, TM, S(1), (u64)(u32)S(0) + OPND(2), 3)                     \
    STORE_PAIR(NAME##_A, TM, S(1), (u64)(u32)(S(0) + OPND(2)) + OPND(3), 4)     \
    STORE_PAIR(NAME##_K, TM, OPND(1), (u64)(u32)S(0) + OPND(2), 3)              \
    STORE_PAIR(NAME##_AK, TM, OPND(1), (u64)(u32)(S(0) + OPND(2)) + OPND(3), 4) \
    STORE_PAIR(NAME##_Z, TM, S(1), (u64)OPND(0) + OPND(2), 3)                   \
    STORE_PAIR(NAME##_X, TM, S(1), EA_X(0, 2), 6)                               \
    STORE_PAIR(NAME##_XK, TM, OPND(1), EA_X(0, 2), 6)

// Binary operator whose second operand b comes from memory (the TM at EA), the first a
// from a slot. NAME_L: operands dst, a, addr, offset; NAME_LA: dst, a, base, imm, offset
// (address base + imm, as for LOAD's _A). NAME_M, the read-modify-write: operands addr,
// a, offset; the result goes back to where b came from. With _CHK forms for each.
#define BIN_MEM_PAIR(NAME, TM, TA, EA, NOPS, ...)                                                \
    HANDLER(NAME, {                                                                              \
        TM m;                                                                                    \
        u64 ea = (EA);                                                                           \
        memcpy(&m, mem + ea, sizeof m);                                                          \
        TA a = GET_##TA(S(1));                                                                   \
        TA b = GET_##TA(m);                                                                      \
        __VA_ARGS__                                                                              \
        NEXT(NOPS);                                                                              \
    })                                                                                           \
    HANDLER(NAME##_CHK, {                                                                        \
        TM m;                                                                                    \
        u64 ea = (EA);                                                                           \
        if (MOAT_UNLIKELY(ea + sizeof m > vm->memp->size)) TRAP(MOAT_TRAP_MEMORY_OUT_OF_BOUNDS); \
        memcpy(&m, mem + ea, sizeof m);                                                          \
        TA a = GET_##TA(S(1));                                                                   \
        TA b = GET_##TA(m);                                                                      \
        __VA_ARGS__                                                                              \
        NEXT(NOPS);                                                                              \
    })
#define BIN_MEM(NAME, TM, TA, EXPR)                                                     \
    BIN_MEM_PAIR(NAME##_L, TM, TA, (u64)(u32)S(2) + OPND(3), 4, S(0) = PUT_##TA(EXPR);) \
    BIN_MEM_PAIR(NAME##_LA, TM, TA, (u64)(u32)(S(2) + OPND(3)) + OPND(4), 5,            \
                 S(0) = PUT_##TA(EXPR);)                                                \
    BIN_MEM_PAIR(NAME##_M, TM, TA, (u64)(u32)S(0) + OPND(2), 3, m = (TM)PUT_##TA(EXPR); \
                 memcpy(mem + ea, &m, sizeof m);)

// c[j] += x * b[j] (daxpy, matmul) in one handler: a NAME_M read-modify-write add whose
// value was an f64 MUL_L/MUL_LA. EB, EC: addresses of b[j] and c[j]; x is S(1). Rounded
// after the multiply and after the add, as the three handlers would.
#define MADD_PAIR(NAME, EB, EC, NOPS)                                                         \
    HANDLER(NAME, {                                                                           \
        u64 eb = (EB), ec = (EC), b, cv;                                                      \
        memcpy(&b, mem + eb, sizeof b);                                                       \
        f64 p = GET_f64(S(1)) * GET_f64(b);                                                   \
        memcpy(&cv, mem + ec, sizeof cv);                                                     \
        cv = PUT_f64(p + GET_f64(cv));                                                        \
        memcpy(mem + ec, &cv, sizeof cv);                                                     \
        NEXT(NOPS);                                                                           \
    })                                                                                        \
    HANDLER(NAME##_CHK, {                                                                     \
        u64 eb = (EB), ec = (EC), b, cv;                                                      \
        if (MOAT_UNLIKELY(eb + sizeof b > vm->memp->size || ec + sizeof cv > vm->memp->size)) \
            TRAP(MOAT_TRAP_MEMORY_OUT_OF_BOUNDS);                                             \
        memcpy(&b, mem + eb, sizeof b);                                                       \
        f64 p = GET_f64(S(1)) * GET_f64(b);                                                   \
        memcpy(&cv, mem + ec, sizeof cv);                                                     \
        cv = PUT_f64(p + GET_f64(cv));                                                        \
        memcpy(mem + ec, &cv, sizeof cv);                                                     \
        NEXT(NOPS);                                                                           \
    })

// An f64 operator whose result is stored right away (`p->x += dt * p->vx`): operands
// addr, dst, a, b, offset; dst = a EXPR b (a temporary, or the local it was set to), then
// stored at EA (NAME_S: addr slot + offset; NAME_SZ: addr a constant).
#define OP_STORE_PAIR(NAME, EXPR, EA)                                                            \
    HANDLER(NAME, {                                                                              \
        f64 a = GET_f64(S(2));                                                                   \
        f64 b = GET_f64(S(3));                                                                   \
        u64 v = PUT_f64(EXPR), ea = (EA);                                                        \
        S(1) = v;                                                                                \
        memcpy(mem + ea, &v, sizeof v);                                                          \
        NEXT(5);                                                                                 \
    })                                                                                           \
    HANDLER(NAME##_CHK, {                                                                        \
        f64 a = GET_f64(S(2));                                                                   \
        f64 b = GET_f64(S(3));                                                                   \
        u64 v = PUT_f64(EXPR), ea = (EA);                                                        \
        S(1) = v;                                                                                \
        if (MOAT_UNLIKELY(ea + sizeof v > vm->memp->size)) TRAP(MOAT_TRAP_MEMORY_OUT_OF_BOUNDS); \
        memcpy(mem + ea, &v, sizeof v);                                                          \
        NEXT(5);                                                                                 \
    })
#define F64_OP_STORE(NAME, EXPR)                            \
    OP_STORE_PAIR(NAME##_S, EXPR, (u64)(u32)S(0) + OPND(4)) \
    OP_STORE_PAIR(NAME##_SZ, EXPR, (u64)OPND(0) + OPND(4))

// Two shifted operands: dst = EXPR of x1, k1, x2, k2 (operands in that order after dst).
#define SHIFTED2(NAME, EXPR)  \
    HANDLER(NAME, {           \
        u32 x1 = (u32)S(1);   \
        u32 k1 = OPND(2);     \
        u32 x2 = (u32)S(3);   \
        u32 k2 = OPND(4);     \
        S(0) = PUT_u32(EXPR); \
        NEXT(5);              \
    })

// i32 operator NAME whose second operand b is x shifted by the immediate k (SEXPR), named
// NAME_SNAME: operands dst, a, x, k (ops_shifted.inc).
#define ALU_SHIFTED(NAME, SNAME, EXPR, SEXPR) \
    HANDLER(NAME##_##SNAME, {                 \
        u32 a = (u32)S(1);                    \
        u32 x = (u32)S(2);                    \
        u32 k = OPND(3);                      \
        u32 b = (SEXPR);                      \
        S(0) = PUT_u32(EXPR);                 \
        NEXT(4);                              \
    })

// Two f64 operators in a row: t = x E1 y, then E2 on operands p, q. F64_<N1>_<N2> has the
// chained t as p and the slot z as q; F64_<N1>_<N2>_R has z as p and t as q. Operands:
// dst, x, y, z (ops_chain.inc).
#define F64_CHAIN(N1, N2, E1, E2)  \
    HANDLER(F64_##N1##_##N2, {     \
        f64 x = GET_f64(S(1));     \
        f64 y = GET_f64(S(2));     \
        f64 p = E1;                \
        f64 q = GET_f64(S(3));     \
        S(0) = PUT_f64(E2);        \
        NEXT(4);                   \
    })                             \
    HANDLER(F64_##N1##_##N2##_R, { \
        f64 x = GET_f64(S(1));     \
        f64 y = GET_f64(S(2));     \
        f64 q = E1;                \
        f64 p = GET_f64(S(3));     \
        S(0) = PUT_f64(E2);        \
        NEXT(4);                   \
    })

// Two i32 operators in a row: p = x E1 y, then E2 (commutative) with q = z. Operands:
// dst, x, y, z (ops_chain.inc).
#define I32_CHAIN(N1, N2, E1, E2) \
    HANDLER(CH_I32_##N1##_##N2, { \
        u32 x = (u32)S(1);        \
        u32 y = (u32)S(2);        \
        u32 p = E1;               \
        u32 q = (u32)S(3);        \
        S(0) = PUT_u32(E2);       \
        NEXT(4);                  \
    })

// SIMD operators (ops_simd*.inc): operands as compile_simd.c lays them out: the dst
// slot (when there is a result), the operand slots in push order, then immediates
// (memarg offset, lane, or 16 bytes as 4 words). A v128 slot operand names two slots.
#define SIMD(NAME, ...) HANDLER(NAME, __VA_ARGS__)

// A faster form of a SIMD handler for some hosts, chosen by the translator: not in the
// opcode table (compile_simd.c picks it explicitly).
#define SIMD_VARIANT(NAME, ...) HANDLER(NAME, __VA_ARGS__)

// SIMD memory access of NBYTES at slot operand ADDR + immediate operand OFF; BODY sees
// `p`, the host address. Makes NAME (guard pages) and NAME_CHK (bounds checks).
#define SIMD_MEM(NAME, NBYTES, ADDR, OFF, NOPS, ...)                                             \
    HANDLER(NAME, {                                                                              \
        u8 *p = mem + (u64)(u32)S(ADDR) + OPND(OFF);                                             \
        __VA_ARGS__                                                                              \
        NEXT(NOPS);                                                                              \
    })                                                                                           \
    HANDLER(NAME##_CHK, {                                                                        \
        u64 ea = (u64)(u32)S(ADDR) + OPND(OFF);                                                  \
        if (MOAT_UNLIKELY(ea + (NBYTES) > vm->memp->size)) TRAP(MOAT_TRAP_MEMORY_OUT_OF_BOUNDS); \
        u8 *p = mem + ea;                                                                        \
        __VA_ARGS__                                                                              \
        NEXT(NOPS);                                                                              \
    })

// Compare and branch: operands a, b (slot or immediate), rel.
#define BR_CMP(NAME, TA, EXPR)                \
    HANDLER(BR_##NAME, {                      \
        TA a = GET_##TA(S(0));                \
        TA b = GET_##TA(S(1));                \
        if (EXPR) JUMP(OPND(2));              \
        NEXT(3);                              \
    })                                        \
    HANDLER(BR_##NAME##_I, {                  \
        TA a = GET_##TA(S(0));                \
        TA b = IMM_##TA(1);                   \
        if (EXPR) JUMP(OPND(IMMOPS_##TA(1))); \
        NEXT(IMMOPS_##TA(1) + 1);             \
    })

// An i32.add of a constant followed by a compare-and-branch on its result (the loop
// counter step and back-edge test): operands dst, a, imm, b (slot or immediate), rel.
// The sum is written to dst first, exactly as the two handlers would. ADDS_BR_*: the
// same after an i32.add of two slots (dst, a, b_add, b, rel), e.g. a sieve's j += i.
#define ADD_BR_PAIR(NAME, SUM, EXPR) \
    HANDLER(NAME, {                  \
        u32 a = (u32)(SUM);          \
        S(0) = a;                    \
        u32 b = (u32)S(3);           \
        if (EXPR) JUMP(OPND(4));     \
        NEXT(5);                     \
    })                               \
    HANDLER(NAME##_I, {              \
        u32 a = (u32)(SUM);          \
        S(0) = a;                    \
        u32 b = OPND(3);             \
        if (EXPR) JUMP(OPND(4));     \
        NEXT(5);                     \
    })
// SELECT_<cmp>[_I]: a select whose condition is an i32 compare just computed (wasmi
// #1497): operands dst, a, b, x, y (slot or immediate); dst = x <cmp> y ? a : b.
#define ADD_BR_CMP(NAME, EXPR)                       \
    ADD_BR_PAIR(ADD_BR_##NAME, S(1) + OPND(2), EXPR) \
    ADD_BR_PAIR(ADDS_BR_##NAME, S(1) + S(2), EXPR)   \
    HANDLER(SELECT_##NAME, {                         \
        u32 a = (u32)S(3), b = (u32)S(4);            \
        S(0) = (EXPR) ? S(1) : S(2);                 \
        NEXT(5);                                     \
    })                                               \
    HANDLER(SELECT_##NAME##_I, {                     \
        u32 a = (u32)S(3), b = OPND(4);              \
        S(0) = (EXPR) ? S(1) : S(2);                 \
        NEXT(5);                                     \
    })

#endif
