// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// Instantiation (spec: Modules > Instantiation): check imports against their declared
// types, create the module's own functions, tables, memories and globals, evaluate
// constant expressions, run active element and data segments, then the start function.
#include "exec/interp/interp.h"
#include "rt/rt_internal.h"
#include "util/error.h"
#include "util/leb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONST_STACK 64

// Stores a scalar into a two-slot value.
static void push(moat__slot *value, u64 bits) {
    value[0] = bits;
    value[1] = 0;
}

bool moat__eval_const(const struct moat__module_ir *ir, const moat_instance *inst,
                      struct moat__const_expr expr, moat__slot *out) {
    moat__cursor c = {.base = ir->bytes, .p = ir->bytes + expr.start, .end = ir->bytes + expr.end};
    moat__slot stack[CONST_STACK][2]; // two slots per value: v128
    u32 sp = 0;
    while (c.p < c.end) {
        u8 op;
        u32 idx;
        i64 s;
        const u8 *bytes;
        if (!moat__read_u8(&c, &op)) return false;
        if (sp >= CONST_STACK) return false;
        switch (op) {
        case 0x41: // i32.const
            if (!moat__read_sleb(&c, 32, &s)) return false;
            push(stack[sp++], (u32)s);
            break;
        case 0x42: // i64.const
            if (!moat__read_sleb(&c, 64, &s)) return false;
            push(stack[sp++], (u64)s);
            break;
        case 0x43: { // f32.const
            u32 bits;
            if (!moat__read_fixed32(&c, &bits)) return false;
            push(stack[sp++], bits);
            break;
        }
        case 0x44: { // f64.const
            u64 bits;
            if (!moat__read_fixed64(&c, &bits)) return false;
            push(stack[sp++], bits);
            break;
        }
        case 0xD0: // ref.null t
            if (!moat__read_sleb(&c, 33, &s)) return false;
            push(stack[sp++], 0);
            break;
        case 0xD2: // ref.func x
            if (!inst || !moat__read_u32(&c, &idx) || idx >= ir->nfuncs) return false;
            push(stack[sp++], (u64)(uintptr_t)inst->funcs[idx]);
            break;
        case 0x23: // global.get x
            if (!inst || !moat__read_u32(&c, &idx) || idx >= ir->nglobals) return false;
            memcpy(stack[sp++], inst->globals[idx]->value, sizeof stack[0]);
            break;
        // extended constant expressions (WebAssembly 3.0)
        case 0x6A:
        case 0x6B:
        case 0x6C:
        case 0x7C:
        case 0x7D:
        case 0x7E: {
            if (sp < 2) return false;
            u64 b = stack[--sp][0], a = stack[sp - 1][0], r;
            bool is32 = op <= 0x6C;
            switch (op) {
            case 0x6A:
            case 0x7C:
                r = a + b;
                break;
            case 0x6B:
            case 0x7D:
                r = a - b;
                break;
            default:
                r = a * b;
                break;
            }
            push(stack[sp - 1], is32 ? (u32)r : r);
            break;
        }
        case 0xFD: // v128.const (the only constant SIMD instruction)
            if (!moat__read_u32(&c, &idx) || idx != 0x0C || !moat__read_bytes(&c, 16, &bytes))
                return false;
            memcpy(stack[sp++], bytes, 16);
            break;
        default:
            return false;
        }
    }
    if (sp != 1) return false;
    out[0] = stack[0][0];
    out[1] = stack[0][1];
    return true;
}

static bool eval_const(const moat_instance *inst, struct moat__const_expr expr, moat__slot *out) {
    return moat__eval_const(inst->ir, inst, expr, out);
}

