// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// The interpreter's dispatch loop and entry from the host. Handlers are written once
// (ops_*.inc) and turned into one of three dispatch forms:
//   tail   each handler is a function ending in a `musttail` call of the next one; the VM
//          registers (pc, fp, mem, vm) stay in argument registers (clang).
//   goto   one function, handlers are labels, `goto *pc->label` (gcc).
//   switch one function, a portable switch loop (MOAT_DISPATCH=switch).
// Traps return as values through the chain (TRAP -> vm_fault records the pc); faults in a
// guard region longjmp to moat__protected_call. Per-store state (value stack, control
// stack) nests for host -> wasm -> host -> wasm re-entry.
#include "exec/interp/interp_internal.h"
#include "exec/interp/num.h"
#include "exec/interp/simd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// --- operand access used by the handler bodies ----------------------------------------
#define OPND(k)       (((const u32 *)(pc + 1))[k])
#define S(k)          fp[OPND(k)]
#define IMM_u32(k)    OPND(k)
#define IMM_u64(k)    ((u64)OPND(k) | (u64)OPND((k) + 1) << 32)
#define IMM_f32(k)    moat__f32_from(OPND(k))
#define IMM_f64(k)    moat__f64_from(IMM_u64(k))
#define IMMOPS_u32(k) ((k) + 1)
#define IMMOPS_u64(k) ((k) + 2)
#define IMMOPS_f32(k) ((k) + 1)
#define IMMOPS_f64(k) ((k) + 2)
#define GET_u32(x)    ((u32)(x))
#define GET_u64(x)    ((u64)(x))
#define GET_f32(x)    moat__f32_from((u32)(x))
#define GET_f64(x)    moat__f64_from(x)
#define PUT_u32(v)    ((u64)(u32)(v))
#define PUT_u64(v)    ((u64)(v))
#define PUT_f32(v)    ((u64)moat__f32_bits(v))
#define PUT_f64(v)    moat__f64_bits(v)
#define VGET(k)       moat__v128_get(&fp[OPND(k)])
#define VPUT(k, v)    moat__v128_put(&fp[OPND(k)], (v))
#define TRAP(kind)    return vm_fault(vm, pc, (kind))
#define NEXT(nops)                  \
    do {                            \
        pc += 1 + ((nops) + 1) / 2; \
        DISPATCH();                 \
    } while (0)
#define JUMP(rel)         \
    do {                  \
        pc += (i32)(rel); \
        DISPATCH();       \
    } while (0)

// --- cold paths called from handlers ----------------------------------------------------

// Records where a trap happened; the entry builds the trap object from it.
static MOAT_COLD int vm_fault(struct moat__vm *vm, const moat__insn *pc, int kind) {
    vm->trap_pc = pc;
    return kind;
}

// A fuel or epoch check failed: out of fuel (the cost is given back, so the store keeps
// what was left) or past the epoch deadline.
static MOAT_COLD int limit_trap(struct moat__vm *vm, const moat__insn *pc, u32 cost) {
    moat_store *store = vm->store;
    if (store->fuel < 0) {
        store->fuel += cost;
        return vm_fault(vm, pc, MOAT_TRAP_OUT_OF_FUEL);
    }
    return vm_fault(vm, pc, MOAT_TRAP_INTERRUPTED);
}

// Makes `inst` the current instance: the views handlers read.
static void moat__interp_switch(struct moat__vm *vm, moat_instance *inst) {
    vm->inst = inst;
    vm->codes = inst->module->code;
    vm->funcs = inst->funcs;
    vm->globals = inst->globals;
    vm->tables = inst->tables;
    vm->memp = inst->ir->nmems ? inst->mems[0] : &vm->no_memory;
    vm->nfunc_imports = inst->ir->nfunc_imports;
}

// Calls host function `f` with arguments (and results) at `args`. A nested entry from the
// host starts above the arguments. Returns 0 or MOAT_TRAP_HOST (trap kept in the vm).
static MOAT_COLD int moat__interp_host_call(struct moat__vm *vm, const moat__insn *pc,
                                            moat__slot *args, moat_func *f) {
    moat__slot *saved_top = vm->stack_top;
    u32 np = 0, nr = 0;
    for (u32 i = 0; i < f->type->nparams; i++)
        np += moat__valtype_slots(f->type->params[i]);
    for (u32 i = 0; i < f->type->nresults; i++)
        nr += moat__valtype_slots(f->type->results[i]);
    vm->stack_top = args + (np > nr ? np : nr);
    moat_trap *trap = moat__host_call(f, vm->inst, args);
    vm->stack_top = saved_top;
    if (MOAT_UNLIKELY(trap)) {
        vm->pending_trap = trap;
        vm->trap_pc = pc;
        return MOAT_TRAP_HOST;
    }
    return 0;
}

