// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Traps as values: kind, message in the spec's wording, and a wasm backtrace whose names
// are copied so a trap outlives its module. Also the recovery points for faults that
// cannot return as values (guard-page accesses): one per host->wasm entry, chained per
// thread so nested host<->wasm calls unwind to the right frame.
#define _GNU_SOURCE
#include "rt/runtime.h"
#include "util/os.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const trap_messages[] = {
    [MOAT_TRAP_UNREACHABLE] = "unreachable",
    [MOAT_TRAP_INTEGER_OVERFLOW] = "integer overflow",
    [MOAT_TRAP_INTEGER_DIVIDE_BY_ZERO] = "integer divide by zero",
    [MOAT_TRAP_INVALID_CONVERSION] = "invalid conversion to integer",
    [MOAT_TRAP_MEMORY_OUT_OF_BOUNDS] = "out of bounds memory access",
    [MOAT_TRAP_TABLE_OUT_OF_BOUNDS] = "out of bounds table access",
    [MOAT_TRAP_UNDEFINED_ELEMENT] = "undefined element",
    [MOAT_TRAP_UNINITIALIZED_ELEMENT] = "uninitialized element",
    [MOAT_TRAP_INDIRECT_CALL_TYPE_MISMATCH] = "indirect call type mismatch",
    [MOAT_TRAP_NULL_REFERENCE] = "null reference",
    [MOAT_TRAP_STACK_EXHAUSTED] = "call stack exhausted",
    [MOAT_TRAP_HOST] = "host function trapped",
    [MOAT_TRAP_OUT_OF_FUEL] = "out of fuel",
    [MOAT_TRAP_INTERRUPTED] = "interrupted",
};

// Returned when a trap cannot be allocated; moat_trap_delete ignores it.
static moat_trap oom_trap = {.kind = MOAT_TRAP_HOST, .message = "out of memory"};

moat_trap *moat__trap_new_message(moat_trap_kind kind, const char *message) {
    moat_trap *trap = calloc(1, sizeof *trap);
    if (!trap) return &oom_trap;
    trap->kind = kind;
    trap->message = strdup(message);
    if (!trap->message) {
        free(trap);
        return &oom_trap;
    }
    return trap;
}

moat_trap *moat__trap_new(moat_trap_kind kind) {
    const char *msg = (size_t)kind < MOAT_COUNTOF(trap_messages) && trap_messages[kind]
                          ? trap_messages[kind]
                          : "trap";
    return moat__trap_new_message(kind, msg);
}

moat_trap *moat_trap_new(const char *message) {
    return moat__trap_new_message(MOAT_TRAP_HOST, message ? message : "host function trapped");
}

moat_trap *moat_trap_new_exit(int32_t status) {
    char message[48];
    snprintf(message, sizeof message, "exit with status %d", (int)status);
    moat_trap *trap = moat__trap_new_message(MOAT_TRAP_EXIT, message);
    if (trap != &oom_trap) trap->exit_status = status;
    return trap;
}

bool moat_trap_exit_status(const moat_trap *trap, int32_t *out) {
    if (trap->kind != MOAT_TRAP_EXIT) return false;
    *out = trap->exit_status;
    return true;
}

void moat_trap_delete(moat_trap *trap) {
    if (!trap || trap == &oom_trap) return;
    for (size_t i = 0; i < trap->nnames; i++)
        free(trap->names[i]);
    free(trap->names);
    free(trap->frames);
    free(trap->message);
    free(trap);
}

moat_trap_kind moat_trap_kind_get(const moat_trap *trap) {
    return trap->kind;
}

const char *moat_trap_message(const moat_trap *trap) {
    return trap->message;
}

size_t moat_trap_frame_count(const moat_trap *trap) {
    return trap->nframes;
}

void moat_trap_frame(const moat_trap *trap, size_t i, moat_frame *out) {
    *out = trap->frames[i];
}