static void format_externtype(char *buf, size_t size, const moat_module *module, u8 kind,
                              const void *desc) {
    switch (kind) {
    case MOAT__EXTERN_FUNC: {
        const struct moat__functype *t = desc;
        size_t n = (size_t)snprintf(buf, size, "func (");
        for (u32 i = 0; i < t->nparams && n < size; i++)
            n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? ", " : "",
                                  moat__valtype_name(t->params[i]));
        if (n < size) n += (size_t)snprintf(buf + n, size - n, ") -> (");
        for (u32 i = 0; i < t->nresults && n < size; i++)
            n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? ", " : "",
                                  moat__valtype_name(t->results[i]));
        if (n < size) snprintf(buf + n, size - n, ")");
        break;
    }
    case MOAT__EXTERN_TABLE:
    case MOAT__EXTERN_MEMORY: {
        bool is_table = kind == MOAT__EXTERN_TABLE;
        const struct moat__limits *l = is_table ? &((const struct moat__tabletype *)desc)->limits
                                                : &((const struct moat__memtype *)desc)->limits;
        char max[32] = "";
        if (l->has_max) snprintf(max, sizeof max, "..%llu", (unsigned long long)l->max);
        snprintf(buf, size, "%s %llu%s %s", is_table ? "table" : "memory",
                 (unsigned long long)l->min, max,
                 is_table ? moat__valtype_name(((const struct moat__tabletype *)desc)->elem_type)
                          : "pages");
        break;
    }
    default: {
        const struct moat__globaltype *t = desc;
        snprintf(buf, size, "global %s%s", t->is_mutable ? "mut " : "",
                 moat__valtype_name(t->valtype));
        break;
    }
    }
    (void)module;
}

static const void *import_desc(const moat_module *module, const struct moat__import *imp) {
    if (imp->kind == MOAT__EXTERN_FUNC) return &module->ir->types[imp->desc.type_index];
    return &imp->desc;
}

moat_error *moat__import_error(const moat_module *module, u32 import_index, const char *phrase,
                               const char *detail) {
    const struct moat__import *imp = &module->ir->imports[import_index];
    char type[256];
    format_externtype(type, sizeof type, module, imp->kind, import_desc(module, imp));
    return moat__error_new(MOAT_ERROR_UNLINKABLE, imp->offset,
                           "%s: import \"%.*s\" \"%.*s\" of type %s%s%s", phrase,
                           (int)imp->module.len, imp->module.data, (int)imp->name.len,
                           imp->name.data, type, detail ? ": " : "", detail ? detail : "");
}

static bool limits_match(moat_limits actual, struct moat__limits expected) {
    if (actual.min < expected.min) return false;
    if (expected.has_max && (!actual.has_max || actual.max > expected.max)) return false;
    return true;
}

// The store an import belongs to: an instance may only use its own store's items, which
// live exactly as long as it does (another store's memory would go back to the engine's
// pool when that store is deleted, and be handed to a new instance while still in use).
static const moat_store *import_store(const moat_extern *ext) {
    switch (ext->kind) {
    case MOAT_EXTERN_FUNC:
        return ext->of.func->store;
    case MOAT_EXTERN_TABLE:
        return ext->of.table->store;
    case MOAT_EXTERN_MEMORY:
        return ext->of.memory->store;
    default:
        return ext->of.global->store;
    }
}

static const char *import_mismatch(const moat_module *module, const struct moat__import *imp,
                                   const moat_extern *ext) {
    if ((u8)ext->kind != imp->kind) return "wrong kind of item";
    switch (imp->kind) {
    case MOAT__EXTERN_FUNC:
        return ext->of.func->type->type_id == module->ir->types[imp->desc.type_index].type_id
                   ? NULL
                   : "function signature differs";
    case MOAT__EXTERN_TABLE: {
        const moat_table *t = ext->of.table;
        moat_limits actual = {t->size, t->type.limits.max, t->type.limits.has_max};
        if ((u8)t->type.elem != imp->desc.table.elem_type) return "element type differs";
        return limits_match(actual, imp->desc.table.limits) ? NULL : "limits differ";
    }
    case MOAT__EXTERN_MEMORY: {
        const moat_memory *m = ext->of.memory;
        moat_limits actual = {m->size / MOAT_PAGE_SIZE, m->type.limits.max, m->type.limits.has_max};
        return limits_match(actual, imp->desc.memory.limits) ? NULL : "limits differ";
    }
    default: {
        const moat_global *g = ext->of.global;
        if ((u8)g->type.kind != imp->desc.global.valtype) return "value type differs";
        return g->type.is_mutable == imp->desc.global.is_mutable ? NULL : "mutability differs";
    }
    }
}