// --- the three dispatch forms -------------------------------------------------------------
#if defined(MOAT_INTERP_TAIL)

#define DISPATCH() __attribute__((musttail)) return pc->fn(pc, fp, mem, vm)
#define SLOW(NAME) __attribute__((musttail)) return h_##NAME(pc, fp, mem, vm)
#define HANDLER(NAME, ...)                                                      \
    static MOAT_HCC int h_##NAME(const moat__insn *pc, moat__slot *fp, u8 *mem, \
                                 struct moat__vm *vm);
#include "exec/interp/ops_all.inc"
#undef HANDLER
#define HANDLER(NAME, ...)                                                      \
    static MOAT_HCC int h_##NAME(const moat__insn *pc, moat__slot *fp, u8 *mem, \
                                 struct moat__vm *vm) __VA_ARGS__
#include "exec/interp/ops_all.inc"
#undef HANDLER

static const moat__handler handler_table[H_COUNT] = {
#define HANDLER(NAME, ...) [H_##NAME] = h_##NAME,
#include "exec/interp/ops_all.inc"
#undef HANDLER
};

static int run(const moat__insn *pc, moat__slot *fp, u8 *mem, struct moat__vm *vm) {
    return pc->fn(pc, fp, mem, vm);
}

moat__insn moat__interp_handler_word(u32 id) {
    moat__insn w;
    w.bits = 0;
    w.fn = handler_table[id];
    return w;
}

#elif defined(MOAT_INTERP_GOTO)

static const void *const *goto_labels;

#define DISPATCH()         goto * pc->label
#define SLOW(NAME)         goto L_##NAME
static int run(const moat__insn *pc, moat__slot *fp, u8 *mem, struct moat__vm *vm) {
    static const void *const labels[H_COUNT] = {
#define HANDLER(NAME, ...) [H_##NAME] = &&L_##NAME,
#include "exec/interp/ops_all.inc"
#undef HANDLER
    };
    if (MOAT_UNLIKELY(!pc)) {
        __atomic_store_n(&goto_labels, labels, __ATOMIC_RELEASE);
        return 0;
    }
    DISPATCH();
#define HANDLER(NAME, ...) L_##NAME : __VA_ARGS__
#include "exec/interp/ops_all.inc"
#undef HANDLER
}

moat__insn moat__interp_handler_word(u32 id) {
    const void *const *labels = __atomic_load_n(&goto_labels, __ATOMIC_ACQUIRE);
    if (!labels) {
        run(NULL, NULL, NULL, NULL);
        labels = __atomic_load_n(&goto_labels, __ATOMIC_ACQUIRE);
    }
    moat__insn w;
    w.bits = 0;
    w.label = labels[id];
    return w;
}

#else // switch

#define DISPATCH() goto dispatch
#define SLOW(NAME) goto L_##NAME
static int run(const moat__insn *pc, moat__slot *fp, u8 *mem, struct moat__vm *vm) {
#ifdef MOAT_INTERP_DEBUG
    u32 prev_op = H_COUNT;
#endif
dispatch:
#ifdef MOAT_INTERP_DEBUG
    moat__interp_debug_count(prev_op, (u32)pc->op);
    prev_op = (u32)pc->op;
#endif
    switch ((u32)pc->op) {
#define HANDLER(NAME, ...)                  \
    case H_##NAME:                          \
        L_##NAME : __attribute__((unused)); \
        __VA_ARGS__
#include "exec/interp/ops_all.inc"
#undef HANDLER
    default:
        TRAP(MOAT_TRAP_UNREACHABLE);
    }
}

moat__insn moat__interp_handler_word(u32 id) {
    moat__insn w;
    w.bits = 0;
    w.op = id;
    return w;
}

#endif

// --- per-store state ----------------------------------------------------------------------

_Static_assert(sizeof(struct moat__ctrl) % sizeof(moat__slot) == 0, "ctrl records fill slots");

