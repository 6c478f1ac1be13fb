// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// moat: a WebAssembly runtime. This header is the whole public contract of libmoat;
// a function that is not declared here is not part of the API.
//
// Ownership: a `_new` function hands the caller a handle to free with the matching
// `_delete`; `_delete(NULL)` does nothing. Functions that take a handle only borrow it
// unless the parameter is documented as "own" (ownership passes to the callee).
//
// Errors and traps: functions that can fail return `moat_error *` (NULL on success; the
// caller frees a non-NULL error with moat_error_delete) and write results only on success.
// A guest fault is not an error: it is a `moat_trap *` written to a `trap` out-parameter.
//
// Threads: an engine and a module may be shared between threads (module creation and
// instantiation lock only the engine's type registry). A store, and every instance,
// function, memory, table and global created in it, is used by one thread at a time; two
// stores may run on two threads at once. The only functions meant to be called while
// another thread runs wasm are moat_engine_increment_epoch and moat_version.
//
// Limits: a store can cap linear memory and table growth, meter execution with fuel and
// stop a guest at an epoch deadline (moat_store_* below), so an untrusted plugin cannot
// stall or exhaust its host. docs/embedding.md walks through the API.
#ifndef MOAT_H
#define MOAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(MOAT_BUILDING_LIBRARY) && (defined(__GNUC__) || defined(__clang__))
#define MOAT_API __attribute__((visibility("default")))
#else
#define MOAT_API
#endif

// Versions with the same major number are source compatible: a program written against
// 0.x.y builds against 0.x.z. Before 1.0 a minor version may change the ABI, so a host
// linked against the shared library should check moat_version() at start-up.
#define MOAT_VERSION_MAJOR  0
#define MOAT_VERSION_MINOR  1
#define MOAT_VERSION_PATCH  0
#define MOAT_VERSION_STRING "0.1.0"
#define MOAT_VERSION_NUMBER \
    (MOAT_VERSION_MAJOR * 10000 + MOAT_VERSION_MINOR * 100 + MOAT_VERSION_PATCH)

// The library's version string, e.g. "0.1.0": compare with MOAT_VERSION_STRING. Static
// storage; any thread.
MOAT_API const char *moat_version(void);

typedef struct moat_config moat_config;
typedef struct moat_engine moat_engine;
typedef struct moat_module moat_module;
typedef struct moat_store moat_store;
typedef struct moat_instance moat_instance;
typedef struct moat_linker moat_linker;
typedef struct moat_func moat_func;
typedef struct moat_table moat_table;
typedef struct moat_memory moat_memory;
typedef struct moat_global moat_global;
typedef struct moat_functype moat_functype;
typedef struct moat_trap moat_trap;
typedef struct moat_error moat_error;

// ---------------------------------------------------------------------------------------
// Errors

typedef enum moat_error_kind {
    MOAT_ERROR_MALFORMED = 1, // the binary cannot be decoded
    MOAT_ERROR_INVALID,       // decoded, but fails validation
    MOAT_ERROR_UNSUPPORTED,   // uses a proposal or component encoding moat does not support
    MOAT_ERROR_LIMIT,         // exceeds an implementation limit (see docs/limits.md)
    MOAT_ERROR_UNLINKABLE,    // an import is missing or has the wrong type
    MOAT_ERROR_RESOURCE,      // memory/table could not be allocated or grown
    MOAT_ERROR_API,           // the caller broke the API contract (wrong arity, types, ...)
    MOAT_ERROR_IO,            // a file could not be read
    MOAT_ERROR_OOM,           // host out of memory
} moat_error_kind;

// Frees an error (own). Does nothing for NULL.
MOAT_API void moat_error_delete(moat_error *err);
// What went wrong, as one of the kinds above.
MOAT_API moat_error_kind moat_error_kind_get(const moat_error *err);
// The message, e.g. "section 10 (code), offset 0x2a: unexpected end". Borrowed: valid
// until the error is deleted.
MOAT_API const char *moat_error_message(const moat_error *err);
// The byte offset in the module the error was found at; returns false if there is none.
MOAT_API bool moat_error_offset(const moat_error *err, uint64_t *out);

// ---------------------------------------------------------------------------------------
// Values and types

typedef enum moat_valkind {
    MOAT_I32 = 0x7F,
    MOAT_I64 = 0x7E,
    MOAT_F32 = 0x7D,
    MOAT_F64 = 0x7C,
    MOAT_V128 = 0x7B,
    MOAT_FUNCREF = 0x70,
    MOAT_EXTERNREF = 0x6F,
} moat_valkind;

