// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Engine, configuration, and the engine-wide registry of function types: each distinct
// signature gets one id, so call_indirect and import checks compare one integer.
#include "rt/rt_internal.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

const char *moat_version(void) {
    return MOAT_VERSION_STRING;
}

moat_config *moat_config_new(void) {
    moat_config *config = calloc(1, sizeof *config);
    if (config) config->max_call_depth = MOAT_DEFAULT_CALL_DEPTH;
    return config;
}

void moat_config_delete(moat_config *config) {
    free(config);
}

void moat_config_bounds_checks_set(moat_config *config, bool enable) {
    config->bounds_checks = enable;
}

void moat_config_feature_set(moat_config *config, moat_feature feature, bool enable) {
    if ((unsigned)feature >= MOAT_FEATURE_COUNT) return;
    if (enable)
        config->features |= 1u << feature;
    else
        config->features &= ~(1u << feature);
}

void moat_config_max_call_depth_set(moat_config *config, uint32_t depth) {
    config->max_call_depth = depth ? depth : MOAT_DEFAULT_CALL_DEPTH;
}

void moat_config_max_wasm_stack_set(moat_config *config, size_t bytes) {
    config->max_wasm_stack = bytes;
}

void moat_config_consume_fuel_set(moat_config *config, bool enable) {
    config->consume_fuel = enable;
}

void moat_config_epoch_interruption_set(moat_config *config, bool enable) {
    config->epoch_interruption = enable;
}

moat_error *moat_engine_new(moat_config *config, moat_engine **out) {
    moat_engine *engine = calloc(1, sizeof *engine);
    if (!engine) {
        moat_config_delete(config);
        return moat__error_oom();
    }
    engine->config.max_call_depth = MOAT_DEFAULT_CALL_DEPTH;
    if (config) engine->config = *config;
    moat_config_delete(config);
    pthread_mutex_init(&engine->lock, NULL);
    pthread_mutex_init(&engine->pool_lock, NULL);
    engine->refs = 1;
    *out = engine;
    return NULL;
}

// Relaxed: the guest only needs to see the new value eventually, and no other data is
// published with it.
void moat_engine_increment_epoch(moat_engine *engine) {
    __atomic_fetch_add(&engine->epoch, 1, __ATOMIC_RELAXED);
}

void moat__engine_retain(moat_engine *engine) {
    __atomic_add_fetch(&engine->refs, 1, __ATOMIC_RELAXED);
}

void moat__engine_release(moat_engine *engine) {
    if (__atomic_sub_fetch(&engine->refs, 1, __ATOMIC_ACQ_REL) != 0) return;
    for (u32 i = 0; i < engine->ntypes; i++)
        free((void *)engine->types[i].params);
    free(engine->types);
    free(engine->index);
    moat__memory_pool_drain(engine);
    pthread_mutex_destroy(&engine->pool_lock);
    pthread_mutex_destroy(&engine->lock);
    free(engine);
}

void moat_engine_delete(moat_engine *engine) {
    if (engine) moat__engine_release(engine);
}

static bool same_signature(const struct moat__functype *t, u32 nparams, const u8 *params,
                           u32 nresults, const u8 *results) {
    return t->nparams == nparams && t->nresults == nresults
           && (nparams == 0 || memcmp(t->params, params, nparams) == 0)
           && (nresults == 0 || memcmp(t->results, results, nresults) == 0);
}

static u32 signature_hash(u32 nparams, const u8 *params, u32 nresults, const u8 *results) {
    u32 h = 2166136261u ^ nparams;
    for (u32 i = 0; i < nparams; i++)
        h = (h ^ params[i]) * 16777619u;
    h = (h ^ 0xFF ^ nresults) * 16777619u;
    for (u32 i = 0; i < nresults; i++)
        h = (h ^ results[i]) * 16777619u;
    return h;
}

// Open-addressing index over engine->types (slot value = id + 1, 0 = empty); kept at
// most half full. A hash, not a scan: a hostile module may declare a million types.
static bool index_grow(moat_engine *engine) {
    u32 cap = engine->index_cap ? engine->index_cap * 2 : 128;
    u32 *index = calloc(cap, sizeof *index);
    if (!index) return false;
    for (u32 id = 0; id < engine->ntypes; id++) {
        const struct moat__functype *t = &engine->types[id];
        u32 h = signature_hash(t->nparams, t->params, t->nresults, t->results) & (cap - 1);
        while (index[h])
            h = (h + 1) & (cap - 1);
        index[h] = id + 1;
    }
    free(engine->index);
    engine->index = index;
    engine->index_cap = cap;
    return true;
}

u32 moat__engine_type_id(moat_engine *engine, u32 nparams, const u8 *params, u32 nresults,
                         const u8 *results) {
    pthread_mutex_lock(&engine->lock);
    u32 id = MOAT_NO_INDEX;
    if ((engine->ntypes + 1) * 2 > engine->index_cap && !index_grow(engine)) goto done;
    u32 mask = engine->index_cap - 1;
    u32 h = signature_hash(nparams, params, nresults, results) & mask;
    for (; engine->index[h]; h = (h + 1) & mask) {
        const struct moat__functype *t = &engine->types[engine->index[h] - 1];
        if (same_signature(t, nparams, params, nresults, results)) {
            id = engine->index[h] - 1;
            goto done;
        }
    }
    if (engine->ntypes == engine->cap_types) {
        u32 cap = engine->cap_types ? engine->cap_types * 2 : 64;
        struct moat__functype *types = realloc(engine->types, cap * sizeof *types);
        if (!types) goto done;
        engine->types = types;
        engine->cap_types = cap;
    }
    u8 *copy = malloc((size_t)nparams + nresults + 1);
    if (!copy) goto done;
    if (nparams) memcpy(copy, params, nparams);
    if (nresults) memcpy(copy + nparams, results, nresults);
    id = engine->ntypes++;
    engine->types[id] = (struct moat__functype){.nparams = nparams,
                                                .nresults = nresults,
                                                .params = copy,
                                                .results = copy + nparams,
                                                .type_id = id};
    engine->index[h] = id + 1;
done:
    pthread_mutex_unlock(&engine->lock);
    return id;
}