static struct moat__vm *vm_get(moat_store *store) {
    if (store->interp) return store->interp;
    struct moat__vm *vm = calloc(1, sizeof *vm);
    if (!vm) return NULL;
    u32 depth = store->engine->config.max_call_depth;
    if (!depth) depth = MOAT_DEFAULT_CALL_DEPTH;
    vm->store = store;
    // moat_config_max_wasm_stack_set: bytes of value stack, 8 per slot.
    size_t wasm_stack = store->engine->config.max_wasm_stack;
    size_t nslots = wasm_stack ? wasm_stack / sizeof(moat__slot) : MOAT_INTERP_STACK_SLOTS;
    if (nslots < 16) nslots = 16;
    // One allocation for the value stack and the control stack behind it: large, so
    // it is a fresh mapping whose pages the OS commits only when touched.
    size_t nctrl_slots = (size_t)depth * sizeof *vm->ctrl_base / sizeof(moat__slot);
    vm->stack_base = nslots <= SIZE_MAX / sizeof(moat__slot) - nctrl_slots
                         ? calloc(nslots + nctrl_slots, sizeof(moat__slot))
                         : NULL;
    if (!vm->stack_base) {
        free(vm);
        return NULL;
    }
    vm->ctrl_base = (struct moat__ctrl *)(vm->stack_base + nslots);
    vm->ctrl_top = vm->ctrl_base;
    vm->ctrl_end = vm->ctrl_base + depth;
    vm->stack_top = vm->stack_base;
    vm->stack_end = vm->stack_base + nslots;
    vm->exit_insn[0] = moat__interp_handler_word(H_EXIT);
    vm->memp = &vm->no_memory;
    // Without guarded memories no fault can come from wasm: no recovery points.
    vm->guarded = !store->engine->config.bounds_checks;
    vm->guard_failed = vm->guarded && !moat__guard_handler_install();
    vm->max_nesting = vm->guard_failed ? 0 : MOAT_INTERP_MAX_NESTING;
    store->interp = vm;
    return vm;
}

void moat__interp_store_free(moat_store *store) {
    struct moat__vm *vm = store->interp;
    if (!vm) return;
    free(vm->stack_base); // and the control stack
    free(vm);
    store->interp = NULL;
}

void moat__interp_code_free(struct moat__code *code) {
    free(code);
}

// --- backtraces ---------------------------------------------------------------------------