// A typed value. f32/f64 hold IEEE bits exactly (NaN payloads are preserved). A null
// reference is a NULL funcref/externref. A funcref is a moat_func * of the same store
// (borrowed, lives as long as the store); an externref is any host pointer, carried
// through wasm untouched and never dereferenced or freed by moat.
typedef struct moat_val {
    moat_valkind kind;
    union {
        int32_t i32;
        int64_t i64;
        float f32;
        double f64;
        uint8_t v128[16];
        moat_func *funcref;
        void *externref;
    } of;
} moat_val;

// Returns a new function type (own; free with moat_functype_delete). Copies the arrays.
// NULL on out-of-memory.
MOAT_API moat_functype *moat_functype_new(const moat_valkind *params, size_t nparams,
                                          const moat_valkind *results, size_t nresults);
// Frees a type made by moat_functype_new. Never pass a type borrowed from a module or
// function. Does nothing for NULL.
MOAT_API void moat_functype_delete(moat_functype *type);
// Number of parameters / results.
MOAT_API size_t moat_functype_param_count(const moat_functype *type);
MOAT_API size_t moat_functype_result_count(const moat_functype *type);
// Kind of parameter / result `i`; `i` must be below the count.
MOAT_API moat_valkind moat_functype_param(const moat_functype *type, size_t i);
MOAT_API moat_valkind moat_functype_result(const moat_functype *type, size_t i);

typedef struct moat_limits {
    uint64_t min;
    uint64_t max; // valid when has_max
    bool has_max;
} moat_limits;

typedef struct moat_tabletype {
    moat_valkind elem; // MOAT_FUNCREF or MOAT_EXTERNREF
    moat_limits limits;
} moat_tabletype;

typedef struct moat_memorytype {
    moat_limits limits; // in 64 KiB pages
} moat_memorytype;

typedef struct moat_globaltype {
    moat_valkind kind;
    bool is_mutable;
} moat_globaltype;

typedef enum moat_externkind {
    MOAT_EXTERN_FUNC = 0,
    MOAT_EXTERN_TABLE = 1,
    MOAT_EXTERN_MEMORY = 2,
    MOAT_EXTERN_GLOBAL = 3,
} moat_externkind;

// The type of an import or export. `func` is borrowed from the module.
typedef struct moat_externtype {
    moat_externkind kind;
    union {
        const moat_functype *func;
        moat_tabletype table;
        moat_memorytype memory;
        moat_globaltype global;
    } of;
} moat_externtype;

// A reference to a runtime object. Handles are owned by their store.
typedef struct moat_extern {
    moat_externkind kind;
    union {
        moat_func *func;
        moat_table *table;
        moat_memory *memory;
        moat_global *global;
    } of;
} moat_extern;

// A name that may contain any bytes (including NUL): pointer and length.
typedef struct moat_name {
    const char *data;
    size_t len;
} moat_name;

// ---------------------------------------------------------------------------------------
// Engine and configuration

// Returns a new configuration with defaults (own: pass it to moat_engine_new, which
// consumes it, or free it with moat_config_delete). NULL on out-of-memory.
MOAT_API moat_config *moat_config_new(void);
// Frees a configuration that was not given to moat_engine_new. Does nothing for NULL.
MOAT_API void moat_config_delete(moat_config *config);
// Explicit bounds checks on every memory access instead of guard pages and a signal
// handler (for hosts that own SIGSEGV). Default: false (guard pages).
MOAT_API void moat_config_bounds_checks_set(moat_config *config, bool enable);
// Maximum wasm call depth before a "call stack exhausted" trap. Default: 20000 frames
// (docs/limits.md). 0 keeps the default.
MOAT_API void moat_config_max_call_depth_set(moat_config *config, uint32_t depth);
// Size in bytes of each store's interpreter value stack (8 bytes per value: parameters,
// locals and operand temporaries of every active wasm frame). A call that does not fit
// traps "call stack exhausted". Default and 0: 8 MiB, committed lazily by the OS.
MOAT_API void moat_config_max_wasm_stack_set(moat_config *config, size_t bytes);
// Fuel metering. When enabled, code checks a per-store fuel counter at every function
// entry and loop iteration, charging the number of wasm instructions in the function
// body (outside loops) or loop body (outside nested loops): an upper bound of the
// instructions run, not an exact count. A store starts with 0 fuel, so the host must
// call moat_store_fuel_set before running anything; a check that finds too little traps
// MOAT_TRAP_OUT_OF_FUEL ("out of fuel"). Default: false (no checks are emitted at all).
MOAT_API void moat_config_consume_fuel_set(moat_config *config, bool enable);
// Epoch interruption. When enabled, code compares the engine's epoch with the store's
// deadline at every function entry and loop header, and traps MOAT_TRAP_INTERRUPTED
// ("interrupted") once the epoch has reached it. Default: false (no checks emitted).
MOAT_API void moat_config_epoch_interruption_set(moat_config *config, bool enable);

