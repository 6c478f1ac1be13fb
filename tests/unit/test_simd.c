// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// v128 across the public API: arguments and results of moat_func_call between scalars (a
// v128 takes two slots inside), host functions called from wasm with v128 parameters and
// results, v128 globals, and the relaxed-SIMD feature switch. Both memory modes.
#include "moat.h"
#include "test.h"

#include <stdlib.h>

static const char module_text[] =
    "(module\n"
    "  (import \"env\" \"mix\" (func $mix (param i32 v128 f64) (result v128 i64)))\n"
    "  (global $g (export \"g\") (mut v128) (v128.const i32x4 1 2 3 4))\n"
    // wasm -> host with a v128 between scalars, results passed through
    "  (func (export \"via_host\") (param i32 v128) (result i64 v128 i32)\n"
    "    (local $r v128)\n"
    "    (call $mix (local.get 0) (local.get 1) (f64.const 2.5))\n"
    "    (drop)\n"
    "    (local.set $r)\n"
    "    (i64.const 7) (local.get $r) (i32.const 9))\n"
    // deep wasm -> wasm recursion carrying a v128 (frames of two-slot values)
    "  (func $sum (export \"sum\") (param $n i32) (param $v v128) (result v128)\n"
    "    (if (result v128) (i32.eqz (local.get $n))\n"
    "      (then (local.get $v))\n"
    "      (else (call $sum (i32.sub (local.get $n) (i32.const 1))\n"
    "                       (i32x4.add (local.get $v) (v128.const i32x4 1 1 1 1))))))\n"
    // global.get / global.set of a v128
    "  (func (export \"bump\") (global.set $g (i32x4.mul (global.get $g) (global.get $g)))))\n";

static const char relaxed_text[] =
    "(module (func (export \"madd\") (param v128 v128 v128) (result v128)\n"
    "  (f32x4.relaxed_madd (local.get 0) (local.get 1) (local.get 2))))";

static moat_trap *host_mix(void *env, moat_caller *caller, const moat_val *args, size_t nargs,
                           moat_val *results, size_t nresults) {
    int *calls = env;
    (*calls)++;
    if (nargs != 3 || nresults != 2 || args[1].kind != MOAT_V128) return moat_trap_new("bad call");
    results[0] = args[1];
    int32_t lane0;
    memcpy(&lane0, results[0].of.v128, 4);
    lane0 += args[0].of.i32;
    memcpy(results[0].of.v128, &lane0, 4);
    results[1].kind = MOAT_I64;
    results[1].of.i64 = (int64_t)(args[2].of.f64 * 4);
    return NULL;
}

static moat_val v128_i32x4(int32_t a, int32_t b, int32_t c, int32_t d) {
    moat_val v = {.kind = MOAT_V128};
    int32_t lanes[4] = {a, b, c, d};
    memcpy(v.of.v128, lanes, 16);
    return v;
}

static int32_t lane(const moat_val *v, int i) {
    int32_t x;
    memcpy(&x, v->of.v128 + 4 * i, 4);
    return x;
}

static moat_func *export_func(moat_instance *inst, const char *name) {
    moat_extern ext;
    if (!moat_instance_export_get(inst, moat_name_from(name), &ext) || ext.kind != MOAT_EXTERN_FUNC)
        return NULL;
    return ext.of.func;
}

static moat_engine *engine_new(bool bounds_checks, bool relaxed) {
    moat_config *config = moat_config_new();
    moat_config_bounds_checks_set(config, bounds_checks);
    moat_config_feature_set(config, MOAT_FEATURE_RELAXED_SIMD, relaxed);
    moat_engine *engine = NULL;
    moat_error *err = moat_engine_new(config, &engine);
    CHECK(err == NULL);
    return engine;
}

static moat_error *module_from_text(moat_engine *engine, const char *text, moat_module **out) {
    moat_byte_vec bytes = {0};
    moat_error *err = moat_wat2wasm(text, strlen(text), "test.wat", &bytes);
    if (!err) err = moat_module_new(engine, bytes.data, bytes.size, out);
    moat_byte_vec_delete(&bytes);
    return err;
}