static u64 offset_at(const struct moat__code *code, u32 pos) {
    u32 lo = 0, hi = code->nsrc; // find the last entry with src.pos <= pos
    while (lo < hi) {
        u32 mid = lo + (hi - lo) / 2;
        if (code->src[mid].pos <= pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo ? code->src[lo - 1].offset : code->body_offset;
}

u64 moat__interp_offset_of(const struct moat__code *code, const moat__insn *pc) {
    if (!pc || pc < code->insns || pc >= code->insns + code->ninsns) return code->body_offset;
    return offset_at(code, (u32)(pc - code->insns));
}

static moat_trap *make_trap(struct moat__vm *vm, int kind, struct moat__ctrl *entry) {
    moat_trap *trap;
    if (kind == MOAT_TRAP_HOST && vm->pending_trap)
        trap = vm->pending_trap;
    else if (kind == MOAT_INTERP_TRAP_OOM)
        trap = moat_trap_new("out of memory while compiling a function");
    else if (kind == MOAT_TRAP_UNINITIALIZED_ELEMENT) {
        // "uninitialized element 2", as the spec interpreter words it.
        char buf[48];
        snprintf(buf, sizeof buf, "uninitialized element %u", vm->trap_aux);
        trap = moat__trap_new_message(MOAT_TRAP_UNINITIALIZED_ELEMENT, buf);
    } else
        trap = moat__trap_new((moat_trap_kind)kind);
    if (!trap) trap = moat__trap_new(MOAT_TRAP_HOST);
    vm->pending_trap = NULL;
    // Innermost frame: the trapping instruction (unknown after a guard fault); callers:
    // the call instruction just before their return address.
    const moat__insn *pc = vm->trap_pc;
    bool is_return_address = false;
    for (struct moat__ctrl *c = vm->ctrl_top - 1; c >= entry; c--) {
        const struct moat__code *code = c->code;
        u64 off = code->body_offset;
        if (pc && pc >= code->insns && pc <= code->insns + code->ninsns) {
            u32 pos = (u32)(pc - code->insns);
            off = offset_at(code, is_return_address && pos ? pos - 1 : pos);
        }
        moat__trap_push_frame(trap, code->module, code->func_index, off);
        pc = c->ret_pc;
        is_return_address = true;
    }
    return trap;
}

// --- entry ---------------------------------------------------------------------------------
// moat__interp_call is the host's hot path (a trivial export costs about as much as the
// entry itself), so the state it needs is cached: the vm in the store, the compiled code
// in the moat_func, the current instance's views in the vm (kept after the entry returns;
// instances live as long as their store).

// Why an entry cannot start: the stacks are full, or guarded memories without a handler.
static MOAT_COLD moat_trap *entry_refused(struct moat__vm *vm, const struct moat__code *code) {
    if (vm->guard_failed) return moat_trap_new("cannot install the guard-page fault handler");
    moat_trap *trap = moat__trap_new(MOAT_TRAP_STACK_EXHAUSTED);
    moat__trap_push_frame(trap, code->module, code->func_index, code->body_offset);
    return trap;
}

// First call of `func` in its store: creates the vm, compiles the code, caches both.
static MOAT_COLD moat_trap *entry_first(moat_func *func) {
    if (!vm_get(func->store)) return moat_trap_new("out of memory: interpreter stacks");
    if (!func->code) {
        struct moat__code *code = moat__interp_code_get(func->instance->module, func->func_index);
        if (!code) return moat_trap_new("out of memory while compiling a function");
        const struct moat__functype *t = func->type;
        // Funcref arguments take the general path too: it checks their store.
        bool funcref_param = memchr(t->params, MOAT_VT_FUNCREF, t->nparams) != NULL;
        bool one_slot_each = code->nparam_slots == t->nparams && code->nresult_slots == t->nresults
                             && !funcref_param;
        func->code_nparams = one_slot_each ? t->nparams : UINT32_MAX;
        func->code_nresults = one_slot_each ? t->nresults : UINT32_MAX;
        func->code = code;
    }
    return NULL;
}

static MOAT_INLINE bool entry_has_room(const struct moat__vm *vm, const struct moat__code *code) {
    return vm->nesting < vm->max_nesting && vm->ctrl_top != vm->ctrl_end
           && (size_t)(vm->stack_end - vm->stack_top) >= code->frame_size;
}

// Runs the code from its first instruction under a recovery point for guard faults.
// Returns 0 or a trap kind. Inlined where the compiler can (clang with the builtin
// setjmp; gcc never inlines a function that sets one).
#if defined(__clang__) && !defined(MOAT_OS_PORTABLE_JMP)
#define RUN_GUARDED_INLINE MOAT_INLINE
#else
#define RUN_GUARDED_INLINE MOAT_NOINLINE
#endif
static RUN_GUARDED_INLINE int run_guarded(struct moat__vm *vm, const moat__insn *pc,
                                          moat__slot *fp) {
    struct moat__activation act;
    act.prev = moat__activation_current;
    act.store = vm->store;
    if (MOAT_UNLIKELY(MOAT_OS_SETJMP(act.jmp))) {
        moat__activation_current = act.prev;
        vm->trap_pc = NULL; // the faulting instruction is not known
        return MOAT_TRAP_MEMORY_OUT_OF_BOUNDS;
    }
    moat__activation_current = &act;
    int kind = run(pc, fp, vm->memp->base, vm);
    moat__activation_current = act.prev;
    return kind;
}

// The way out of an entry that trapped: the trap, and the vm as the entry found it.
static MOAT_COLD moat_trap *entry_trapped(struct moat__vm *vm, int kind, struct moat__ctrl *entry,
                                          moat_instance *caller) {
    moat_trap *trap = make_trap(vm, kind, entry);
    vm->ctrl_top = entry;
    vm->stack_top = entry->fp;
    if (caller && vm->inst != caller) moat__interp_switch(vm, caller);
    return trap;
}

// Runs `code` of `inst` with its arguments already in the frame at vm->stack_top (room
// checked); the results are left at the frame's start. The entry's control record names
// the caller's instance, so the return switches back to it for a nested entry (from a
// host function called by wasm); an entry from the host leaves its instance current,
// cached for the next one. trap_pc and pending_trap need no saving: they are set on the
// way to a trap and consumed by make_trap before anything else runs.
static MOAT_INLINE moat_trap *entry_run(struct moat__vm *vm, moat_instance *inst,
                                        const struct moat__code *code) {
    moat__slot *fp = vm->stack_top;
    struct moat__ctrl *entry = vm->ctrl_top;
    moat_instance *caller = vm->inst;
    entry->ret_pc = vm->exit_insn;
    entry->fp = fp;
    entry->inst = caller ? caller : inst;
    entry->code = code;
    vm->ctrl_top = entry + 1;
    if (inst != caller) moat__interp_switch(vm, inst);
    vm->nesting++;
    int kind =
        vm->guarded ? run_guarded(vm, code->insns, fp) : run(code->insns, fp, vm->memp->base, vm);
    vm->nesting--;
    // A return popped `entry` and restored the caller's instance.
    return MOAT_LIKELY(!kind) ? NULL : entry_trapped(vm, kind, entry, caller);
}

moat_trap *moat__interp_invoke(moat_func *func, moat__slot *slots) {
    if (!func->store->interp || !func->code) {
        moat_trap *trap = entry_first(func);
        if (trap) return trap;
    }
    struct moat__vm *vm = func->store->interp;
    const struct moat__code *code = func->code;
    if (!entry_has_room(vm, code)) return entry_refused(vm, code);
    moat__slot *fp = vm->stack_top;
    if (code->nparam_slots) memcpy(fp, slots, code->nparam_slots * sizeof *fp);
    moat_trap *trap = entry_run(vm, func->instance, code);
    if (!trap && code->nresult_slots) memcpy(slots, fp, code->nresult_slots * sizeof *fp);
    return trap;
}

// A value's slot when it takes one (not v128): the bits of i32/f32 zero-extended.
static MOAT_INLINE moat__slot one_slot(const moat_val *val) {
    u8 kind = (u8)val->kind;
    if (sizeof(void *) != 8 && (kind == MOAT_FUNCREF || kind == MOAT_EXTERNREF)) {
        moat__slot slot;
        moat__val_to_slot(val, &slot);
        return slot;
    }
    u64 bits;
    memcpy(&bits, &val->of, 8);
    return (kind | 2) == MOAT_I32 ? (u32)bits : bits;
}

static MOAT_INLINE void one_val(moat__slot slot, u8 valtype, moat_val *out) {
    if (sizeof(void *) != 8 && (valtype == MOAT_VT_FUNCREF || valtype == MOAT_VT_EXTERNREF)) {
        moat__slot_to_val(&slot, valtype, out);
        return;
    }
    out->kind = (moat_valkind)valtype;
    if ((valtype | 2) == MOAT_VT_I32) slot = (u32)slot;
    memcpy(&out->of, &slot, 8);
}

// Everything but the common case: API misuse, the first call, full stacks, v128 values.
static MOAT_NOINLINE moat_error *call_general(moat_store *store, moat_func *func,
                                              const moat_val *args, size_t nargs, moat_val *results,
                                              size_t nresults, moat_trap **trap) {
    moat_error *err = moat__call_misuse(store, func, args, nargs, nresults, trap);
    if (err) return err;
    if (!store->interp || !func->code) {
        *trap = entry_first(func);
        if (*trap) return NULL;
    }
    struct moat__vm *vm = store->interp;
    const struct moat__code *code = func->code;
    if (!entry_has_room(vm, code)) {
        *trap = entry_refused(vm, code);
        return NULL;
    }
    const struct moat__functype *t = func->type;
    moat__slot *fp = vm->stack_top;
    for (u32 i = 0, s = 0; i < t->nparams; s += moat__valtype_slots(t->params[i]), i++)
        moat__val_to_slot(&args[i], &fp[s]);
    *trap = entry_run(vm, func->instance, code);
    if (!*trap)
        for (u32 i = 0, s = 0; i < t->nresults; s += moat__valtype_slots(t->results[i]), i++)
            moat__slot_to_val(&fp[s], t->results[i], &results[i]);
    return NULL;
}

moat_error *moat__interp_call(moat_store *store, moat_func *func, const moat_val *args,
                              size_t nargs, moat_val *results, size_t nresults, moat_trap **trap) {
    const struct moat__functype *t = func->type;
    struct moat__vm *vm = store->interp; // not NULL once func->code is set (entry_first)
    const struct moat__code *code = func->code;
    // Everything cached, the arity right and one slot per value (no v128): the common case.
    if (MOAT_UNLIKELY(func->store != store || !code || nargs != func->code_nparams
                      || nresults != func->code_nresults || !entry_has_room(vm, code)))
        return call_general(store, func, args, nargs, results, nresults, trap);
    moat__slot *fp = vm->stack_top;
    const u8 *params = t->params;
    for (size_t i = 0; i < nargs; i++) {
        if (MOAT_UNLIKELY((u8)args[i].kind != params[i]))
            return call_general(store, func, args, nargs, results, nresults, trap);
        fp[i] = one_slot(&args[i]);
    }
    *trap = entry_run(vm, func->instance, code);
    if (MOAT_LIKELY(!*trap)) {
        fp = vm->stack_top; // as before the entry, and cheaper to reload than to keep
        const u8 *rtypes = t->results;
        for (size_t i = 0; i < nresults; i++)
            one_val(fp[i], rtypes[i], &results[i]);
    }
    return NULL;
}
