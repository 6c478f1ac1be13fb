// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Private contract between the interpreter's translator (compile*.c) and its dispatch
// loop (run.c): the layout of translated code, frames and per-store state.
//
// Translated code is an array of 8-byte words. An instruction is one handler word
// (function pointer, label address or switch index, by dispatch mode) followed by its
// operands as a packed array of u32 (slot indices, immediates, jump offsets), padded to
// a whole word: an instruction with n operands is 1 + (n + 1) / 2 words long. Jump
// offsets are signed word counts relative to the start of the jumping instruction, so
// code is position independent and can be built in a growing buffer.
//
// Frames: a value is one u64 slot, a v128 two adjacent ones. A function's frame is
//   [params][declared locals][temporaries: one value per operand-stack position]
// and the callee's params are the caller's outgoing argument slots (no copy per call).
// Results come back in the callee's slots from 0 on, i.e. the caller's argument area.
#ifndef MOAT_EXEC_INTERP_INTERNAL_H
#define MOAT_EXEC_INTERP_INTERNAL_H

#include "exec/interp/interp.h"

// --- dispatch mode -----------------------------------------------------------------------
// MOAT_DISPATCH_{auto,tail,goto,switch} comes from CMake. auto = tail calls when the
// compiler guarantees them (clang `musttail`), computed goto otherwise (gcc).
#if defined(MOAT_DISPATCH_switch)
#define MOAT_INTERP_SWITCH 1
#elif defined(MOAT_DISPATCH_goto)
#define MOAT_INTERP_GOTO 1
#elif defined(MOAT_DISPATCH_tail)
#define MOAT_INTERP_TAIL 1
#elif defined(__has_attribute)
#if __has_attribute(musttail)
#define MOAT_INTERP_TAIL 1
#elif defined(__GNUC__)
#define MOAT_INTERP_GOTO 1
#else
#define MOAT_INTERP_SWITCH 1
#endif
#elif defined(__GNUC__)
#define MOAT_INTERP_GOTO 1
#else
#define MOAT_INTERP_SWITCH 1
#endif

// Handlers' calling convention in tail mode. preserve_none (clang >= 19, x86-64/AArch64)
// makes every register an argument/scratch register, so handlers never save callee-saved
// registers around the chain (LLVM PR #76868: 3-10% on protobuf parsing).
// Not under ASan: its redzones realign a handler's frame, which clang 19 cannot do for
// preserve_none ("stack realignment in presence of dynamic allocas"), e.g. for the
// 16-byte v128 locals of the SIMD handlers.
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MOAT_HCC_NO_PRESERVE_NONE 1
#endif
#endif
#if defined(MOAT_INTERP_TAIL) && defined(__clang__) && defined(__has_attribute) \
    && (defined(__x86_64__) || defined(__aarch64__)) && !defined(MOAT_HCC_NO_PRESERVE_NONE)
#if __has_attribute(preserve_none)
#define MOAT_HCC __attribute__((preserve_none))
#endif
#endif
#ifndef MOAT_HCC
#define MOAT_HCC
#endif

struct moat__vm;
union moat__insn;

typedef MOAT_HCC int (*moat__handler)(const union moat__insn *pc, moat__slot *fp, u8 *mem,
                                      struct moat__vm *vm);

typedef union moat__insn {
    moat__handler fn;  // tail mode
    const void *label; // goto mode
    uintptr_t op;      // switch mode
    u64 bits;
} moat__insn;

// --- handler ids -------------------------------------------------------------------------
// One id per handler, generated from the handler files. The families (BIN_I, LOAD, ...)
// are defined in ops_families.h in terms of HANDLER(name, body...).
#include "exec/interp/ops_families.h"
#include "exec/interp/simd.h" // MOAT_SIMD_SSSE3: which SIMD_VARIANT handlers exist

enum moat__hid {
    H_NONE = 0,
#define HANDLER(NAME, ...) H_##NAME,
#include "exec/interp/ops_all.inc"
#undef HANDLER
    H_COUNT
};