// Optional features: proposals beyond WebAssembly 2.0, each off by default. A module
// using a disabled feature fails validation as MOAT_ERROR_UNSUPPORTED.
typedef enum moat_feature {
    // Relaxed SIMD (WebAssembly 3.0), implemented deterministically: every relaxed
    // instruction gives the result of its strict counterpart on every host (docs/simd.md).
    MOAT_FEATURE_RELAXED_SIMD = 0,
    MOAT_FEATURE_COUNT
} moat_feature;
MOAT_API void moat_config_feature_set(moat_config *config, moat_feature feature, bool enable);

// Returns a new engine in *out (own; free with moat_engine_delete). `config` (own, may be
// NULL for defaults) is consumed even on failure. Errors: OOM.
MOAT_API moat_error *moat_engine_new(moat_config *config, moat_engine **out);
// Gives up the caller's handle. The engine itself is freed when the last module, store
// and linker made from it is deleted too, so they may be deleted in any order (as with
// Wasmtime's reference-counted Engine). Does nothing for NULL.
MOAT_API void moat_engine_delete(moat_engine *engine);
// Advances the engine's epoch by one. Thread-safe and async-signal-safe (one atomic
// add): call it from a timer thread; every store of the engine whose deadline the epoch
// reaches traps at its next check (see moat_config_epoch_interruption_set).
MOAT_API void moat_engine_increment_epoch(moat_engine *engine);

// ---------------------------------------------------------------------------------------
// Modules

// Decodes and validates a binary module. `bytes` is copied (the caller may free it on
// return). On success *out is a new module (own; free with moat_module_delete). Errors:
// MALFORMED, INVALID, UNSUPPORTED, LIMIT, OOM, each with the byte offset and, for
// validation errors, the function index and name. The module may be shared by threads
// and instantiated in any store of the same engine.
MOAT_API moat_error *moat_module_new(moat_engine *engine, const uint8_t *bytes, size_t len,
                                     moat_module **out);
// Frees the module. Instances made from it keep what they need alive. NULL: no-op.
MOAT_API void moat_module_delete(moat_module *module);

// Number of imports, in the order moat_instance_new expects them.
MOAT_API size_t moat_module_import_count(const moat_module *module);
// Import `i` (below the count): its module name, field name and type (all borrowed from
// the module, valid until it is deleted).
MOAT_API void moat_module_import(const moat_module *module, size_t i, moat_name *out_module,
                                 moat_name *out_name, moat_externtype *out_type);
// Number of exports, and export `i`: name and type (borrowed from the module).
MOAT_API size_t moat_module_export_count(const moat_module *module);
MOAT_API void moat_module_export(const moat_module *module, size_t i, moat_name *out_name,
                                 moat_externtype *out_type);
// The name of function `func_index` from the name section; false if it has none.
MOAT_API bool moat_module_func_name(const moat_module *module, uint32_t func_index, moat_name *out);
// The module name from the name section; false if none.
MOAT_API bool moat_module_name(const moat_module *module, moat_name *out);

typedef struct moat_section_info {
    uint8_t id;            // 0 = custom
    const char *name;      // "type", "import", ... or for custom sections "custom"
    moat_name custom_name; // custom sections only
    uint64_t offset;       // of the section id byte
    uint64_t size;         // payload size in bytes
} moat_section_info;

// The module's sections in file order (for tools such as `moat inspect`). The name
// strings are static or borrowed from the module.
MOAT_API size_t moat_module_section_count(const moat_module *module);
MOAT_API void moat_module_section(const moat_module *module, size_t i, moat_section_info *out);
// Number of functions in the index space (imports included) and imported functions.
MOAT_API uint32_t moat_module_func_count(const moat_module *module);
MOAT_API uint32_t moat_module_func_import_count(const moat_module *module);
// Type of function `func_index` (borrowed from the module).
MOAT_API const moat_functype *moat_module_func_type(const moat_module *module, uint32_t func_index);

// ---------------------------------------------------------------------------------------
// Stores

