// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// The WASI embedding API (moat_wasi_config_*, moat_wasi_new/define, exit traps) as a host
// program uses it, without the wasm32 toolchain: the guests are tests/unit/wat/wasi_*.wat.
// Covers stdio redirected to a pipe, args/env counts, the fd order (stdio, directories,
// sockets), EFAULT for pointers outside memory or without a memory, proc_exit as a trap
// carrying its status, borrowed stdio flags restored, and configuration errors.
#define _GNU_SOURCE
#include "api_modules.h"
#include "moat.h"
#include "test.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

static moat_val i32v(int32_t v) {
    moat_val val = {.kind = MOAT_I32, .of.i32 = v};
    return val;
}

// Calls export `name` with up to three i32 arguments and at most one i32 result; returns
// the result, or -1 with *trap set.
static int32_t call(moat_store *store, moat_instance *inst, const char *name, int nargs, int32_t a,
                    int32_t b, int32_t c, moat_trap **trap) {
    moat_extern ext;
    *trap = NULL;
    if (!moat_instance_export_get(inst, moat_name_from(name), &ext)) {
        fprintf(stderr, "no export %s\n", name);
        return -1;
    }
    moat_val args[3] = {i32v(a), i32v(b), i32v(c)}, result = i32v(0);
    size_t nresults = moat_functype_result_count(moat_func_type(ext.of.func));
    moat_error *err =
        moat_func_call(store, ext.of.func, args, (size_t)nargs, &result, nresults, trap);
    CHECK(err == NULL);
    moat_error_delete(err);
    return *trap ? -1 : result.of.i32;
}

static moat_instance *instantiate(moat_engine *engine, moat_store *store, moat_linker *linker,
                                  const unsigned char *bytes, size_t len) {
    moat_module *module = NULL;
    moat_instance *inst = NULL;
    moat_trap *trap = NULL;
    CHECK(moat_module_new(engine, bytes, len, &module) == NULL);
    moat_error *err = moat_linker_instantiate(linker, store, module, &inst, &trap);
    CHECK(err == NULL && trap == NULL);
    if (err) fprintf(stderr, "instantiate: %s\n", moat_error_message(err));
    moat_error_delete(err);
    moat_trap_delete(trap);
    moat_module_delete(module);
    return inst;
}

static void guest_calls(void) {
    int pipe_fds[2];
    CHECK(pipe(pipe_fds) == 0);
    char dir[] = "/tmp/moat-test-wasi-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);

    moat_wasi_config *config = moat_wasi_config_new();
    CHECK(moat_wasi_config_arg(config, "guest.wasm") == NULL);
    CHECK(moat_wasi_config_arg(config, "x") == NULL);
    CHECK(moat_wasi_config_env(config, "A", "1") == NULL);
    CHECK(moat_wasi_config_preopen_dir(config, dir, "/d", true) == NULL);
    CHECK(moat_wasi_config_tcp_listen(config, "127.0.0.1:0") == NULL);
    moat_wasi_config_stdio(config, -1, pipe_fds[1], -1);
    moat_wasi *wasi = NULL;
    moat_error *err = moat_wasi_new(config, &wasi);
    moat_wasi_config_delete(config); // the context keeps what it needs
    CHECK(err == NULL);
    moat_error_delete(err);

    moat_engine *engine = NULL;
    CHECK(moat_engine_new(NULL, &engine) == NULL);
    moat_store *store = moat_store_new(engine);
    moat_linker *linker = moat_linker_new(engine);
    CHECK(moat_wasi_define(wasi, linker, store) == NULL);
    moat_instance *inst =
        instantiate(engine, store, linker, wasi_guest_wasm, sizeof wasi_guest_wasm);
    moat_trap *trap;
    if (inst) {
        // stdout is the pipe: the bytes arrive unchanged.
        CHECK_EQ_INT(call(store, inst, "write", 3, 1, 16, 6, &trap), 0);
        CHECK_EQ_INT(call(store, inst, "written", 0, 0, 0, 0, &trap), 6);
        char buf[16] = {0};
        CHECK_EQ_INT(read(pipe_fds[0], buf, sizeof buf), 6);
        CHECK(!strcmp(buf, "hello\n"));
        // Outside memory (one page): EFAULT (21), nothing written.
        CHECK_EQ_INT(call(store, inst, "write", 3, 1, 65530, 100, &trap), 21);
        CHECK_EQ_INT(call(store, inst, "write", 3, 1, -16, 100, &trap), 21);
        // stdin and stderr default to /dev/null.
        CHECK_EQ_INT(call(store, inst, "write", 3, 2, 16, 6, &trap), 0);
        CHECK_EQ_INT(call(store, inst, "write", 3, 9, 16, 6, &trap), 8); // EBADF
        // A guest may make its stdout non-blocking, but only until the context goes.
        CHECK_EQ_INT(call(store, inst, "set_flags", 2, 1, 4, 0, &trap), 0);
        CHECK(fcntl(pipe_fds[1], F_GETFL) & O_NONBLOCK);
        CHECK_EQ_INT(call(store, inst, "argc", 0, 0, 0, 0, &trap), 2);
        CHECK_EQ_INT(call(store, inst, "envc", 0, 0, 0, 0, &trap), 1);
        // fd 3 is the directory; 4 the socket, which is not a preopen (EBADF ends
        // wasi-libc's scan); 5 nothing.
        CHECK_EQ_INT(call(store, inst, "prestat", 1, 3, 0, 0, &trap), 0);
        CHECK_EQ_INT(call(store, inst, "prestat", 1, 4, 0, 0, &trap), 8);
        CHECK_EQ_INT(call(store, inst, "prestat", 1, 5, 0, 0, &trap), 8);
        // proc_exit unwinds as an exit trap carrying the status.
        call(store, inst, "exit", 1, 7, 0, 0, &trap);
        CHECK(trap != NULL);
        int32_t status = -1;
        if (trap) {
            CHECK_EQ_INT(moat_trap_kind_get(trap), MOAT_TRAP_EXIT);
            CHECK(moat_trap_exit_status(trap, &status));
            CHECK_EQ_INT(status, 7);
            moat_trap_delete(trap);
        }
    }
    // A module without a memory export gets EFAULT for its pointers.
    inst = instantiate(engine, store, linker, wasi_no_memory_wasm, sizeof wasi_no_memory_wasm);
    if (inst) CHECK_EQ_INT(call(store, inst, "write", 0, 0, 0, 0, &trap), 21);

    moat_linker_delete(linker);
    moat_store_delete(store);
    moat_wasi_delete(wasi); // after the store, whose functions point into it
    CHECK(!(fcntl(pipe_fds[1], F_GETFL) & O_NONBLOCK)); // the embedder's fd as it was
    moat_engine_delete(engine);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    rmdir(dir);
}

