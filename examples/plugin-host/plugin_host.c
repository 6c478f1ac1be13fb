// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// A plugin host: runs untrusted text-transforming plugins with libmoat and survives the
// bad ones. Each plugin gets its own store with a 16 MiB memory cap and a 200 ms time
// budget (an epoch deadline; a timer thread advances the engine's epoch every 10 ms),
// and a host function `host.log(ptr, len)` that reads a message from its memory.
//
// Plugin ABI: `alloc(len) -> ptr` makes room for the input, `transform(ptr, len) -> i64`
// returns the output as (ptr << 32) | len, both in the exported "memory".
//
// Build against an installed libmoat:
//   cc $(pkg-config --cflags moat) plugin_host.c $(pkg-config --libs moat) -lpthread
// Run: ./a.out DIR      (DIR holds upper.wasm, spin.wasm, hog.wasm)
#define _POSIX_C_SOURCE 200809L // nanosleep, clock_gettime
#include <moat.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MEMORY_CAP  (16u << 20) // bytes per plugin memory
#define TICK_MS     10          // epoch period
#define BUDGET_MS   200         // time budget per call
#define MAX_MESSAGE 256

// --- the epoch timer -------------------------------------------------------------------

struct ticker {
    moat_engine *engine;
    atomic_int stop; // set by main to end the timer thread
    pthread_t thread;
};

static void *tick(void *arg) {
    struct ticker *t = arg;
    struct timespec period = {0, TICK_MS * 1000000L};
    while (!atomic_load(&t->stop)) {
        nanosleep(&period, NULL);
        moat_engine_increment_epoch(t->engine); // the only call safe from another thread
    }
    return NULL;
}

// --- the host function given to plugins -------------------------------------------------

// host.log(ptr, len): prints a message from the plugin's memory, with a bounds check.
static moat_trap *host_log(void *env, moat_caller *caller, const moat_val *args, size_t nargs,
                           moat_val *results, size_t nresults) {
    (void)env, (void)nargs, (void)results, (void)nresults;
    const char *plugin = moat_store_data(moat_caller_store(caller));
    moat_memory *memory = moat_caller_memory(caller);
    uint32_t ptr = (uint32_t)args[0].of.i32, len = (uint32_t)args[1].of.i32;
    char message[MAX_MESSAGE];
    if (!memory || len >= sizeof message || !moat_memory_read(memory, ptr, message, len))
        return moat_trap_new("host.log: message out of bounds"); // the plugin's fault
    message[len] = 0;
    printf("  [%s] log: %s\n", plugin, message);
    return NULL;
}

// --- running one plugin -----------------------------------------------------------------

static uint8_t *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    uint8_t *buf = NULL;
    if (fseek(f, 0, SEEK_END) == 0) {
        long size = ftell(f);
        if (size > 0 && fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)size))) {
            *len = fread(buf, 1, (size_t)size, f);
            if (*len != (size_t)size) {
                free(buf);
                buf = NULL;
            }
        }
    }
    fclose(f);
    return buf;
}

// Prints an error or a trap; returns the trap kind (0 for an error).
static int report(const char *plugin, moat_error *err, moat_trap *trap) {
    int kind = 0;
    if (err) {
        printf("  [%s] error: %s\n", plugin, moat_error_message(err));
    } else if (trap) {
        char text[512];
        moat_trap_format(trap, text, sizeof text);
        printf("  [%s] stopped: %s", plugin, text);
        kind = (int)moat_trap_kind_get(trap);
    }
    moat_error_delete(err);
    moat_trap_delete(trap);
    return kind;
}

