// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// .wast scripts read natively (moat_wast_parse): each command is turned into the JSON
// object wast2json would have written, so that one command interpreter
// (wast_commands.c) serves both forms; its module comes from memory, not a file.
#include "wast.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static json_t *bits_string(uint64_t bits) {
    char buf[24];
    snprintf(buf, sizeof buf, "%" PRIu64, bits);
    return json_string(buf);
}

static const char *match_name(uint8_t match) {
    return match == MOAT_WAST_MATCH_NAN_CANONICAL ? "nan:canonical" : "nan:arithmetic";
}

static json_t *value_json(const moat_wast_value *v) {
    json_t *obj = json_object();
    json_object_set_new(obj, "type", json_string(cli_valkind_name(v->kind)));
    if (v->kind == MOAT_V128) {
        char lane_type[8];
        snprintf(lane_type, sizeof lane_type, "%c%u", v->lane_float ? 'f' : 'i', v->lane_bits);
        json_object_set_new(obj, "lane_type", json_string(lane_type));
        json_t *lanes = json_array();
        unsigned bytes = v->lane_bits / 8;
        for (unsigned i = 0; i < 16 / bytes; i++) {
            uint64_t lane = 0;
            for (unsigned b = 0; b < bytes; b++)
                lane |= (uint64_t)v->v128[i * bytes + b] << (8 * b);
            json_array_append_new(lanes, v->match[i] ? json_string(match_name(v->match[i]))
                                                     : bits_string(lane));
        }
        json_object_set_new(obj, "value", lanes);
    } else if (v->match[0] == MOAT_WAST_MATCH_NONNULL) {
        // no value: any non-null reference
    } else if (v->kind == MOAT_FUNCREF || v->kind == MOAT_EXTERNREF) {
        json_object_set_new(obj, "value", v->is_null ? json_string("null") : bits_string(v->bits));
    } else {
        json_object_set_new(obj, "value",
                            v->match[0] ? json_string(match_name(v->match[0]))
                                        : bits_string(v->bits));
    }
    return obj;
}

static json_t *values_json(const moat_wast_value *vals, size_t n) {
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, value_json(&vals[i]));
    return arr;
}

static const char *const kind_names[] = {
    [MOAT_WAST_MODULE] = "module",
    [MOAT_WAST_REGISTER] = "register",
    [MOAT_WAST_ACTION] = "action",
    [MOAT_WAST_ASSERT_RETURN] = "assert_return",
    [MOAT_WAST_ASSERT_TRAP] = "assert_trap",
    [MOAT_WAST_ASSERT_EXHAUSTION] = "assert_exhaustion",
    [MOAT_WAST_ASSERT_INVALID] = "assert_invalid",
    [MOAT_WAST_ASSERT_MALFORMED] = "assert_malformed",
    [MOAT_WAST_ASSERT_UNLINKABLE] = "assert_unlinkable",
    [MOAT_WAST_ASSERT_UNINSTANTIABLE] = "assert_uninstantiable",
};

// The wast2json object for one command.
static json_t *command_json(const moat_wast_command *c) {
    json_t *obj = json_object();
    json_object_set_new(obj, "type", json_string(kind_names[c->kind]));
    json_object_set_new(obj, "line", json_integer(c->line));
    if (c->module || c->module_error || c->quote) {
        char filename[40];
        snprintf(filename, sizeof filename, "module at line %u", c->line);
        json_object_set_new(obj, "filename", json_string(filename));
        json_object_set_new(obj, "module_type", json_string(c->quote ? "text" : "binary"));
    }
    if (c->kind == MOAT_WAST_MODULE || c->kind == MOAT_WAST_REGISTER) {
        if (c->module_name) json_object_set_new(obj, "name", json_string(c->module_name));
        if (c->register_as) json_object_set_new(obj, "as", json_string(c->register_as));
    } else if (c->field.data) {
        json_t *action = json_object();
        json_object_set_new(action, "type", json_string(c->is_get ? "get" : "invoke"));
        if (c->module_name) json_object_set_new(action, "module", json_string(c->module_name));
        json_object_set_new(action, "field", json_stringn(c->field.data, c->field.len));
        json_object_set_new(action, "args", values_json(c->args, c->nargs));
        json_object_set_new(obj, "action", action);
    }
    if (c->kind == MOAT_WAST_ASSERT_RETURN)
        json_object_set_new(obj, "expected", values_json(c->results, c->nresults));
    if (c->text) json_object_set_new(obj, "text", json_string(c->text));
    return obj;
}

bool wast_run_text_script(wast_script *s, const char *path) {
    uint8_t *text;
    size_t len;
    if (!cli_read_file(path, &text, &len)) return false;
    moat_wast *script = NULL;
    moat_error *err = moat_wast_parse((const char *)text, len, path, &script);
    free(text);
    if (err) {
        printf("%s\n", moat_error_message(err));
        moat_error_delete(err);
        return false;
    }
    for (size_t i = 0; i < moat_wast_command_count(script); i++) {
        const moat_wast_command *c = moat_wast_command_at(script, i);
        json_t *cmd = command_json(c);
        s->wast_cmd = c;
        wast_run_command(s, cmd);
        s->wast_cmd = NULL;
        json_decref(cmd);
        fflush(stdout);
    }
    moat_wast_delete(script);
    return true;
}