static moat_func *wasm_func_create(moat_instance *inst, u32 func_index) {
    moat_func *f = calloc(1, sizeof *f);
    if (!f) return NULL;
    f->store = inst->store;
    f->type = moat__func_type(inst->ir, func_index);
    f->instance = inst;
    f->func_index = func_index;
    if (!moat__store_track(inst->store, f, MOAT_EXTERN_FUNC)) {
        free(f);
        return NULL;
    }
    return f;
}

static moat_trap *call_start(moat_func *func) {
    moat__slot slots[2] = {0, 0};
    if (func->is_host) return moat__host_call(func, NULL, slots);
    return moat__interp_invoke(func, slots);
}

// Allocates and links everything; on failure returns an error (the partially built
// instance is already owned by the store).
static moat_error *build(moat_instance *inst, const moat_extern *imports) {
    const struct moat__module_ir *ir = inst->ir;
    moat_store *store = inst->store;
    inst->funcs = calloc(ir->nfuncs + 1, sizeof *inst->funcs);
    inst->tables = calloc(ir->ntables + 1, sizeof *inst->tables);
    inst->mems = calloc(ir->nmems + 1, sizeof *inst->mems);
    inst->globals = calloc(ir->nglobals + 1, sizeof *inst->globals);
    inst->elems = calloc(ir->nelems + 1, sizeof *inst->elems);
    inst->datas = calloc(ir->ndatas + 1, sizeof *inst->datas);
    inst->exports = calloc(ir->nexports + 1, sizeof *inst->exports);
    if (!inst->funcs || !inst->tables || !inst->mems || !inst->globals || !inst->elems
        || !inst->datas || !inst->exports)
        return moat__error_oom();

    u32 nf = 0, nt = 0, nm = 0, ng = 0;
    for (u32 i = 0; i < ir->nimports; i++) {
        const moat_extern *ext = &imports[i];
        switch (ir->imports[i].kind) {
        case MOAT__EXTERN_FUNC:
            inst->funcs[nf++] = ext->of.func;
            break;
        case MOAT__EXTERN_TABLE:
            inst->tables[nt++] = ext->of.table;
            break;
        case MOAT__EXTERN_MEMORY:
            inst->mems[nm++] = ext->of.memory;
            break;
        default:
            inst->globals[ng++] = ext->of.global;
            break;
        }
    }
    for (u32 i = ir->nfunc_imports; i < ir->nfuncs; i++)
        if (!(inst->funcs[i] = wasm_func_create(inst, i))) return moat__error_oom();
    for (u32 i = ir->ntable_imports; i < ir->ntables; i++)
        if (!(inst->tables[i] = moat__table_create(store, &ir->tables[i], NULL)))
            return moat__error_new(MOAT_ERROR_RESOURCE, MOAT_NO_OFFSET,
                                   "cannot allocate table %u (%llu elements)", i,
                                   (unsigned long long)ir->tables[i].limits.min);
    for (u32 i = ir->nmem_imports; i < ir->nmems; i++) {
        inst->mems[i] = i == 0 ? moat__image_memory_create(inst) : NULL;
        if (!inst->mems[i]) inst->mems[i] = moat__memory_create(store, &ir->mems[i]);
        if (!inst->mems[i]) {
            if (ir->mems[i].limits.min > store->max_memory_size / MOAT_PAGE_SIZE)
                return moat__error_new(MOAT_ERROR_RESOURCE, MOAT_NO_OFFSET,
                                       "memory %u needs %llu pages, more than the store's "
                                       "limit of %llu bytes",
                                       i, (unsigned long long)ir->mems[i].limits.min,
                                       (unsigned long long)store->max_memory_size);
            return moat__error_new(MOAT_ERROR_RESOURCE, MOAT_NO_OFFSET,
                                   "cannot allocate memory %u (%llu pages)", i,
                                   (unsigned long long)ir->mems[i].limits.min);
        }
    }
    for (u32 i = ir->nglobal_imports; i < ir->nglobals; i++) {
        moat_global *g =
            moat__global_create(store, ir->globals[i].valtype, ir->globals[i].is_mutable);
        if (!g) return moat__error_oom();
        if (!eval_const(inst, ir->global_inits[i - ir->nglobal_imports], g->value))
            return moat__error_new(MOAT_ERROR_INVALID, MOAT_NO_OFFSET,
                                   "constant expression of global %u cannot be evaluated", i);
        inst->globals[i] = g;
    }
    for (u32 i = 0; i < ir->nexports; i++) {
        const struct moat__export *e = &ir->exports[i];
        moat_extern *out = &inst->exports[i];
        out->kind = (moat_externkind)e->kind;
        switch (e->kind) {
        case MOAT__EXTERN_FUNC:
            out->of.func = inst->funcs[e->index];
            break;
        case MOAT__EXTERN_TABLE:
            out->of.table = inst->tables[e->index];
            break;
        case MOAT__EXTERN_MEMORY:
            out->of.memory = inst->mems[e->index];
            break;
        default:
            out->of.global = inst->globals[e->index];
            break;
        }
    }
    for (u32 i = 0; i < ir->nelems; i++) {
        const struct moat__elem *seg = &ir->elems[i];
        struct moat__elem_inst *ei = &inst->elems[i];
        ei->refs = calloc(seg->count + 1, sizeof *ei->refs);
        if (!ei->refs) return moat__error_oom();
        ei->count = seg->count;
        for (u32 j = 0; j < seg->count; j++) {
            moat__slot v[2];
            if (!seg->has_exprs) {
                ei->refs[j] = inst->funcs[seg->func_indices[j]];
            } else if (eval_const(inst, seg->exprs[j], v)) {
                ei->refs[j] = (void *)(uintptr_t)v[0];
            } else {
                return moat__error_new(MOAT_ERROR_INVALID, seg->offset,
                                       "element %u of segment %u cannot be evaluated", j, i);
            }
        }
    }
    for (u32 i = 0; i < ir->ndatas; i++) {
        inst->datas[i].bytes = ir->bytes + ir->datas[i].data_start;
        inst->datas[i].len = ir->datas[i].data_len;
    }
    return NULL;
}