static void run_api(bool bounds_checks) {
    moat_engine *engine = engine_new(bounds_checks, false);
    moat_module *module = NULL;
    moat_error *err = module_from_text(engine, module_text, &module);
    CHECK(err == NULL);
    if (err) {
        fprintf(stderr, "%s\n", moat_error_message(err));
        moat_error_delete(err);
        moat_engine_delete(engine);
        return;
    }
    moat_store *store = moat_store_new(engine);
    int calls = 0;
    moat_valkind params[] = {MOAT_I32, MOAT_V128, MOAT_F64}, res[] = {MOAT_V128, MOAT_I64};
    moat_functype *type = moat_functype_new(params, 3, res, 2);
    moat_func *mix = NULL;
    CHECK(moat_func_new(store, type, host_mix, &calls, NULL, &mix) == NULL);
    moat_functype_delete(type);
    moat_extern imports[1] = {{.kind = MOAT_EXTERN_FUNC, .of.func = mix}};
    moat_instance *inst = NULL;
    moat_trap *trap = NULL;
    CHECK(moat_instance_new(store, module, imports, 1, &inst, &trap) == NULL && !trap);
    if (!inst) goto done;

    // via_host(5, [10 20 30 40]) = (7, [15 20 30 40], 9)
    moat_val args[2] = {{.kind = MOAT_I32, .of.i32 = 5}, v128_i32x4(10, 20, 30, 40)};
    moat_val out[3];
    CHECK(moat_func_call(store, export_func(inst, "via_host"), args, 2, out, 3, &trap) == NULL);
    CHECK(trap == NULL);
    CHECK_EQ_INT(calls, 1);
    CHECK_EQ_INT(out[0].of.i64, 7);
    CHECK(out[1].kind == MOAT_V128);
    CHECK_EQ_INT(lane(&out[1], 0), 15);
    CHECK_EQ_INT(lane(&out[1], 3), 40);
    CHECK_EQ_INT(out[2].of.i32, 9);

    // sum(1000, [0 1 2 3]) = [1000 1001 1002 1003]
    moat_val sargs[2] = {{.kind = MOAT_I32, .of.i32 = 1000}, v128_i32x4(0, 1, 2, 3)};
    CHECK(moat_func_call(store, export_func(inst, "sum"), sargs, 2, out, 1, &trap) == NULL);
    CHECK(trap == NULL);
    CHECK_EQ_INT(lane(&out[0], 0), 1000);
    CHECK_EQ_INT(lane(&out[0], 3), 1003);

    // the v128 global: initial value, bump (squares), set from the host
    moat_extern g;
    CHECK(moat_instance_export_get(inst, moat_name_from("g"), &g) && g.kind == MOAT_EXTERN_GLOBAL);
    moat_val gv;
    moat_global_get(g.of.global, &gv);
    CHECK(gv.kind == MOAT_V128 && lane(&gv, 3) == 4);
    CHECK(moat_func_call(store, export_func(inst, "bump"), NULL, 0, NULL, 0, &trap) == NULL);
    moat_global_get(g.of.global, &gv);
    CHECK_EQ_INT(lane(&gv, 2), 9);
    moat_val nv = v128_i32x4(-1, -2, -3, -4);
    CHECK(moat_global_set(g.of.global, &nv) == NULL);
    CHECK(moat_func_call(store, export_func(inst, "bump"), NULL, 0, NULL, 0, &trap) == NULL);
    moat_global_get(g.of.global, &gv);
    CHECK_EQ_INT(lane(&gv, 3), 16);
done:
    moat_store_delete(store);
    moat_module_delete(module);
    moat_engine_delete(engine);
}

// Relaxed SIMD: refused without the feature; with it, madd is a*b+c rounded twice.
static void run_relaxed(void) {
    moat_engine *engine = engine_new(false, false);
    moat_module *module = NULL;
    moat_error *err = module_from_text(engine, relaxed_text, &module);
    CHECK(err && moat_error_kind_get(err) == MOAT_ERROR_UNSUPPORTED);
    CHECK_CONTAINS(err ? moat_error_message(err) : NULL,
                   "relaxed SIMD (proposal) is not supported");
    moat_error_delete(err);
    moat_engine_delete(engine);

    engine = engine_new(false, true);
    err = module_from_text(engine, relaxed_text, &module);
    CHECK(err == NULL);
    if (!err) {
        moat_store *store = moat_store_new(engine);
        moat_instance *inst = NULL;
        moat_trap *trap = NULL;
        CHECK(moat_instance_new(store, module, NULL, 0, &inst, &trap) == NULL && !trap);
        // (1 + 2^-23) * (1 - 2^-23) + (-1) is -2^-46 fused, 0 rounded twice
        float a = 1.0f + 0x1p-23f, b = 1.0f - 0x1p-23f, c = -1.0f;
        moat_val args[3] = {{.kind = MOAT_V128}, {.kind = MOAT_V128}, {.kind = MOAT_V128}};
        for (int i = 0; i < 4; i++) {
            memcpy(args[0].of.v128 + 4 * i, &a, 4);
            memcpy(args[1].of.v128 + 4 * i, &b, 4);
            memcpy(args[2].of.v128 + 4 * i, &c, 4);
        }
        moat_val out;
        CHECK(inst
              && moat_func_call(store, export_func(inst, "madd"), args, 3, &out, 1, &trap) == NULL);
        float r;
        memcpy(&r, out.of.v128, 4);
        CHECK(r == 0.0f);
        moat_store_delete(store);
        moat_module_delete(module);
    }
    moat_error_delete(err);
    moat_engine_delete(engine);
}

int main(void) {
    run_api(false);
    run_api(true);
    run_relaxed();
    TEST_DONE();
}