// Returns a new store (own; free with moat_store_delete) in which instances live. The
// engine must outlive it. NULL on out-of-memory. A store has no limits until set below.
MOAT_API moat_store *moat_store_new(moat_engine *engine);
// Frees the store and everything created in it (instances, functions, memories, ...):
// runs the finalizers of its host functions, then its data's finalizer. Handles from it
// are invalid afterwards. Must not be called from inside a call into the store. NULL:
// no-op.
MOAT_API void moat_store_delete(moat_store *store);
// Attaches a host pointer to the store, e.g. the host's per-plugin state, for host
// functions to find through moat_caller_store + moat_store_data. `finalizer(data)` (may
// be NULL) runs when the store is deleted or the data is replaced.
MOAT_API void moat_store_data_set(moat_store *store, void *data, void (*finalizer)(void *data));
// The pointer given to moat_store_data_set, or NULL.
MOAT_API void *moat_store_data(const moat_store *store);
// The engine the store was made from (borrowed).
MOAT_API moat_engine *moat_store_engine(const moat_store *store);

// --- limits ----------------------------------------------------------------------------
// Caps the size of every linear memory of the store at `bytes` (rounded down to 64 KiB
// pages), as Wasmtime's StoreLimits do. Growth past it fails the way the spec allows
// (memory.grow returns -1, moat_memory_grow returns a RESOURCE error); instantiating a
// module whose memory starts larger fails with RESOURCE. Applies to memories created
// after the call. Default: no cap beyond the spec's 4 GiB.
MOAT_API void moat_store_max_memory_size_set(moat_store *store, uint64_t bytes);
// Caps the number of elements of every table of the store, like the memory cap
// (table.grow returns -1). Applies to tables created after the call.
MOAT_API void moat_store_max_table_elements_set(moat_store *store, uint64_t elements);
// Sets the store's remaining fuel (see moat_config_consume_fuel_set); values above
// INT64_MAX are clamped. May be called at any time, also from a host function to refill
// a running guest. Error API if the engine does not consume fuel.
MOAT_API moat_error *moat_store_fuel_set(moat_store *store, uint64_t fuel);
// The store's remaining fuel in *out. Error API if the engine does not consume fuel.
MOAT_API moat_error *moat_store_fuel_get(const moat_store *store, uint64_t *out);
// Sets the store's deadline `ticks` epochs after the engine's current epoch: wasm running
// in the store traps "interrupted" at the first loop header or function entry after
// moat_engine_increment_epoch has been called `ticks` times (0: at the next check). Only
// has effect when the engine was configured with moat_config_epoch_interruption_set.
// Default: no deadline. To give a plugin a time budget, set a deadline of 1 and increment
// the epoch from a timer thread when the budget has run out (examples/plugin-host/).
MOAT_API void moat_store_epoch_deadline_set(moat_store *store, uint64_t ticks);

// ---------------------------------------------------------------------------------------
// Traps

typedef enum moat_trap_kind {
    MOAT_TRAP_UNREACHABLE = 1,
    MOAT_TRAP_INTEGER_OVERFLOW,
    MOAT_TRAP_INTEGER_DIVIDE_BY_ZERO,
    MOAT_TRAP_INVALID_CONVERSION,
    MOAT_TRAP_MEMORY_OUT_OF_BOUNDS,
    MOAT_TRAP_TABLE_OUT_OF_BOUNDS,
    MOAT_TRAP_UNDEFINED_ELEMENT,     // call_indirect index past the table
    MOAT_TRAP_UNINITIALIZED_ELEMENT, // call_indirect through a null entry
    MOAT_TRAP_INDIRECT_CALL_TYPE_MISMATCH,
    MOAT_TRAP_NULL_REFERENCE,
    MOAT_TRAP_STACK_EXHAUSTED,
    MOAT_TRAP_HOST,        // raised by a host function
    MOAT_TRAP_OUT_OF_FUEL, // "out of fuel" (moat_store_fuel_set)
    MOAT_TRAP_INTERRUPTED, // "interrupted": past the epoch deadline
    MOAT_TRAP_EXIT,        // the guest asked to exit (WASI proc_exit; moat_trap_new_exit)
} moat_trap_kind;

// A frame of a trap's backtrace, innermost first.
typedef struct moat_frame {
    uint32_t func_index;
    moat_name func_name;    // from the name section; {NULL, 0} if none
    moat_name module_name;  // from the name section; {NULL, 0} if none
    uint64_t func_offset;   // byte offset of the instruction within the function body
    uint64_t module_offset; // byte offset of the instruction within the module
} moat_frame;