// Active segments and the start function; a trap here fails instantiation, but what was
// already written to imported tables and memories stays (spec 2.0 semantics). The data
// segments come from the module's memory image when it has one (rt/image.c); *err is
// set if the memory could not be set up at all.
static moat_trap *initialize(moat_instance *inst, moat_error **err) {
    const struct moat__module_ir *ir = inst->ir;
    for (u32 i = 0; i < ir->nelems; i++) {
        const struct moat__elem *seg = &ir->elems[i];
        struct moat__elem_inst *ei = &inst->elems[i];
        if (seg->mode == MOAT__SEG_ACTIVE) {
            moat__slot off[2];
            if (!eval_const(inst, seg->offset_expr, off))
                return moat__trap_new(MOAT_TRAP_TABLE_OUT_OF_BOUNDS);
            moat_table *table = inst->tables[seg->table_index];
            u64 dst = (u32)off[0];
            if (dst > table->size || ei->count > table->size - dst)
                return moat__trap_new(MOAT_TRAP_TABLE_OUT_OF_BOUNDS);
            memcpy(table->elems + dst, ei->refs, (size_t)ei->count * sizeof *ei->refs);
        }
        if (seg->mode != MOAT__SEG_PASSIVE) ei->count = 0; // elem.drop
    }
    bool imaged = moat__image_apply(inst, err);
    if (*err) return NULL;
    for (u32 i = 0; i < ir->ndatas; i++) {
        const struct moat__data *seg = &ir->datas[i];
        struct moat__data_inst *di = &inst->datas[i];
        if (seg->mode != MOAT__SEG_ACTIVE) continue;
        if (imaged) { // in bounds and written: only the data.drop is left
            di->len = 0;
            continue;
        }
        moat__slot off[2];
        if (!eval_const(inst, seg->offset_expr, off))
            return moat__trap_new(MOAT_TRAP_MEMORY_OUT_OF_BOUNDS);
        moat_memory *mem = inst->mems[seg->memory_index];
        u64 dst = (u32)off[0];
        if (dst > mem->size || di->len > mem->size - dst)
            return moat__trap_new(MOAT_TRAP_MEMORY_OUT_OF_BOUNDS);
        if (di->len) memcpy(mem->base + dst, di->bytes, di->len);
        di->len = 0; // data.drop
    }
    if (ir->has_start) return call_start(inst->funcs[ir->start_func]);
    return NULL;
}

