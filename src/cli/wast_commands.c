// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// The commands of a wast2json script. Counting rule (docs/testing.md): each assert_*
// command counts once as passed, failed or skipped; module, register and action commands
// count only when they fail. Traps must carry the expected text; load and link errors
// only need to happen (a different text is a note under -v), because their wording is
// the reference interpreter's and engines differ.
#include "wast.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

// Starts a failure line "FILE:LINE: TYPE: " on stdout; the caller prints the rest and
// ends the line.
static void fail_begin(wast_script *s) {
    s->counts.failed++;
    printf("%s:%ld: %s: ", s->label, s->line, s->type);
}

static void fail(wast_script *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(wast_script *s, const char *fmt, ...) {
    fail_begin(s);
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
}

static void note_text(wast_script *s, const char *want, const char *got) {
    if (s->verbose && want && !strstr(got, want))
        printf("%s:%ld: %s: note: message differs: expected \"%s\", got \"%s\"\n", s->label,
               s->line, s->type, want, got);
}

static const char *str_field(const json_t *obj, const char *key) {
    return json_string_value(json_object_get(obj, key));
}

// ---------------------------------------------------------------------------------------
// Modules and instances

static wast_named *find_named(wast_script *s, const char *name) {
    for (size_t i = s->nnamed; i-- > 0;)
        if (!strcmp(s->named[i].name, name)) return &s->named[i];
    return NULL;
}

static void set_named(wast_script *s, const char *name, moat_instance *instance) {
    wast_named *slot = find_named(s, name);
    if (!slot && s->nnamed == s->cap_named) {
        size_t cap = s->cap_named ? s->cap_named * 2 : 8;
        wast_named *bigger = realloc(s->named, cap * sizeof *bigger);
        if (!bigger) return; // out of memory: later uses of the name fail as unknown
        s->named = bigger;
        s->cap_named = cap;
    }
    if (!slot) {
        char *copy = strdup(name);
        if (!copy) return;
        slot = &s->named[s->nnamed++];
        slot->name = copy;
    }
    slot->instance = instance;
}

void wast_script_fini(wast_script *s) {
    for (size_t i = 0; i < s->nnamed; i++)
        free(s->named[i].name);
    free(s->named);
    s->named = NULL;
    s->nnamed = s->cap_named = 0;
}

// The instance a command refers to: `name` (a "$M" name) or the current one. Reports a
// failure and returns NULL if there is none.
static moat_instance *target_instance(wast_script *s, const char *name) {
    if (name) {
        wast_named *named = find_named(s, name);
        if (!named)
            fail(s, "unknown module %s", name);
        else if (!named->instance)
            fail(s, "module %s failed to load earlier", name);
        return named ? named->instance : NULL;
    }
    if (!s->current)
        fail(s, s->current_failed ? "the module failed to load earlier" : "no module loaded");
    return s->current;
}

static bool has_suffix(const char *s, const char *suffix) {
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcmp(s + n - m, suffix);
}

// Converts a text module; on failure *out_err is the parser's error.
static bool from_text(wast_script *s, const char *text, size_t len, uint8_t **out, size_t *size,
                      moat_error **out_err) {
    char name[64];
    snprintf(name, sizeof name, "%s:%ld", s->label, s->line);
    moat_byte_vec wasm = {0};
    *out_err = moat_wat2wasm(text, len, name, &wasm);
    *out = wasm.data;
    *size = wasm.size;
    return !*out_err;
}

// The command's module as a binary (*out_owned says if the caller frees it): from memory
// for .wast scripts, else from the file beside the JSON, converting text (`module quote`
// and the .wat files of wast2json) with moat_wat2wasm. A conversion error is *out_err.
static bool module_binary(wast_script *s, const json_t *cmd, uint8_t **out, size_t *size,
                          bool *out_owned, moat_error **out_err) {
    const moat_wast_command *wc = s->wast_cmd;
    *out_owned = true;
    if (wc && wc->module) {
        *out = (uint8_t *)wc->module;
        *size = wc->module_size;
        *out_owned = false;
        return true;
    }
    if (wc && wc->quote) return from_text(s, wc->quote, wc->quote_size, out, size, out_err);
    if (wc) {
        fail(s, "%s", wc->module_error ? wc->module_error : "command has no module");
        return false;
    }
    const char *filename = str_field(cmd, "filename");
    if (!filename) {
        fail(s, "command has no module filename");
        return false;
    }
    size_t len = strlen(s->dir) + strlen(filename) + 1;
    char *path = malloc(len);
    uint8_t *bytes = NULL;
    size_t file_size = 0;
    bool ok = path && (snprintf(path, len, "%s%s", s->dir, filename), true)
              && cli_read_file(path, &bytes, &file_size);
    free(path);
    if (!ok) {
        fail(s, "cannot read module %s", filename);
        return false;
    }
    if (!has_suffix(filename, ".wat")) {
        *out = bytes;
        *size = file_size;
        return true;
    }
    ok = from_text(s, (const char *)bytes, file_size, out, size, out_err);
    free(bytes);
    return ok;
}

// Reads and decodes the command's module. On failure returns NULL and, when the module
// itself was refused (text or binary), its error in *out_err; other failures are
// reported here.
static moat_module *load_module(wast_script *s, const json_t *cmd, moat_error **out_err) {
    *out_err = NULL;
    uint8_t *bytes = NULL;
    size_t size = 0;
    bool owned;
    if (!module_binary(s, cmd, &bytes, &size, &owned, out_err)) return NULL;
    moat_module *module = NULL;
    *out_err = moat_module_new(s->engine, bytes, size, &module);
    if (owned) free(bytes);
    return module;
}

// Loads the command's module and instantiates it through the script's linker. Returns
// the instance, or NULL with *err or *trap set by the instantiation, or with neither set
// when loading failed (that failure is reported here).
static moat_instance *load_and_instantiate(wast_script *s, const json_t *cmd, moat_error **err,
                                           moat_trap **trap) {
    *trap = NULL;
    moat_module *module = load_module(s, cmd, err);
    if (*err) {
        fail(s, "cannot load %s: %s", str_field(cmd, "filename"), moat_error_message(*err));
        moat_error_delete(*err);
        *err = NULL;
    }
    if (!module) return NULL;
    moat_instance *instance = NULL;
    *err = moat_linker_instantiate(s->linker, s->store, module, &instance, trap);
    moat_module_delete(module);
    return *err || *trap ? NULL : instance;
}

static void cmd_module(wast_script *s, const json_t *cmd) {
    const char *name = str_field(cmd, "name");
    s->current = NULL;
    s->current_failed = true;
    if (name) set_named(s, name, NULL);
    moat_error *err;
    moat_trap *trap;
    moat_instance *instance = load_and_instantiate(s, cmd, &err, &trap);
    if (err) {
        fail(s, "cannot instantiate: %s", moat_error_message(err));
        moat_error_delete(err);
    } else if (trap) {
        fail(s, "instantiation trapped: %s", moat_trap_message(trap));
        moat_trap_delete(trap);
    }
    if (!instance) return;
    s->current = instance;
    s->current_failed = false;
    if (name) set_named(s, name, instance);
}

static void cmd_register(wast_script *s, const json_t *cmd) {
    const char *as = str_field(cmd, "as");
    moat_instance *instance = target_instance(s, str_field(cmd, "name"));
    if (!instance || !as) return;
    moat_error *err = moat_linker_define_instance(s->linker, moat_name_from(as), instance);
    if (err) {
        fail(s, "cannot register as \"%s\": %s", as, moat_error_message(err));
        moat_error_delete(err);
    }
}

// ---------------------------------------------------------------------------------------
// Actions

typedef struct outcome {
    moat_trap *trap; // own; set if the action trapped
    moat_val *vals;  // results when it did not
    size_t nvals;
} outcome;

static void outcome_fini(outcome *o) {
    moat_trap_delete(o->trap);
    free(o->vals);
}

// Prints "field(arg, arg)" or "get field" for failure messages.
static void print_action(const json_t *action) {
    const json_t *field = json_object_get(action, "field");
    moat_name name = {json_string_value(field), json_string_length(field)};
    const char *module = str_field(action, "module");
    bool is_get = !strcmp(str_field(action, "type") ? str_field(action, "type") : "", "get");
    printf("%s%s%s", is_get ? "get " : "", module ? module : "", module ? "." : "");
    if (name.data) cli_print_name(stdout, name);
    if (is_get) return;
    putchar('(');
    const json_t *args = json_object_get(action, "args");
    for (size_t i = 0; i < json_array_size(args); i++) {
        moat_val v;
        if (i) fputs(", ", stdout);
        if (wast_value_parse(json_array_get(args, i), &v))
            fputs("?", stdout);
        else
            cli_print_value(stdout, &v);
    }
    putchar(')');
}

static void fail_action(wast_script *s, const json_t *action, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fail_action(wast_script *s, const json_t *action, const char *fmt, ...) {
    fail_begin(s);
    print_action(action);
    fputs(": ", stdout);
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
}

static bool action_get(wast_script *s, const json_t *action, const moat_extern *ext, outcome *out) {
    if (ext->kind != MOAT_EXTERN_GLOBAL) {
        fail_action(s, action, "the export is not a global");
        return false;
    }
    out->vals = calloc(1, sizeof *out->vals);
    if (!out->vals) {
        fail_action(s, action, "out of memory");
        return false;
    }
    out->nvals = 1;
    moat_global_get(ext->of.global, out->vals);
    return true;
}

static bool action_invoke(wast_script *s, const json_t *action, const moat_extern *ext,
                          outcome *out) {
    if (ext->kind != MOAT_EXTERN_FUNC) {
        fail_action(s, action, "the export is not a function");
        return false;
    }
    const json_t *args = json_object_get(action, "args");
    size_t nargs = json_array_size(args);
    size_t nresults = moat_functype_result_count(moat_func_type(ext->of.func));
    moat_val *argv = calloc(nargs + 1, sizeof *argv);
    out->vals = calloc(nresults + 1, sizeof *out->vals);
    bool ok = argv && out->vals;
    if (!ok) fail_action(s, action, "out of memory");
    for (size_t i = 0; ok && i < nargs; i++) {
        const char *why = wast_value_parse(json_array_get(args, i), &argv[i]);
        if (why) {
            fail_action(s, action, "argument %zu: %s", i + 1, why);
            ok = false;
        }
    }
    if (ok) {
        out->nvals = nresults;
        moat_error *err =
            moat_func_call(s->store, ext->of.func, argv, nargs, out->vals, nresults, &out->trap);
        if (err) {
            fail_action(s, action, "cannot call: %s", moat_error_message(err));
            moat_error_delete(err);
            ok = false;
        }
    }
    free(argv);
    return ok;
}

// Runs the command's "action". Returns false after reporting a failure to run it at all
// (unknown module or export, bad arguments); a trap is an outcome, not a failure here.
static bool run_action(wast_script *s, const json_t *cmd, outcome *out) {
    memset(out, 0, sizeof *out);
    const json_t *action = json_object_get(cmd, "action");
    const char *type = str_field(action, "type");
    const json_t *field = json_object_get(action, "field");
    if (!type || !json_is_string(field)) {
        fail(s, "malformed action");
        return false;
    }
    moat_instance *instance = target_instance(s, str_field(action, "module"));
    if (!instance) return false;
    moat_name name = {json_string_value(field), json_string_length(field)};
    moat_extern ext;
    if (!moat_instance_export_get(instance, name, &ext)) {
        fail_action(s, action, "no such export");
        return false;
    }
    if (!strcmp(type, "get")) return action_get(s, action, &ext, out);
    if (!strcmp(type, "invoke")) return action_invoke(s, action, &ext, out);
    fail(s, "unknown action type \"%s\"", type);
    return false;
}

static void print_values(const moat_val *vals, size_t n) {
    if (n != 1) putchar('(');
    for (size_t i = 0; i < n; i++) {
        if (i) fputs(", ", stdout);
        wast_value_print(stdout, &vals[i]);
    }
    if (n != 1) putchar(')');
}

static void cmd_action(wast_script *s, const json_t *cmd) {
    outcome o;
    if (run_action(s, cmd, &o) && o.trap)
        fail_action(s, json_object_get(cmd, "action"), "trapped: %s", moat_trap_message(o.trap));
    outcome_fini(&o);
}

// Compares the results with "expected", or with any one of the "either" alternatives (a
// single value each, as the relaxed-SIMD scripts use them); returns false after
// reporting a difference.
static bool check_results(wast_script *s, const json_t *cmd, const outcome *o) {
    const json_t *action = json_object_get(cmd, "action");
    const json_t *expected = json_object_get(cmd, "expected");
    const json_t *either = json_object_get(cmd, "either");
    if (!expected && either && o->nvals == 1) {
        for (size_t i = 0; i < json_array_size(either); i++) {
            wast_expected alt;
            const char *why = wast_expected_parse(json_array_get(either, i), &alt);
            if (why) {
                fail_action(s, action, "either value %zu: %s", i + 1, why);
                return false;
            }
            if (wast_expected_matches(&alt, &o->vals[0])) return true;
        }
        expected = either; // report against the alternatives
    }
    size_t n = json_array_size(expected);
    wast_expected *want = calloc(n + 1, sizeof *want);
    for (size_t i = 0; want && i < n; i++) {
        const char *why = wast_expected_parse(json_array_get(expected, i), &want[i]);
        if (why) {
            fail_action(s, action, "expected value %zu: %s", i + 1, why);
            free(want);
            return false;
        }
    }
    bool ok = want && n == o->nvals;
    for (size_t i = 0; ok && i < n; i++)
        ok = wast_expected_matches(&want[i], &o->vals[i]);
    if (want && !ok) {
        fail_begin(s);
        print_action(action);
        fputs(n != 1 ? ": expected (" : ": expected ", stdout);
        for (size_t i = 0; i < n; i++) {
            fputs(i ? ", " : "", stdout);
            wast_expected_print(stdout, &want[i]);
        }
        fputs(n != 1 ? "), got " : ", got ", stdout);
        print_values(o->vals, o->nvals);
        putchar('\n');
        ok = false;
    } else if (!want) {
        fail_action(s, action, "out of memory");
    }
    free(want);
    return ok;
}

static void cmd_assert_return(wast_script *s, const json_t *cmd) {
    outcome o;
    if (!run_action(s, cmd, &o)) {
        outcome_fini(&o);
        return;
    }
    if (o.trap)
        fail_action(s, json_object_get(cmd, "action"), "expected results, got trap: %s",
                    moat_trap_message(o.trap));
    else if (check_results(s, cmd, &o))
        s->counts.passed++;
    outcome_fini(&o);
}

// assert_trap and assert_exhaustion: the action must trap with the expected text.
static void cmd_assert_trap(wast_script *s, const json_t *cmd) {
    outcome o;
    if (!run_action(s, cmd, &o)) {
        outcome_fini(&o);
        return;
    }
    const char *text = str_field(cmd, "text");
    const json_t *action = json_object_get(cmd, "action");
    if (!o.trap) {
        fail_begin(s);
        print_action(action);
        printf(": expected trap \"%s\", got ", text ? text : "");
        print_values(o.vals, o.nvals);
        putchar('\n');
    } else if (text && !strstr(moat_trap_message(o.trap), text)) {
        fail_action(s, action, "expected trap \"%s\", got trap \"%s\"", text,
                    moat_trap_message(o.trap));
    } else {
        s->counts.passed++;
    }
    outcome_fini(&o);
}

// ---------------------------------------------------------------------------------------
// Modules that must fail

// assert_invalid and assert_malformed: decoding + validation must fail.
static void cmd_assert_invalid(wast_script *s, const json_t *cmd) {
    const char *text = str_field(cmd, "text");
    moat_error *err;
    moat_module *module = load_module(s, cmd, &err);
    if (module) {
        fail(s, "%s loaded, expected \"%s\"", str_field(cmd, "filename"), text ? text : "");
        moat_module_delete(module);
        return;
    }
    if (!err) return; // unreadable file, already reported
    note_text(s, text, moat_error_message(err));
    moat_error_delete(err);
    s->counts.passed++;
}

// assert_unlinkable (an error) and assert_uninstantiable (a trap): the module loads, and
// instantiating it must fail in that way.
static void cmd_assert_instantiate_fails(wast_script *s, const json_t *cmd, bool want_trap) {
    const char *text = str_field(cmd, "text");
    moat_error *err;
    moat_trap *trap;
    moat_instance *instance = load_and_instantiate(s, cmd, &err, &trap);
    if (!instance && !err && !trap) return; // could not load, reported
    if (instance)
        fail(s, "instantiated, expected \"%s\"", text ? text : "");
    else if (want_trap && err)
        fail(s, "expected trap \"%s\", got error: %s", text ? text : "", moat_error_message(err));
    else if (!want_trap && trap)
        fail(s, "expected link error \"%s\", got trap: %s", text ? text : "",
             moat_trap_message(trap));
    else if (trap && text && !strstr(moat_trap_message(trap), text))
        fail(s, "expected trap \"%s\", got trap \"%s\"", text, moat_trap_message(trap));
    else {
        if (err) note_text(s, text, moat_error_message(err));
        s->counts.passed++;
    }
    moat_error_delete(err);
    moat_trap_delete(trap);
}

void wast_run_command(wast_script *s, const json_t *cmd) {
    const char *type = str_field(cmd, "type");
    s->type = type ? type : "?";
    s->line = (long)json_integer_value(json_object_get(cmd, "line"));
    if (!type)
        fail(s, "command without a type");
    else if (!strcmp(type, "module"))
        cmd_module(s, cmd);
    else if (!strcmp(type, "register"))
        cmd_register(s, cmd);
    else if (!strcmp(type, "action"))
        cmd_action(s, cmd);
    else if (!strcmp(type, "assert_return"))
        cmd_assert_return(s, cmd);
    else if (!strcmp(type, "assert_trap") || !strcmp(type, "assert_exhaustion"))
        cmd_assert_trap(s, cmd);
    else if (!strcmp(type, "assert_invalid") || !strcmp(type, "assert_malformed"))
        cmd_assert_invalid(s, cmd);
    else if (!strcmp(type, "assert_unlinkable"))
        cmd_assert_instantiate_fails(s, cmd, false);
    else if (!strcmp(type, "assert_uninstantiable"))
        cmd_assert_instantiate_fails(s, cmd, true);
    else
        fail(s, "command type not supported");
}