// Creates a trap of kind MOAT_TRAP_HOST with a message (copied), for host functions to
// return (own: returning it hands it to moat, which passes it to whoever called into
// wasm, with the wasm frames between appended). Never NULL: on OOM a static trap that
// says "out of memory" and that moat_trap_delete ignores.
MOAT_API moat_trap *moat_trap_new(const char *message);
// Creates an exit trap (kind MOAT_TRAP_EXIT) carrying `status`: a host function returns
// it to stop the guest without a fault, as WASI proc_exit does. The library never ends the
// process; the embedder decides what an exit means. Never NULL (on OOM the static
// "out of memory" trap, for which moat_trap_exit_status is false).
MOAT_API moat_trap *moat_trap_new_exit(int32_t status);
// True if `trap` is an exit trap; then *out gets its status.
MOAT_API bool moat_trap_exit_status(const moat_trap *trap, int32_t *out);
// Frees a trap (own). Does nothing for NULL.
MOAT_API void moat_trap_delete(moat_trap *trap);
MOAT_API moat_trap_kind moat_trap_kind_get(const moat_trap *trap);
// The message in the spec's wording, e.g. "integer divide by zero", or the host's
// message for MOAT_TRAP_HOST. Borrowed: valid until the trap is deleted.
MOAT_API const char *moat_trap_message(const moat_trap *trap);
// Number of wasm frames in the backtrace.
MOAT_API size_t moat_trap_frame_count(const moat_trap *trap);
// Frame `i` (0 = innermost; below the count). Names are borrowed from the trap.
MOAT_API void moat_trap_frame(const moat_trap *trap, size_t i, moat_frame *out);
// Writes the message and backtrace as text ("MESSAGE\nwasm backtrace:\n    0: ...") to
// `buf` like snprintf: at most `size` bytes, NUL-terminated when size > 0. Returns the
// length of the whole text, so a result >= size means it was cut short.
MOAT_API size_t moat_trap_format(const moat_trap *trap, char *buf, size_t size);

// ---------------------------------------------------------------------------------------
// Functions

typedef struct moat_caller moat_caller;

// A host function. `env` is the pointer given to moat_func_new. `args` holds the
// parameters, `results` has room for the results, whose kinds are preset. Return NULL on
// success, or a trap (own, e.g. moat_trap_new("bad handle")) to fault the caller: the
// wasm code is unwound and the host that called into wasm gets this trap. The callback
// may call back into wasm in the same store (re-entrancy is supported up to 1000 nested
// host->wasm entries) but must not delete the store. `caller` is valid during the call.
typedef moat_trap *(*moat_host_callback)(void *env, moat_caller *caller, const moat_val *args,
                                         size_t nargs, moat_val *results, size_t nresults);

// Creates a host function in `store`; *out is owned by the store (lives until it is
// deleted). `type` is copied. `finalizer(env)` (may be NULL) runs exactly once, when the
// store is deleted, or at once if creation fails. Errors: OOM.
MOAT_API moat_error *moat_func_new(moat_store *store, const moat_functype *type,
                                   moat_host_callback callback, void *env,
                                   void (*finalizer)(void *env), moat_func **out);
// The function's type, borrowed (valid while the store lives; do not delete it).
MOAT_API const moat_functype *moat_func_type(const moat_func *func);

// Calls `func`, which must belong to `store`. `args` must match its parameters in number
// and kinds, and `results` have room for exactly its results. Outcomes, exclusive: an
// error (API misuse: wrong store, arity or kinds, a funcref argument of another store;
// nothing was run, results untouched), *trap set (the guest faulted, ran out of fuel or
// was interrupted; own, delete it; results untouched), or both NULL: results are valid.
// The store may be used again after a trap. Re-entrant: a host function may call it.
MOAT_API moat_error *moat_func_call(moat_store *store, moat_func *func, const moat_val *args,
                                    size_t nargs, moat_val *results, size_t nresults,
                                    moat_trap **trap);

// Calls the function exported by `instance` as `name` (NUL-terminated), in the
// instance's store, with moat_func_call's contract. Error API when there is no such
// exported function.
MOAT_API moat_error *moat_instance_call(moat_instance *instance, const char *name,
                                        const moat_val *args, size_t nargs, moat_val *results,
                                        size_t nresults, moat_trap **trap);