moat_error *moat_instance_new(moat_store *store, const moat_module *module,
                              const moat_extern *imports, size_t nimports, moat_instance **out,
                              moat_trap **trap) {
    *trap = NULL;
    const struct moat__module_ir *ir = module->ir;
    if (module->engine != store->engine)
        return moat__error_new(MOAT_ERROR_API, MOAT_NO_OFFSET,
                               "module and store belong to different engines");
    if (nimports != ir->nimports)
        return moat__error_new(MOAT_ERROR_UNLINKABLE, MOAT_NO_OFFSET,
                               "module needs %u imports, %zu were given", ir->nimports, nimports);
    for (u32 i = 0; i < ir->nimports; i++) {
        const char *why = import_mismatch(module, &ir->imports[i], &imports[i]);
        if (!why && import_store(&imports[i]) != store) why = "it belongs to another store";
        if (why) return moat__import_error(module, i, "incompatible import type", why);
    }
    moat_instance *inst = calloc(1, sizeof *inst);
    if (!inst) return moat__error_oom();
    inst->store = store;
    inst->module = (moat_module *)module;
    inst->ir = ir;
    moat__module_retain(inst->module);
    if (!moat__store_track(store, inst, MOAT__OBJ_INSTANCE)) {
        moat__module_release(inst->module);
        free(inst);
        return moat__error_oom();
    }
    moat_error *err = build(inst, imports);
    if (err) return err;
    *trap = initialize(inst, &err);
    if (err || *trap) return err;
    *out = inst;
    return NULL;
}

bool moat_instance_export_get(moat_instance *instance, moat_name name, moat_extern *out) {
    const struct moat__module_ir *ir = instance->ir;
    for (u32 i = 0; i < ir->nexports; i++) {
        const struct moat__name *n = &ir->exports[i].name;
        if (n->len == name.len && memcmp(n->data, name.data, name.len) == 0) {
            *out = instance->exports[i];
            return true;
        }
    }
    return false;
}

size_t moat_instance_export_count(const moat_instance *instance) {
    return instance->ir->nexports;
}

void moat_instance_export_nth(moat_instance *instance, size_t i, moat_name *out_name,
                              moat_extern *out) {
    const struct moat__name *n = &instance->ir->exports[i].name;
    out_name->data = n->data;
    out_name->len = n->len;
    *out = instance->exports[i];
}

const moat_module *moat_instance_module(const moat_instance *instance) {
    return instance->module;
}
