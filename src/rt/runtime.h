// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// The runtime's objects as the engine sees them: shared by rt/ (which creates them) and
// exec/interp/ (which runs code against them). Values live in 8-byte slots: i32 zero-
// extended, f32/f64 as raw bits, references as pointers (moat_func * / host externref
// pointer, NULL = null).
#ifndef MOAT_RT_RUNTIME_H
#define MOAT_RT_RUNTIME_H

#include "core/module.h"
#include "moat.h"
#include "util/os.h"
#include "util/types.h"

#include <pthread.h>
#include <string.h>

typedef u64 moat__slot;

// Slots a value takes in frames, globals and argument arrays: two for v128, else one.
static inline u32 moat__valtype_slots(u8 valtype) {
    return valtype == 0x7B ? 2u : 1u; // MOAT_VT_V128
}

#define MOAT_PAGE_SIZE          65536u
#define MOAT_MAX_PAGES32        65536u
#define MOAT_DEFAULT_CALL_DEPTH 20000u
#define MOAT_DEFAULT_WASM_STACK ((size_t)8 << 20) // 1 Mi slots of 8 bytes

struct moat_config {
    bool bounds_checks;
    u32 features;            // bit (1 << moat_feature) per enabled optional feature
    bool consume_fuel;       // translator emits fuel checks (rt/limits.c)
    bool epoch_interruption; // translator emits epoch checks
    u32 max_call_depth;
    size_t max_wasm_stack; // bytes of interpreter value stack; 0 = MOAT_DEFAULT_WASM_STACK
};

// Released guard-mode reservations kept for reuse (rt/memory.c): mapping and unmapping
// 8 GiB per memory costs more than resetting the few pages a memory touched.
#define MOAT_RESERVATION_POOL 32

struct moat__reservation {
    void *base;
    u64 image_id; // [0, used) is accessible and holds this image (0: zeros) ...
    u64 used;     // ... the rest is inaccessible; used 0: empty
};

// A module's copy-on-write image of memory 0 (rt/image.c): `fd` holds the bytes of
// [start, start + len) of the initial memory; `id` is unique in the engine (never 0).
struct moat__image {
    u64 id;
    int fd;
    u64 start, len;
};

struct moat_engine {
    struct moat_config config;
    pthread_mutex_t lock; // guards the type registry
    pthread_mutex_t pool_lock;
    u32 npooled;
    struct moat__reservation pooled[MOAT_RESERVATION_POOL];
    u64 last_image_id; // atomic
    u32 ntypes, cap_types;
    struct moat__functype *types; // canonical function types; id = index
    u32 *index, index_cap;        // hash index over types (rt/engine.c)
    u64 epoch;                    // bumped by moat_engine_increment_epoch (atomic)
    u32 refs; // atomic: the embedder's handle + each live store, module and linker
};

// An engine lives while anything made from it does (as Wasmtime's Engine, which is
// reference-counted): stores return memories to its pool, modules empty pooled
// reservations that map their images, so freeing it first would be a use-after-free.
void moat__engine_retain(moat_engine *engine);
void moat__engine_release(moat_engine *engine);

// Registers `type` in the engine's canonical set and returns its id (equal ids <=> equal
// signatures). MOAT_NO_INDEX on out-of-memory.
u32 moat__engine_type_id(moat_engine *engine, u32 nparams, const u8 *params, u32 nresults,
                         const u8 *results);

struct moat_functype {
    struct moat__functype t; // params/results arrays owned by this object
};

struct moat__code; // compiled function, owned by exec/interp

struct moat_module {
    moat_engine *engine;
    struct moat__module_ir *ir;
    moat_functype *types;     // public view of ir->types (type_id filled in)
    struct moat__code **code; // [nfuncs - nfunc_imports]; compiled lazily by the
                              // interpreter, published with an atomic store
    int refcount;             // module handle + live instances (atomic)
    // Copy-on-write image of the initial contents of memory 0 (rt/image.c), built on
    // the first guard-mode instantiation when every active data segment is constant and
    // in bounds. image_state: 0 = not tried, 1 = ready, 2 = none (copy the segments).
    int image_state; // read with acquire, written under image_lock
    pthread_mutex_t image_lock;
    struct moat__image image;
};