// stdout and stderr sharing one open file description (as a terminal's do): a guest
// that makes both non-blocking, one after the other, leaves the embedder's flags as
// they were.
static void shared_stdio_flags(void) {
    int pipe_fds[2];
    CHECK(pipe(pipe_fds) == 0);
    int err_fd = dup(pipe_fds[1]);
    moat_wasi_config *config = moat_wasi_config_new();
    moat_wasi_config_stdio(config, -1, pipe_fds[1], err_fd);
    moat_wasi *wasi = NULL;
    moat_error *err = moat_wasi_new(config, &wasi);
    moat_wasi_config_delete(config);
    CHECK(err == NULL);
    moat_error_delete(err);
    moat_engine *engine = NULL;
    CHECK(moat_engine_new(NULL, &engine) == NULL);
    moat_store *store = moat_store_new(engine);
    moat_linker *linker = moat_linker_new(engine);
    CHECK(moat_wasi_define(wasi, linker, store) == NULL);
    moat_instance *inst =
        instantiate(engine, store, linker, wasi_guest_wasm, sizeof wasi_guest_wasm);
    moat_trap *trap;
    if (inst) {
        CHECK_EQ_INT(call(store, inst, "set_flags", 2, 1, 4, 0, &trap), 0);
        CHECK_EQ_INT(call(store, inst, "set_flags", 2, 2, 4, 0, &trap), 0);
        CHECK(fcntl(pipe_fds[1], F_GETFL) & O_NONBLOCK);
    }
    moat_linker_delete(linker);
    moat_store_delete(store);
    moat_wasi_delete(wasi);
    CHECK(!(fcntl(pipe_fds[1], F_GETFL) & O_NONBLOCK));
    moat_engine_delete(engine);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    close(err_fd);
}

static void exit_traps(void) {
    int32_t status = -1;
    moat_trap *trap = moat_trap_new_exit(125);
    CHECK_EQ_INT(moat_trap_kind_get(trap), MOAT_TRAP_EXIT);
    CHECK(moat_trap_exit_status(trap, &status) && status == 125);
    CHECK_CONTAINS(moat_trap_message(trap), "125");
    moat_trap_delete(trap);
    trap = moat_trap_new("not an exit");
    CHECK(!moat_trap_exit_status(trap, &status));
    moat_trap_delete(trap);
}

static void config_errors(void) {
    moat_wasi_config *config = moat_wasi_config_new();
    moat_error *err = moat_wasi_config_env(config, "A=B", "x");
    CHECK(err && moat_error_kind_get(err) == MOAT_ERROR_API);
    moat_error_delete(err);
    err = moat_wasi_config_env(config, "", "x");
    CHECK(err != NULL);
    moat_error_delete(err);
    err = moat_wasi_config_tcp_listen(config, "no-port");
    CHECK(err && moat_error_kind_get(err) == MOAT_ERROR_API);
    moat_error_delete(err);
    CHECK(moat_wasi_config_preopen_dir(config, "/nonexistent/moat", "/x", false) == NULL);
    moat_wasi *wasi = NULL;
    err = moat_wasi_new(config, &wasi);
    CHECK(err && moat_error_kind_get(err) == MOAT_ERROR_IO);
    if (err) CHECK_CONTAINS(moat_error_message(err), "/nonexistent/moat");
    moat_error_delete(err);
    CHECK(wasi == NULL);
    moat_wasi_config_delete(config);
    moat_wasi_config_delete(NULL);
    moat_wasi_delete(NULL);
}

int main(void) {
    guest_calls();
    shared_stdio_flags();
    exit_traps();
    config_errors();
    TEST_DONE();
}