// --- compiled function -------------------------------------------------------------------
// Maps an instruction (word index) to the module offset of the wasm instruction it came
// from, for backtraces. Sorted by pos.
struct moat__srcpos {
    u32 pos;
    u32 offset;
};

struct moat__code {
    const moat_module *module;
    u32 func_index;
    u32 frame_size; // slots: params + locals + temporaries (>= nresults)
    u32 nparams, nresults;
    u32 nparam_slots, nresult_slots; // a v128 takes two
    u32 body_offset;                 // module offset of the first instruction
    u32 nsrc;
    struct moat__srcpos *src; // [nsrc], inside this allocation
    u32 ninsns;               // words
    moat__insn insns[];
};

// --- per-store state ---------------------------------------------------------------------
// A control record per active wasm frame: where its caller continues. Pushed by calls,
// popped by returns; the record of the outermost frame of an entry points at the exit
// instruction. `code` is the function running in the frame this record opened.
struct moat__ctrl {
    const moat__insn *ret_pc;
    moat__slot *fp;      // caller's frame
    moat_instance *inst; // caller's instance
    const struct moat__code *code;
};

struct moat__vm {
    // Read by handlers.
    struct moat__ctrl *ctrl_top, *ctrl_end;
    moat__slot *stack_end;
    moat_instance *inst;       // current instance and views of it
    struct moat__code **codes; // inst->module->code
    moat_func **funcs;
    moat_global **globals;
    moat_table **tables;
    moat_memory *memp; // memory 0, or `no_memory`
    u32 nfunc_imports;
    // Entry, traps, nesting (cold).
    moat_store *store;
    moat__slot *stack_base, *stack_top; // stack_top: first free slot for a nested entry
    struct moat__ctrl *ctrl_base;
    const moat__insn *trap_pc; // instruction that trapped (NULL for a guard fault)
    moat_trap *pending_trap;   // a trap returned by a host function
    u32 trap_aux;              // detail for the message (element index)
    u32 nesting;
    u32 max_nesting;   // MOAT_INTERP_MAX_NESTING, or 0 to refuse every entry:
    bool guard_failed; // memories may fault but the fault handler is not installed
    bool guarded;      // memories may fault: entries set a recovery point
    moat__insn exit_insn[2];
    moat_memory no_memory;
};

// Stack sizes: 1 Mi slots (8 MiB, committed lazily by the OS) and at most this many
// nested host->wasm entries (each costs native stack).
#define MOAT_INTERP_STACK_SLOTS (1u << 20)
#define MOAT_INTERP_MAX_NESTING 1000u

// A pseudo trap kind for "out of memory while compiling": becomes a host-style trap.
#define MOAT_INTERP_TRAP_OOM 1000

// --- translator (compile.c) --------------------------------------------------------------
// Translates defined function `func_index` of `module`. NULL on out-of-memory (or, never
// for validated code, an internal inconsistency).
struct moat__code *moat__interp_compile(const moat_module *module, u32 func_index);

// The compiled code of defined function `func_index`, compiling and publishing it on first
// use. NULL on out-of-memory.
struct moat__code *moat__interp_code_get(const moat_module *module, u32 func_index);

// The instruction word for handler `id` in this build's dispatch mode.
moat__insn moat__interp_handler_word(u32 id);

// Module offset of the instruction at `pc` in `code` (or the last one before it).
u64 moat__interp_offset_of(const struct moat__code *code, const moat__insn *pc);

#ifdef MOAT_INTERP_DEBUG // debug.c: tuning aids, not in normal builds
// Prints `code` to stderr when MOAT_INTERP_DUMP is set; `starts`: instruction word indices.
void moat__interp_debug_dump(const struct moat__code *code, const u32 *starts, u32 nstarts);
// Counts one dispatch of handler `cur` after `prev` (switch dispatch only).
void moat__interp_debug_count(u32 prev, u32 cur);
#endif

#endif
