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
// Threads: an engine and a module may be shared between threads. A store, and every
// instance, function, memory, table and global created in it, is used by one thread at
// a time.
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

// Versions with the same major number are source compatible.
#define MOAT_VERSION_MAJOR  0
#define MOAT_VERSION_MINOR  1
#define MOAT_VERSION_PATCH  0
#define MOAT_VERSION_STRING "0.1.0"
#define MOAT_VERSION_NUMBER (MOAT_VERSION_MAJOR * 10000 + MOAT_VERSION_MINOR * 100 + MOAT_VERSION_PATCH)

// The library's version string, e.g. "0.1.0": compare with MOAT_VERSION_STRING.
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

// Frees an error. Does nothing for NULL.
MOAT_API void moat_error_delete(moat_error *err);
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
// reference is a NULL funcref/externref.
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

// Returns a new function type (own). Copies the arrays. NULL on out-of-memory.
MOAT_API moat_functype *moat_functype_new(const moat_valkind *params, size_t nparams,
                                          const moat_valkind *results, size_t nresults);
MOAT_API void moat_functype_delete(moat_functype *type);
MOAT_API size_t moat_functype_param_count(const moat_functype *type);
MOAT_API size_t moat_functype_result_count(const moat_functype *type);
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

// Returns a new configuration with defaults (own). NULL on out-of-memory.
MOAT_API moat_config *moat_config_new(void);
MOAT_API void moat_config_delete(moat_config *config);
// Explicit bounds checks on every memory access instead of guard pages and a signal
// handler (for hosts that own SIGSEGV). Default: false (guard pages).
MOAT_API void moat_config_bounds_checks_set(moat_config *config, bool enable);
// Maximum wasm call depth before a "call stack exhausted" trap. Default: 20000 frames
// (docs/limits.md). 0 keeps the default.
MOAT_API void moat_config_max_call_depth_set(moat_config *config, uint32_t depth);

// Returns a new engine in *out. `config` (own, may be NULL for defaults) is consumed
// even on failure.
MOAT_API moat_error *moat_engine_new(moat_config *config, moat_engine **out);
// Frees the engine. Every module and store made from it must be deleted first.
MOAT_API void moat_engine_delete(moat_engine *engine);

// ---------------------------------------------------------------------------------------
// Modules

// Decodes and validates a binary module. `bytes` is copied. On success *out is a new
// module (own). Errors: MALFORMED, INVALID, UNSUPPORTED, LIMIT, OOM, each with the byte
// offset and, for validation errors, the function index and name.
MOAT_API moat_error *moat_module_new(moat_engine *engine, const uint8_t *bytes, size_t len,
                                     moat_module **out);
// Frees the module. Instances made from it keep what they need alive.
MOAT_API void moat_module_delete(moat_module *module);

MOAT_API size_t moat_module_import_count(const moat_module *module);
// Import `i`: its module name, field name and type (all borrowed from the module).
MOAT_API void moat_module_import(const moat_module *module, size_t i, moat_name *out_module,
                                 moat_name *out_name, moat_externtype *out_type);
MOAT_API size_t moat_module_export_count(const moat_module *module);
MOAT_API void moat_module_export(const moat_module *module, size_t i, moat_name *out_name,
                                 moat_externtype *out_type);
// The name of function `func_index` from the name section; false if it has none.
MOAT_API bool moat_module_func_name(const moat_module *module, uint32_t func_index,
                                    moat_name *out);
// The module name from the name section; false if none.
MOAT_API bool moat_module_name(const moat_module *module, moat_name *out);

typedef struct moat_section_info {
    uint8_t id;        // 0 = custom
    const char *name;  // "type", "import", ... or for custom sections "custom"
    moat_name custom_name; // custom sections only
    uint64_t offset;   // of the section id byte
    uint64_t size;     // payload size in bytes
} moat_section_info;