// The memory exported as "memory" by the caller's instance, or NULL (for WASI-style
// hosts, and when the host itself called the function). Borrowed from the store.
MOAT_API moat_memory *moat_caller_memory(moat_caller *caller);
// The store the call runs in (borrowed), e.g. for moat_store_data or moat_func_call.
MOAT_API moat_store *moat_caller_store(moat_caller *caller);
// Looks up an export of the calling instance, e.g. a guest's "alloc" function; false
// when there is none or the host itself made the call. Handles are owned by the store.
MOAT_API bool moat_caller_export_get(moat_caller *caller, moat_name name, moat_extern *out);

// ---------------------------------------------------------------------------------------
// Memories, tables, globals

// Creates a memory of `type` (pages, zero-filled) in `store`, for imports; *out is owned
// by the store. Errors: API (min > max), RESOURCE (cannot allocate, or above the store's
// memory cap).
MOAT_API moat_error *moat_memory_new(moat_store *store, const moat_memorytype *type,
                                     moat_memory **out);
// The memory's type; limits.min is its current size in pages.
MOAT_API moat_memorytype moat_memory_type(const moat_memory *memory);
// Base pointer of the memory (borrowed). Valid until the memory grows (wasm code may
// grow it during any call) or the store is deleted: prefer moat_memory_read/write.
MOAT_API uint8_t *moat_memory_data(const moat_memory *memory);
// Current size in bytes.
MOAT_API uint64_t moat_memory_data_size(const moat_memory *memory);
// Grows by `delta` pages; *out_old_pages (may be NULL) gets the old size. Error RESOURCE
// past the declared maximum, the store's cap, or when the OS refuses the memory.
MOAT_API moat_error *moat_memory_grow(moat_memory *memory, uint64_t delta, uint64_t *out_old_pages);
// Copies `len` bytes at `offset` into `buf`; false (and nothing copied) if the range is
// out of bounds. Safe with any offset/len from a guest: the check cannot overflow.
MOAT_API bool moat_memory_read(const moat_memory *memory, uint64_t offset, void *buf, size_t len);
// Copies `len` bytes from `buf` to `offset`; false (and nothing written) if out of bounds.
MOAT_API bool moat_memory_write(moat_memory *memory, uint64_t offset, const void *buf, size_t len);

// Creates a table of `type` in `store` with every element `init`, which must be a null
// or a reference of the table's element kind; *out is owned by the store. Errors: API
// (min > max, wrong init kind, a funcref of another store), RESOURCE.
MOAT_API moat_error *moat_table_new(moat_store *store, const moat_tabletype *type,
                                    const moat_val *init, moat_table **out);
// The table's type; limits.min is its current size.
MOAT_API moat_tabletype moat_table_type(const moat_table *table);
// Current number of elements.
MOAT_API uint64_t moat_table_size(const moat_table *table);
// Reads element `index` into *out; false if out of bounds.
MOAT_API bool moat_table_get(const moat_table *table, uint64_t index, moat_val *out);
// Writes element `index`; false if out of bounds or `val` has the wrong kind (a funcref
// must belong to the table's store).
MOAT_API bool moat_table_set(moat_table *table, uint64_t index, const moat_val *val);

// Creates a global of `type` with value `init` (of type->kind) in `store`, for imports;
// *out is owned by the store. Errors: API (kind mismatch, a funcref of another store),
// OOM.
MOAT_API moat_error *moat_global_new(moat_store *store, const moat_globaltype *type,
                                     const moat_val *init, moat_global **out);
MOAT_API moat_globaltype moat_global_type(const moat_global *global);
// The global's current value.
MOAT_API void moat_global_get(const moat_global *global, moat_val *out);
// Sets the value. Error API if the global is immutable, the kind differs or `val` is a
// funcref of another store.
MOAT_API moat_error *moat_global_set(moat_global *global, const moat_val *val);

// ---------------------------------------------------------------------------------------
// Linking and instantiation

// Returns a new, empty linker (own; free with moat_linker_delete), a table of names to
// resolve imports with. NULL on out-of-memory.
MOAT_API moat_linker *moat_linker_new(moat_engine *engine);
// Frees the linker (not the items defined in it). Does nothing for NULL.
MOAT_API void moat_linker_delete(moat_linker *linker);
// Defines `module_name`.`name` as `item` (borrowed: it must outlive its uses). A later
// definition of the same name replaces the earlier one.
MOAT_API moat_error *moat_linker_define(moat_linker *linker, moat_name module_name, moat_name name,
                                        const moat_extern *item);
// Defines every export of `instance` under `module_name`.
MOAT_API moat_error *moat_linker_define_instance(moat_linker *linker, moat_name module_name,
                                                 moat_instance *instance);