// Appends to buf like snprintf; *used counts what would have been written.
static void append(char *buf, size_t size, size_t *used, const char *fmt, ...) MOAT_PRINTF(4, 5);
static void append(char *buf, size_t size, size_t *used, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(*used < size ? buf + *used : NULL, *used < size ? size - *used : 0, fmt, ap);
    va_end(ap);
    if (n > 0) *used += (size_t)n;
}

size_t moat_trap_format(const moat_trap *trap, char *buf, size_t size) {
    size_t used = 0;
    if (size) buf[0] = 0;
    append(buf, size, &used, "%s\n", trap->message);
    if (trap->nframes) append(buf, size, &used, "wasm backtrace:\n");
    for (size_t i = 0; i < trap->nframes; i++) {
        const moat_frame *f = &trap->frames[i];
        append(buf, size, &used, "  %4zu: %#8llx - ", i, (unsigned long long)f->module_offset);
        if (f->module_name.data)
            append(buf, size, &used, "%.*s!", (int)f->module_name.len, f->module_name.data);
        else
            append(buf, size, &used, "<unknown>!");
        if (f->func_name.data)
            append(buf, size, &used, "%.*s\n", (int)f->func_name.len, f->func_name.data);
        else
            append(buf, size, &used, "<wasm function %u>\n", (unsigned)f->func_index);
    }
    return used;
}

// Copies a name into the trap; {NULL, 0} when absent or on OOM.
static moat_name keep_name(moat_trap *trap, struct moat__name name) {
    moat_name none = {NULL, 0};
    if (!name.data) return none;
    char **names = realloc(trap->names, (trap->nnames + 1) * sizeof *names);
    if (!names) return none;
    trap->names = names;
    char *copy = malloc((size_t)name.len + 1);
    if (!copy) return none;
    memcpy(copy, name.data, name.len);
    copy[name.len] = 0;
    trap->names[trap->nnames++] = copy;
    moat_name kept = {copy, name.len};
    return kept;
}

void moat__trap_push_frame(moat_trap *trap, const moat_module *module, u32 func_index,
                           u64 module_offset) {
    if (trap == &oom_trap) return;
    if (trap->nframes == trap->cap_frames) {
        size_t cap = trap->cap_frames ? trap->cap_frames * 2 : 8;
        moat_frame *frames = realloc(trap->frames, cap * sizeof *frames);
        if (!frames) return;
        trap->frames = frames;
        trap->cap_frames = cap;
    }
    const struct moat__module_ir *ir = module->ir;
    moat_frame frame = {.func_index = func_index, .module_offset = module_offset};
    frame.func_name = keep_name(trap, moat__module_func_name(ir, func_index));
    frame.module_name = keep_name(trap, ir->module_name);
    if (func_index >= ir->nfunc_imports && func_index < ir->nfuncs) {
        u32 start = ir->bodies[func_index - ir->nfunc_imports].offset;
        frame.func_offset = module_offset >= start ? module_offset - start : 0;
    }
    trap->frames[trap->nframes++] = frame;
}

// --- recovery points -----------------------------------------------------------------

_Thread_local struct moat__activation *moat__activation_current;

// Asked inside the signal handler: does `addr` lie in the reservation of a guarded
// memory of the store that is running wasm on this thread?
static bool is_guard_fault(void *addr) {
    struct moat__activation *act = moat__activation_current;
    if (!act) return false;
    moat_store *store = act->store;
    uintptr_t a = (uintptr_t)addr;
    for (size_t i = 0; i < store->nobjects; i++) {
        if (store->object_kinds[i] != MOAT_EXTERN_MEMORY) continue;
        const moat_memory *mem = store->objects[i];
        uintptr_t base = (uintptr_t)mem->base;
        if (mem->guarded && a >= base && a - base < mem->reserved) return true;
    }
    return false;
}

static void on_guard_fault(void) {
    moat__os_longjmp(moat__activation_current->jmp);
}

bool moat__guard_handler_install(void) {
    return moat__os_install_fault_handler(is_guard_fault, on_guard_fault);
}