MOAT_API size_t moat_module_section_count(const moat_module *module);
MOAT_API void moat_module_section(const moat_module *module, size_t i, moat_section_info *out);
// Number of functions in the index space (imports included) and imported functions.
MOAT_API uint32_t moat_module_func_count(const moat_module *module);
MOAT_API uint32_t moat_module_func_import_count(const moat_module *module);
// Type of function `func_index` (borrowed from the module).
MOAT_API const moat_functype *moat_module_func_type(const moat_module *module,
                                                    uint32_t func_index);

// ---------------------------------------------------------------------------------------
// Stores

// Returns a new store (own) in which instances live. NULL on out-of-memory.
MOAT_API moat_store *moat_store_new(moat_engine *engine);
// Frees the store and everything created in it (instances, functions, memories, ...).
MOAT_API void moat_store_delete(moat_store *store);

// ---------------------------------------------------------------------------------------
// Traps

typedef enum moat_trap_kind {
    MOAT_TRAP_UNREACHABLE = 1,
    MOAT_TRAP_INTEGER_OVERFLOW,
    MOAT_TRAP_INTEGER_DIVIDE_BY_ZERO,
    MOAT_TRAP_INVALID_CONVERSION,
    MOAT_TRAP_MEMORY_OUT_OF_BOUNDS,
    MOAT_TRAP_TABLE_OUT_OF_BOUNDS,
    MOAT_TRAP_UNDEFINED_ELEMENT,      // call_indirect index past the table
    MOAT_TRAP_UNINITIALIZED_ELEMENT,  // call_indirect through a null entry
    MOAT_TRAP_INDIRECT_CALL_TYPE_MISMATCH,
    MOAT_TRAP_NULL_REFERENCE,
    MOAT_TRAP_STACK_EXHAUSTED,
    MOAT_TRAP_HOST,                   // raised by a host function
} moat_trap_kind;

// A frame of a trap's backtrace, innermost first.
typedef struct moat_frame {
    uint32_t func_index;
    moat_name func_name;   // from the name section; {NULL, 0} if none
    moat_name module_name; // from the name section; {NULL, 0} if none
    uint64_t func_offset;  // byte offset of the instruction within the function body
    uint64_t module_offset; // byte offset of the instruction within the module
} moat_frame;

// Creates a trap with a message (copied), for host functions to return. NULL on OOM.
MOAT_API moat_trap *moat_trap_new(const char *message);
MOAT_API void moat_trap_delete(moat_trap *trap);
MOAT_API moat_trap_kind moat_trap_kind_get(const moat_trap *trap);
// The message in the spec's wording, e.g. "integer divide by zero". Borrowed.
MOAT_API const char *moat_trap_message(const moat_trap *trap);
MOAT_API size_t moat_trap_frame_count(const moat_trap *trap);
// Frame `i` (0 = innermost). Names are borrowed from the trap.
MOAT_API void moat_trap_frame(const moat_trap *trap, size_t i, moat_frame *out);

// ---------------------------------------------------------------------------------------
// Functions

typedef struct moat_caller moat_caller;

// A host function. `args` holds the parameters, `results` has room for the results,
// whose kinds are preset. Return NULL on success, or a trap (own) to fault the caller.
typedef moat_trap *(*moat_host_callback)(void *env, moat_caller *caller, const moat_val *args,
                                         size_t nargs, moat_val *results, size_t nresults);

// Creates a host function in `store`. `type` is copied. `finalizer(env)` (may be NULL)
// runs exactly once, when the store is deleted, or at once if creation fails.
MOAT_API moat_error *moat_func_new(moat_store *store, const moat_functype *type,
                                   moat_host_callback callback, void *env,
                                   void (*finalizer)(void *env), moat_func **out);
// The function's type, borrowed (valid while the store lives).
MOAT_API const moat_functype *moat_func_type(const moat_func *func);

// Calls `func`. `args` must match its parameters and `results` have room for `nresults`
// values. Outcomes: an error (API misuse, nothing was run, results untouched), *trap set
// (the guest faulted; own, delete it), or both NULL: results are valid.
MOAT_API moat_error *moat_func_call(moat_store *store, moat_func *func, const moat_val *args,
                                    size_t nargs, moat_val *results, size_t nresults,
                                    moat_trap **trap);