// Runs plugin `name` on `input`. Returns 0 if it produced output, else the trap kind (or
// -1 when it could not be loaded).
static int run_plugin(moat_engine *engine, const char *dir, const char *name, const char *input) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s.wasm", dir, name);
    size_t len = 0;
    uint8_t *bytes = read_file(path, &len);
    if (!bytes) {
        printf("  [%s] cannot read %s\n", name, path);
        return -1;
    }
    moat_module *module = NULL;
    moat_error *err = moat_module_new(engine, bytes, len, &module);
    free(bytes);
    if (err) {
        report(name, err, NULL);
        return -1;
    }

    // One store per plugin: its limits, its memory, its data (the plugin's name).
    moat_store *store = moat_store_new(engine);
    moat_store_data_set(store, (void *)name, NULL);
    moat_store_max_memory_size_set(store, MEMORY_CAP);
    moat_linker *linker = moat_linker_new(engine);
    moat_valkind two_i32[2] = {MOAT_I32, MOAT_I32};
    moat_functype *log_type = moat_functype_new(two_i32, 2, NULL, 0);
    moat_func *log_fn = NULL;
    int status = -1;
    moat_trap *trap = NULL;
    moat_instance *instance = NULL;
    err = moat_func_new(store, log_type, host_log, NULL, NULL, &log_fn);
    moat_functype_delete(log_type);
    if (!err) {
        moat_extern item = {.kind = MOAT_EXTERN_FUNC, .of.func = log_fn};
        err = moat_linker_define(linker, moat_name_from("host"), moat_name_from("log"), &item);
    }
    if (!err) err = moat_linker_instantiate(linker, store, module, &instance, &trap);
    if (err || trap) {
        report(name, err, trap);
        goto done;
    }

    // Copy the input in: alloc, then a bounds-checked write.
    size_t in_len = strlen(input);
    moat_val arg = {.kind = MOAT_I32, .of.i32 = (int32_t)in_len}, ptr = {.kind = MOAT_I32};
    moat_store_epoch_deadline_set(store, BUDGET_MS / TICK_MS);
    err = moat_instance_call(instance, "alloc", &arg, 1, &ptr, 1, &trap);
    moat_extern memory;
    if (err || trap || !moat_instance_export_get(instance, moat_name_from("memory"), &memory)
        || memory.kind != MOAT_EXTERN_MEMORY
        || !moat_memory_write(memory.of.memory, (uint32_t)ptr.of.i32, input, in_len)) {
        status = err || trap ? report(name, err, trap) : -1;
        goto done;
    }

    // Transform, under the time budget and the memory cap.
    moat_val args[2] = {ptr, {.kind = MOAT_I32, .of.i32 = (int32_t)in_len}};
    moat_val packed = {.kind = MOAT_I64};
    moat_store_epoch_deadline_set(store, BUDGET_MS / TICK_MS);
    err = moat_instance_call(instance, "transform", args, 2, &packed, 1, &trap);
    if (err || trap) {
        status = report(name, err, trap);
        goto done;
    }
    uint64_t out_ptr = (uint64_t)packed.of.i64 >> 32, out_len = (uint32_t)packed.of.i64;
    char output[MAX_MESSAGE];
    if (out_len >= sizeof output
        || !moat_memory_read(memory.of.memory, out_ptr, output, (size_t)out_len)) {
        printf("  [%s] returned an out-of-bounds result\n", name);
        goto done;
    }
    output[out_len] = 0;
    printf("  [%s] \"%s\" -> \"%s\"\n", name, input, output);
    status = 0;
done:
    moat_linker_delete(linker);
    moat_store_delete(store); // frees the instance, its memory and the host function
    moat_module_delete(module);
    return status;
}

int main(int argc, char **argv) {
    const char *dir = argc > 1 ? argv[1] : ".";
    printf("plugin-host: libmoat %s (header %s)\n", moat_version(), MOAT_VERSION_STRING);
    moat_config *config = moat_config_new();
    moat_config_epoch_interruption_set(config, true);
    moat_engine *engine = NULL;
    moat_error *err = moat_engine_new(config, &engine);
    if (err) {
        fprintf(stderr, "plugin-host: %s\n", moat_error_message(err));
        moat_error_delete(err);
        return 1;
    }
    struct ticker ticker = {engine, 0, 0};
    if (pthread_create(&ticker.thread, NULL, tick, &ticker) != 0) {
        moat_engine_delete(engine);
        return 1;
    }

    const char *input = "hello wasm plugin world";
    printf("upper (well-behaved):\n");
    int upper = run_plugin(engine, dir, "upper", input);
    printf("spin (loops forever):\n");
    int spin = run_plugin(engine, dir, "spin", input);
    printf("hog (allocates without bound):\n");
    int hog = run_plugin(engine, dir, "hog", input);

    atomic_store(&ticker.stop, 1);
    pthread_join(ticker.thread, NULL);
    moat_engine_delete(engine);
    bool ok = upper == 0 && spin == MOAT_TRAP_INTERRUPTED && hog == MOAT_TRAP_UNREACHABLE;
    printf("plugin-host: %s\n", ok ? "all plugins handled, host alive" : "UNEXPECTED RESULT");
    return ok ? 0 : 1;
}
