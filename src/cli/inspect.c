// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// `moat inspect FILE.wasm`: what a module is made of, from the public API only: its
// sections (offset and payload size), imports and exports with their types, and the
// functions with their types and names from the name section.
#include "cli.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static const char inspect_help[] =
    "Usage: moat inspect [OPTIONS] FILE.wasm\n"
    "\n"
    "Decodes and validates FILE.wasm and lists its sections (offset of the section id\n"
    "byte, payload size), imports and exports with their types, e.g.\n"
    "`func (i32, i32) -> (i32)`, and every function with its type and its name from the\n"
    "name section.\n"
    "\n"
    "Options:\n"
    "  -h, --help   print this help and exit\n"
    "\n"
    "Exit status: 0 on success, 1 if the module cannot be read, decoded or validated, 2 on\n"
    "a usage error.\n";

static void print_sections(const moat_module *module) {
    size_t n = moat_module_section_count(module);
    printf("sections: %zu\n", n);
    for (size_t i = 0; i < n; i++) {
        moat_section_info s;
        moat_module_section(module, i, &s);
        printf("  %2u %-9s offset %#8" PRIx64 "  size %" PRIu64, s.id, s.name, s.offset, s.size);
        if (s.id == 0) {
            fputs("  \"", stdout);
            cli_print_name(stdout, s.custom_name);
            fputc('"', stdout);
        }
        fputc('\n', stdout);
    }
}

// Prints "  [MODULE.]NAME: TYPE".
static void print_extern(const moat_name *module, moat_name name, const moat_externtype *type) {
    fputs("  ", stdout);
    if (module) {
        cli_print_name(stdout, *module);
        fputc('.', stdout);
    }
    cli_print_name(stdout, name);
    fputs(": ", stdout);
    cli_print_externtype(stdout, type);
    fputc('\n', stdout);
}

static void print_imports_exports(const moat_module *module) {
    size_t n = moat_module_import_count(module);
    printf("imports: %zu\n", n);
    for (size_t i = 0; i < n; i++) {
        moat_name mod, name;
        moat_externtype type;
        moat_module_import(module, i, &mod, &name, &type);
        print_extern(&mod, name, &type);
    }
    n = moat_module_export_count(module);
    printf("exports: %zu\n", n);
    for (size_t i = 0; i < n; i++) {
        moat_name name;
        moat_externtype type;
        moat_module_export(module, i, &name, &type);
        print_extern(NULL, name, &type);
    }
}

static void print_functions(const moat_module *module) {
    uint32_t n = moat_module_func_count(module);
    uint32_t nimported = moat_module_func_import_count(module);
    printf("functions: %" PRIu32 " (%" PRIu32 " imported, %" PRIu32 " defined)\n", n, nimported,
           n - nimported);
    for (uint32_t i = 0; i < n; i++) {
        printf("  %" PRIu32 "%s: ", i, i < nimported ? " (import)" : "");
        moat_name name;
        if (moat_module_func_name(module, i, &name)) {
            cli_print_name(stdout, name);
            fputc(' ', stdout);
        }
        cli_print_functype(stdout, moat_module_func_type(module, i));
        fputc('\n', stdout);
    }
}

static int inspect_file(const char *path) {
    uint8_t *bytes;
    size_t len;
    if (!cli_read_file(path, &bytes, &len)) return CLI_EXIT_FAIL;
    cli_engine_opts defaults = {0};
    moat_engine *engine = cli_engine_new(&defaults);
    moat_module *module = NULL;
    moat_error *err = engine ? moat_module_new(engine, bytes, len, &module) : NULL;
    int status = CLI_EXIT_FAIL;
    if (err) {
        cli_report_load_error(path, bytes, len, err);
    } else if (module) {
        printf("%s: %zu bytes", path, len);
        moat_name mod_name;
        if (moat_module_name(module, &mod_name)) {
            fputs(", module name \"", stdout);
            cli_print_name(stdout, mod_name);
            fputc('"', stdout);
        }
        fputc('\n', stdout);
        print_sections(module);
        print_imports_exports(module);
        print_functions(module);
        status = CLI_EXIT_OK;
    }
    moat_module_delete(module);
    moat_engine_delete(engine);
    free(bytes);
    return status;
}

int cli_inspect_main(int argc, char **argv) {
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
            fputs(inspect_help, stdout);
            return CLI_EXIT_OK;
        }
        if (arg[0] == '-' && arg[1]) return cli_usage_error("inspect", "unknown option '%s'", arg);
        if (path)
            return cli_usage_error("inspect", "expects one module file, got '%s' and '%s'", path,
                                   arg);
        path = arg;
    }
    if (!path) return cli_usage_error("inspect", "missing the module file (FILE.wasm)");
    return inspect_file(path);
}