// The memory exported as "memory" by the caller's instance, or NULL (for WASI-style hosts).
MOAT_API moat_memory *moat_caller_memory(moat_caller *caller);
MOAT_API moat_store *moat_caller_store(moat_caller *caller);

// ---------------------------------------------------------------------------------------
// Memories, tables, globals

MOAT_API moat_error *moat_memory_new(moat_store *store, const moat_memorytype *type,
                                     moat_memory **out);
MOAT_API moat_memorytype moat_memory_type(const moat_memory *memory);
// Base pointer of the memory (borrowed; changes after a grow in bounds-check mode).
MOAT_API uint8_t *moat_memory_data(const moat_memory *memory);
// Current size in bytes.
MOAT_API uint64_t moat_memory_data_size(const moat_memory *memory);
// Grows by `delta` pages; *out_old_pages gets the old size. Error RESOURCE past the max.
MOAT_API moat_error *moat_memory_grow(moat_memory *memory, uint64_t delta,
                                      uint64_t *out_old_pages);
// Copies `len` bytes at `offset` into `buf`; false if the range is out of bounds.
MOAT_API bool moat_memory_read(const moat_memory *memory, uint64_t offset, void *buf,
                               size_t len);
MOAT_API bool moat_memory_write(moat_memory *memory, uint64_t offset, const void *buf,
                                size_t len);

// `init` must be a null or a reference of the table's element kind.
MOAT_API moat_error *moat_table_new(moat_store *store, const moat_tabletype *type,
                                    const moat_val *init, moat_table **out);
MOAT_API moat_tabletype moat_table_type(const moat_table *table);
MOAT_API uint64_t moat_table_size(const moat_table *table);
MOAT_API bool moat_table_get(const moat_table *table, uint64_t index, moat_val *out);
MOAT_API bool moat_table_set(moat_table *table, uint64_t index, const moat_val *val);

MOAT_API moat_error *moat_global_new(moat_store *store, const moat_globaltype *type,
                                     const moat_val *init, moat_global **out);
MOAT_API moat_globaltype moat_global_type(const moat_global *global);
MOAT_API void moat_global_get(const moat_global *global, moat_val *out);
// Error API if the global is immutable or the kind differs.
MOAT_API moat_error *moat_global_set(moat_global *global, const moat_val *val);

// ---------------------------------------------------------------------------------------
// Linking and instantiation

MOAT_API moat_linker *moat_linker_new(moat_engine *engine);
MOAT_API void moat_linker_delete(moat_linker *linker);
// Defines `module_name`.`name` as `item` (borrowed: it must outlive its uses). A later
// definition of the same name replaces the earlier one.
MOAT_API moat_error *moat_linker_define(moat_linker *linker, moat_name module_name,
                                        moat_name name, const moat_extern *item);
// Defines every export of `instance` under `module_name`.
MOAT_API moat_error *moat_linker_define_instance(moat_linker *linker, moat_name module_name,
                                                 moat_instance *instance);
// Instantiates `module` in `store`, resolving imports through the linker. Errors:
// UNLINKABLE ("unknown import", "incompatible import type", naming module/field and the
// expected type), RESOURCE. A trap while initialising (segment out of bounds, start
// function trap) is written to *trap (own) and no instance is returned.
MOAT_API moat_error *moat_linker_instantiate(moat_linker *linker, moat_store *store,
                                             const moat_module *module, moat_instance **out,
                                             moat_trap **trap);

// Instantiates with imports given in order (one extern per import).
MOAT_API moat_error *moat_instance_new(moat_store *store, const moat_module *module,
                                       const moat_extern *imports, size_t nimports,
                                       moat_instance **out, moat_trap **trap);
// Looks up an export by name; false if there is none.
MOAT_API bool moat_instance_export_get(moat_instance *instance, moat_name name,
                                       moat_extern *out);
MOAT_API size_t moat_instance_export_count(const moat_instance *instance);
MOAT_API void moat_instance_export_nth(moat_instance *instance, size_t i, moat_name *out_name,
                                       moat_extern *out);
MOAT_API const moat_module *moat_instance_module(const moat_instance *instance);

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