// Instantiates `module` in `store`, resolving imports through the linker. Errors:
// UNLINKABLE ("unknown import", "incompatible import type", naming module/field and the
// expected type; an item of another store is incompatible), RESOURCE. A trap while initialising
// (segment out of bounds, start function trap) is written to *trap (own) and no instance is
// returned.
MOAT_API moat_error *moat_linker_instantiate(moat_linker *linker, moat_store *store,
                                             const moat_module *module, moat_instance **out,
                                             moat_trap **trap);

// Instantiates `module` in `store` with imports given in order (one extern per import,
// as moat_module_import lists them); *out is owned by the store. Errors and traps as for
// moat_linker_instantiate.
MOAT_API moat_error *moat_instance_new(moat_store *store, const moat_module *module,
                                       const moat_extern *imports, size_t nimports,
                                       moat_instance **out, moat_trap **trap);
// Looks up an export by name; false if there is none. Handles are owned by the store.
MOAT_API bool moat_instance_export_get(moat_instance *instance, moat_name name, moat_extern *out);
// Number of exports, and export `i` (name borrowed from the module).
MOAT_API size_t moat_instance_export_count(const moat_instance *instance);
MOAT_API void moat_instance_export_nth(moat_instance *instance, size_t i, moat_name *out_name,
                                       moat_extern *out);
// The module the instance was made from (borrowed; kept alive by the instance).
MOAT_API const moat_module *moat_instance_module(const moat_instance *instance);

// ---------------------------------------------------------------------------------------
// WASI preview1 (wasi_snapshot_preview1), docs/wasi.md
//
// A guest gets exactly what the configuration grants: its arguments, the environment
// variables named, the preopened directories (resolution never leaves them), the
// listening sockets, and stdio. Nothing is inherited by default.

typedef struct moat_wasi_config moat_wasi_config;
typedef struct moat_wasi moat_wasi;

// Returns a new, empty configuration (own): no args, no env, no preopens, stdin reads
// /dev/null and stdout/stderr discard. NULL on out-of-memory.
MOAT_API moat_wasi_config *moat_wasi_config_new(void);
MOAT_API void moat_wasi_config_delete(moat_wasi_config *config);
// Appends an argument (copied); the first is argv[0]. Error OOM only.
MOAT_API moat_error *moat_wasi_config_arg(moat_wasi_config *config, const char *arg);
// Appends an environment variable NAME=VALUE (both copied). Error API if `name` is empty
// or contains '='.
MOAT_API moat_error *moat_wasi_config_env(moat_wasi_config *config, const char *name,
                                          const char *value);
// Preopens host directory `host_path` as `guest_path` (both copied); opened by
// moat_wasi_new. A read-only grant has no write rights at all: every create, write,
// rename, unlink or metadata change beneath it fails with ENOTCAPABLE.
MOAT_API moat_error *moat_wasi_config_preopen_dir(moat_wasi_config *config, const char *host_path,
                                                  const char *guest_path, bool read_only);
// Uses host file descriptors for the guest's fds 0, 1 and 2 (borrowed: they must stay open
// until the moat_wasi is deleted, which does not close them); -1 keeps the default.
MOAT_API void moat_wasi_config_stdio(moat_wasi_config *config, int stdin_fd, int stdout_fd,
                                     int stderr_fd);
// Shorthand for moat_wasi_config_stdio(config, 0, 1, 2).
MOAT_API void moat_wasi_config_inherit_stdio(moat_wasi_config *config);
// Adds a TCP listening socket on "ADDR:PORT" ("127.0.0.1:8080", "[::1]:80",
// "localhost:0"), created by moat_wasi_new and given to the guest after the preopened
// directories (the guest accepts on it with sock_accept). Error API on a malformed address.
MOAT_API moat_error *moat_wasi_config_tcp_listen(moat_wasi_config *config, const char *addr);

// Creates a WASI context from `config` (borrowed; may be deleted afterwards): opens the
// preopens and sockets. Errors: IO naming the directory or address that failed, OOM.
MOAT_API moat_error *moat_wasi_new(const moat_wasi_config *config, moat_wasi **out);
// Closes every file the guest still has open. Delete it after the store whose functions
// use it (moat_wasi_define).
MOAT_API void moat_wasi_delete(moat_wasi *wasi);
// Creates the 46 functions of wasi_snapshot_preview1 in `store` and defines them in
// `linker` under that module name. They act on the memory the calling instance exports
// as "memory" (a call from an instance without one traps). proc_exit returns an exit
// trap (moat_trap_exit_status) from the moat_func_call that ran the guest.
MOAT_API moat_error *moat_wasi_define(moat_wasi *wasi, moat_linker *linker, moat_store *store);