struct moat_func {
    moat_store *store;
    const struct moat__functype *type; // type_id is canonical
    bool is_host;
    // wasm functions
    moat_instance *instance;
    u32 func_index;
    // Cached by the interpreter at the first call from the host (exec/interp/run.c): the
    // compiled code, and its parameter and result counts if no value is a v128 (one
    // slot each) and no parameter a funcref (whose store is checked), else UINT32_MAX. Set only
    // once the store's interpreter state exists.
    struct moat__code *code;
    u32 code_nparams, code_nresults;
    // host functions
    moat_host_callback callback;
    void *env;
    void (*finalizer)(void *env);
    moat_functype *owned_type; // host functions own a copy of their type
};

struct moat_memory {
    u8 *base;
    u64 size;         // bytes currently accessible
    u64 max_pages;    // effective maximum (declared max or the 4 GiB limit)
    u64 reserved;     // bytes of address space reserved (guard mode) or allocated
    bool guarded;     // reservation covers every u32 address + u32 offset: no checks needed
    u64 initial_size; // guarded: released, the memory is reset to this size and to ...
    u64 image_id;     // ... this module image (0: zeros) for the next such memory
    moat_memorytype type;
    moat_store *store;
};

struct moat_table {
    void **elems; // funcref: moat_func *, externref: host pointer; NULL = null
    u32 size;
    u32 max; // effective maximum
    u32 capacity;
    moat_tabletype type;
    moat_store *store;
};

struct moat_global {
    moat__slot value[2]; // v128 needs two slots
    moat_globaltype type;
    moat_store *store;
};

struct moat__elem_inst {
    void **refs; // evaluated references (count 0 after elem.drop)
    u32 count;
};

struct moat__data_inst {
    const u8 *bytes; // into the module's bytes (len 0 after data.drop)
    u32 len;
};

struct moat_instance {
    moat_store *store;
    moat_module *module;
    const struct moat__module_ir *ir;
    moat_func **funcs;             // [ir->nfuncs]
    moat_table **tables;           // [ir->ntables]
    moat_memory **mems;            // [ir->nmems]
    moat_global **globals;         // [ir->nglobals]
    struct moat__elem_inst *elems; // [ir->nelems]
    struct moat__data_inst *datas; // [ir->ndatas]
    moat_extern *exports;          // [ir->nexports]
};

struct moat_store {
    moat_engine *engine;
    // every object created in the store, freed with it
    void **objects;
    u8 *object_kinds;
    size_t nobjects, cap_objects;
    void *interp; // per-store interpreter state (value stack ...), owned by interp
    struct moat__activation *activation; // innermost host->wasm entry (rt/trap.c)
    void *data;                          // moat_store_data
    void (*data_finalizer)(void *data);
    // Limits (rt/limits.c). The first three are read by the interpreter's checks at loop
    // headers and function entries, which are only emitted when the engine's config asks.
    i64 fuel;               // remaining fuel; a check that would take it below 0 traps
    u64 epoch_deadline;     // trap "interrupted" once *epoch >= this; UINT64_MAX = never
    const u64 *epoch;       // &engine->epoch
    u64 max_memory_size;    // bytes per linear memory; UINT64_MAX = the spec's limit
    u64 max_table_elements; // per table; UINT64_MAX = implementation limit
};

struct moat_trap {
    moat_trap_kind kind;
    int32_t exit_status; // MOAT_TRAP_EXIT only
    char *message;
    size_t nframes, cap_frames;
    moat_frame *frames; // names point into `names`
    char **names;       // copies of frame names, owned
    size_t nnames;
};

// --- rt services used by the interpreter ---------------------------------------------

