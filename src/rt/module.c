// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// moat_module: decode + validate once, then immutable and shareable. Function types get
// their engine-wide ids here; compiled code is filled in lazily by the interpreter.
#include "core/validate.h"
#include "exec/interp/interp.h"
#include "rt/rt_internal.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

moat_error *moat_module_new(moat_engine *engine, const uint8_t *bytes, size_t len,
                            moat_module **out) {
    struct moat__module_ir *ir = NULL;
    moat_error *err = moat__module_decode(bytes, len, &ir);
    if (err) return err;
    err = moat__module_validate(ir, engine->config.features);
    if (err) {
        moat__module_ir_free(ir);
        return err;
    }
    moat_module *module = calloc(1, sizeof *module);
    u32 ndefined = ir->nfuncs - ir->nfunc_imports;
    if (!module) goto oom;
    module->engine = engine;
    moat__engine_retain(engine);
    module->ir = ir;
    module->refcount = 1;
    moat__image_init(module);
    module->types = calloc(ir->ntypes ? ir->ntypes : 1, sizeof *module->types);
    module->code = calloc(ndefined ? ndefined : 1, sizeof *module->code);
    if (!module->types || !module->code) goto oom;
    for (u32 i = 0; i < ir->ntypes; i++) {
        struct moat__functype *t = &ir->types[i];
        t->type_id = moat__engine_type_id(engine, t->nparams, t->params, t->nresults, t->results);
        if (t->type_id == MOAT_NO_INDEX) goto oom;
        module->types[i].t = *t;
    }
    *out = module;
    return NULL;
oom:
    if (module) {
        moat__image_free(module);
        free(module->types);
        free(module->code);
        free(module);
        moat__engine_release(engine);
    }
    moat__module_ir_free(ir);
    return moat__error_oom();
}

void moat__module_retain(moat_module *module) {
    __atomic_add_fetch(&module->refcount, 1, __ATOMIC_RELAXED);
}

void moat__module_release(moat_module *module) {
    if (__atomic_sub_fetch(&module->refcount, 1, __ATOMIC_ACQ_REL) != 0) return;
    u32 ndefined = module->ir->nfuncs - module->ir->nfunc_imports;
    for (u32 i = 0; i < ndefined; i++)
        if (module->code[i]) moat__interp_code_free(module->code[i]);
    free(module->code);
    free(module->types);
    moat__image_free(module);
    moat__module_ir_free(module->ir);
    moat_engine *engine = module->engine;
    free(module);
    moat__engine_release(engine);
}

void moat_module_delete(moat_module *module) {
    if (module) moat__module_release(module);
}

static moat_name public_name(struct moat__name n) {
    moat_name name = {n.data, n.len};
    return name;
}

moat_limits moat__limits_public(struct moat__limits l) {
    moat_limits limits = {l.min, l.max, l.has_max};
    return limits;
}

size_t moat_module_import_count(const moat_module *module) {
    return module->ir->nimports;
}

void moat_module_import(const moat_module *module, size_t i, moat_name *out_module,
                        moat_name *out_name, moat_externtype *out_type) {
    const struct moat__import *imp = &module->ir->imports[i];
    *out_module = public_name(imp->module);
    *out_name = public_name(imp->name);
    out_type->kind = (moat_externkind)imp->kind;
    switch (imp->kind) {
    case MOAT__EXTERN_FUNC:
        out_type->of.func = &module->types[imp->desc.type_index];
        break;
    case MOAT__EXTERN_TABLE:
        out_type->of.table.elem = (moat_valkind)imp->desc.table.elem_type;
        out_type->of.table.limits = moat__limits_public(imp->desc.table.limits);
        break;
    case MOAT__EXTERN_MEMORY:
        out_type->of.memory.limits = moat__limits_public(imp->desc.memory.limits);
        break;
    default:
        out_type->of.global.kind = (moat_valkind)imp->desc.global.valtype;
        out_type->of.global.is_mutable = imp->desc.global.is_mutable;
        break;
    }
}

size_t moat_module_export_count(const moat_module *module) {
    return module->ir->nexports;
}

void moat_module_export(const moat_module *module, size_t i, moat_name *out_name,
                        moat_externtype *out_type) {
    const struct moat__module_ir *ir = module->ir;
    const struct moat__export *exp = &ir->exports[i];
    *out_name = public_name(exp->name);
    out_type->kind = (moat_externkind)exp->kind;
    switch (exp->kind) {
    case MOAT__EXTERN_FUNC:
        out_type->of.func = &module->types[ir->func_type_index[exp->index]];
        break;
    case MOAT__EXTERN_TABLE:
        out_type->of.table.elem = (moat_valkind)ir->tables[exp->index].elem_type;
        out_type->of.table.limits = moat__limits_public(ir->tables[exp->index].limits);
        break;
    case MOAT__EXTERN_MEMORY:
        out_type->of.memory.limits = moat__limits_public(ir->mems[exp->index].limits);
        break;
    default:
        out_type->of.global.kind = (moat_valkind)ir->globals[exp->index].valtype;
        out_type->of.global.is_mutable = ir->globals[exp->index].is_mutable;
        break;
    }
}

bool moat_module_func_name(const moat_module *module, uint32_t func_index, moat_name *out) {
    struct moat__name n = moat__module_func_name(module->ir, func_index);
    *out = public_name(n);
    return n.data != NULL;
}

bool moat_module_name(const moat_module *module, moat_name *out) {
    *out = public_name(module->ir->module_name);
    return module->ir->module_name.data != NULL;
}

static const char *const section_names[] = {
    "custom", "type",  "import",  "function", "table", "memory",    "global",
    "export", "start", "element", "code",     "data",  "datacount", "tag",
};

size_t moat_module_section_count(const moat_module *module) {
    return module->ir->nsections;
}

void moat_module_section(const moat_module *module, size_t i, moat_section_info *out) {
    const struct moat__section *s = &module->ir->sections[i];
    out->id = s->id;
    out->name = s->id < MOAT_COUNTOF(section_names) ? section_names[s->id] : "unknown";
    out->custom_name = public_name(s->custom_name);
    out->offset = s->offset;
    out->size = s->size;
}

uint32_t moat_module_func_count(const moat_module *module) {
    return module->ir->nfuncs;
}

uint32_t moat_module_func_import_count(const moat_module *module) {
    return module->ir->nfunc_imports;
}

const moat_functype *moat_module_func_type(const moat_module *module, uint32_t func_index) {
    if (func_index >= module->ir->nfuncs) return NULL;
    return &module->types[module->ir->func_type_index[func_index]];
}