// ---------------------------------------------------------------------------------------
// The text format

// Bytes owned by whoever received them; free with moat_byte_vec_delete.
typedef struct moat_byte_vec {
    uint8_t *data;
    size_t size;
} moat_byte_vec;

// Frees vec->data and clears the vector. Does nothing for NULL.
MOAT_API void moat_byte_vec_delete(moat_byte_vec *vec);

// Converts a module in the WebAssembly text format (`(module ...)`, or its fields
// alone) to the binary format, with a name section from the identifiers. `filename`
// (may be NULL) prefixes error messages, which read "FILE:LINE:COLUMN: what was
// expected". On success *out holds the binary (own). Errors: MALFORMED (the text is not
// a module; validation is left to moat_module_new), OOM.
MOAT_API moat_error *moat_wat2wasm(const char *text, size_t len, const char *filename,
                                   moat_byte_vec *out);

// Spec test scripts (.wast): the commands of a script, read by moat_wast_parse. Text
// modules are converted to binaries as the script is read; `module quote` text is kept
// as text, for the runner to convert (and expect to fail, in assert_malformed).
typedef struct moat_wast moat_wast;

typedef enum moat_wast_kind {
    MOAT_WAST_MODULE,
    MOAT_WAST_REGISTER,
    MOAT_WAST_ACTION,
    MOAT_WAST_ASSERT_RETURN,
    MOAT_WAST_ASSERT_TRAP,
    MOAT_WAST_ASSERT_EXHAUSTION,
    MOAT_WAST_ASSERT_INVALID,
    MOAT_WAST_ASSERT_MALFORMED,
    MOAT_WAST_ASSERT_UNLINKABLE,
    MOAT_WAST_ASSERT_UNINSTANTIABLE, // also `assert_trap` of a module
} moat_wast_kind;

// How an expected result is matched (per lane for v128).
typedef enum moat_wast_match {
    MOAT_WAST_MATCH_BITS,
    MOAT_WAST_MATCH_NAN_CANONICAL,
    MOAT_WAST_MATCH_NAN_ARITHMETIC,
    MOAT_WAST_MATCH_NONNULL, // `(ref.func)` / `(ref.extern)`: any non-null reference
} moat_wast_match;

// An argument or expected result. Numbers are bits; v128 lanes are little-endian in
// `v128`, written as `lane_bits`-wide integers or (lane_float) floats.
typedef struct moat_wast_value {
    moat_valkind kind;
    uint64_t bits; // i32, i64, f32, f64 bits; an externref's number
    bool is_null;  // a null reference
    uint8_t v128[16];
    uint8_t lane_bits; // v128: 8, 16, 32 or 64
    bool lane_float;   // v128: f32x4 / f64x2
    uint8_t match[16]; // moat_wast_match; [0] for scalars, per lane for v128
} moat_wast_value;

// One command. Pointers are borrowed from the script and live until moat_wast_delete.
typedef struct moat_wast_command {
    moat_wast_kind kind;
    uint32_t line;
    const char *module_name; // module: its $name; register/action: the module named, or NULL
    const uint8_t *module;   // module commands and module assertions: the binary, or NULL
    size_t module_size;
    const char *module_error; // a text module that could not be converted: why
    const char *quote;        // `module quote`: the text (module is NULL)
    size_t quote_size;
    const char *register_as; // register: the name
    bool is_get;             // action: `get` (else `invoke`)
    moat_name field;         // action: the export
    const moat_wast_value *args;
    size_t nargs;
    const moat_wast_value *results; // assert_return
    size_t nresults;
    const char *text; // assertions: the expected message
} moat_wast_command;

// Reads a script. `filename` (may be NULL) is used in messages. Errors: MALFORMED with
// "FILE:LINE:COLUMN: ..." when the script itself (outside a module) cannot be read, OOM.
MOAT_API moat_error *moat_wast_parse(const char *text, size_t len, const char *filename,
                                     moat_wast **out);
MOAT_API void moat_wast_delete(moat_wast *script);
MOAT_API size_t moat_wast_command_count(const moat_wast *script);
// Command i (borrowed), i < moat_wast_command_count.
MOAT_API const moat_wast_command *moat_wast_command_at(const moat_wast *script, size_t i);

// Convenience: a moat_name from a NUL-terminated string.
static inline moat_name moat_name_from(const char *s) {
    size_t n = 0;
    while (s[n])
        n++;
    moat_name name = {s, n};
    return name;
}

#ifdef __cplusplus
}
#endif

#endif