// A trap of `kind` with the spec's message ("integer divide by zero", ...). Never NULL
// (falls back to a static out-of-memory trap that moat_trap_delete ignores).
moat_trap *moat__trap_new(moat_trap_kind kind);
// A trap of `kind` with a message of its own (copied), e.g. "uninitialized element 2".
moat_trap *moat__trap_new_message(moat_trap_kind kind, const char *message);
// Appends a backtrace frame (outermost last). Copies the names. Ignores OOM.
void moat__trap_push_frame(moat_trap *trap, const moat_module *module, u32 func_index,
                           u64 module_offset);

// Calls a host function with arguments in slots[0..nparams); writes results to
// slots[0..nresults). `caller` is the calling instance (NULL when called from the host);
// the callback sees its exports through moat_caller. Returns NULL or a trap (the host's
// message; kind MOAT_TRAP_HOST).
moat_trap *moat__host_call(moat_func *func, moat_instance *caller, moat__slot *slots);

// memory.grow: returns the old size in pages, or -1 when growth fails/exceeds the max.
i64 moat__memory_grow(moat_memory *mem, u64 delta_pages);
// table.grow: returns the old size, or -1.
i64 moat__table_grow(moat_table *table, u32 delta, void *init);

// moat_func_call's refusal (wrong store, arity or argument kinds) as an API error, with
// *trap = NULL; NULL when the call is fine.
moat_error *moat__call_misuse(const moat_store *store, const moat_func *func, const moat_val *args,
                              size_t nargs, size_t nresults, moat_trap **trap);

// Recovery points for faults that cannot return as values: an access in the guard
// region of one of the store's memories jumps back to the innermost activation of this
// thread. An entry from the host links one in (prev = moat__activation_current) around
// running wasm, so nested host<->wasm calls unwind to the right frame.
struct moat__activation {
    moat__os_jmp_buf jmp; // MOAT_OS_SETJMP returns non-zero here after a fault
    struct moat__activation *prev;
    moat_store *store;
};
extern _Thread_local struct moat__activation *moat__activation_current;

// Installs the process's fault handler (once). False if it could not be installed: then
// guarded memories are unsafe to run.
bool moat__guard_handler_install(void);

// Conversion between the public moat_val and 8-byte slots: a v128 takes two
// (moat__valtype_slots), any other value one. Inline: every host->wasm call uses them.
static inline void moat__val_to_slot(const moat_val *val, moat__slot *slot) {
    u8 kind = (u8)val->kind;
    if ((kind | 2) == MOAT_I32) { // i32 or f32: zero-extended bits
        u32 bits;
        memcpy(&bits, &val->of, 4);
        slot[0] = bits;
    } else if ((kind | 2) == MOAT_I64) { // i64 or f64
        memcpy(slot, &val->of, 8);
    } else if (kind == MOAT_V128) {
        memcpy(slot, val->of.v128, 16);
    } else if (kind == MOAT_FUNCREF) {
        slot[0] = (u64)(uintptr_t)val->of.funcref;
    } else if (kind == MOAT_EXTERNREF) {
        slot[0] = (u64)(uintptr_t)val->of.externref;
    }
}

static inline void moat__slot_to_val(const moat__slot *slots, u8 valtype, moat_val *out) {
    moat__slot slot = slots[0];
    out->kind = (moat_valkind)valtype;
    if ((valtype | 2) == MOAT_VT_I32) { // i32 or f32
        u32 bits = (u32)slot;
        memcpy(&out->of, &bits, 4);
    } else if ((valtype | 2) == MOAT_VT_I64) { // i64 or f64
        memcpy(&out->of, &slot, 8);
    } else if (valtype == MOAT_VT_V128) {
        memcpy(out->of.v128, slots, 16);
    } else if (valtype == MOAT_VT_FUNCREF) {
        out->of.funcref = (moat_func *)(uintptr_t)slot;
    } else if (valtype == MOAT_VT_EXTERNREF) {
        out->of.externref = (void *)(uintptr_t)slot;
    } else {
        memset(&out->of, 0, sizeof out->of);
    }
}

#endif
