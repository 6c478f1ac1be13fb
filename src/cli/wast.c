// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// `moat wast [OPTIONS] FILE.wast|FILE.json...`: runs spec scripts, read natively
// (wast_text.c) or as converted by wabt's wast2json.
// Each file gets a fresh store and linker holding `spectest`; the engine is shared. The
// last line of output is always the totals, "N passed, N failed[, N skipped]", and the
// exit status is 0 exactly when nothing failed.
#include "wast.h"

#include <stdlib.h>
#include <string.h>

static const char wast_help_head[] =
    "Usage: moat wast [OPTIONS] FILE.wast|FILE.json...\n"
    "\n"
    "Runs WebAssembly spec test scripts: .wast files, read directly, or the JSON form\n"
    "written by wabt's wast2json (the modules they name are read from beside each JSON\n"
    "file; its .wat modules are converted by moat's text parser). Supported commands:\n"
    "module, register, action, assert_return (NaN patterns included), assert_trap,\n"
    "assert_exhaustion, assert_invalid, assert_malformed, assert_unlinkable and\n"
    "assert_uninstantiable. The `spectest` host module is provided.\n"
    "\n"
    "Each failure prints `FILE:LINE: COMMAND: what differed`. The last line is the totals\n"
    "over all files: `N passed, N failed` and `, N skipped` when some were skipped.\n"
    "Assertions count once each; module, register and action commands count only when\n"
    "they fail. A .wast command that cannot be read stops its script (counted failed).\n"
    "\n"
    "Options:\n"
    "  -v, --verbose             also print a summary line per file, skipped commands, and\n"
    "                            a note when an expected error's text differs from moat's\n";
static const char wast_help_tail[] =
    "  -h, --help                print this help and exit\n"
    "\n"
    "Exit status: 0 if no command failed, 1 if any failed, 2 on a usage error.\n";

// Runs every command of one script, adding to *total.
static void run_script(moat_engine *engine, const char *path, bool verbose, wast_counts *total) {
    const char *slash = strrchr(path, '/');
    char *dir = strndup(path, slash ? (size_t)(slash - path + 1) : 0);
    wast_script s = {
        .label = slash ? slash + 1 : path,
        .dir = dir ? dir : "",
        .verbose = verbose,
        .engine = engine,
        .type = "script",
    };
    size_t path_len = strlen(path);
    bool is_json = path_len >= 5 && !strcmp(path + path_len - 5, ".json");
    json_error_t jerr;
    json_t *root = is_json ? json_load_file(path, JSON_ALLOW_NUL, &jerr) : NULL;
    const json_t *commands = json_object_get(root, "commands");
    s.store = moat_store_new(engine);
    s.linker = moat_linker_new(engine);
    moat_error *err = NULL;
    if (is_json && !root) {
        if (jerr.line > 0)
            printf("%s:%d: cannot read the script: %s\n", path, jerr.line, jerr.text);
        else
            printf("%s: cannot read the script: %s\n", path, jerr.text);
        s.counts.failed++;
    } else if (is_json && !json_is_array(commands)) {
        printf("%s: not a wast2json script (no \"commands\" array)\n", path);
        s.counts.failed++;
    } else if (!s.store || !s.linker) {
        printf("%s: out of memory\n", path);
        s.counts.failed++;
    } else if ((err = wast_spectest_define(s.store, s.linker))) {
        printf("%s: cannot create the spectest module: %s\n", path, moat_error_message(err));
        moat_error_delete(err);
        s.counts.failed++;
    } else if (!is_json) {
        if (!wast_run_text_script(&s, path)) s.counts.failed++;
    } else {
        for (size_t i = 0; i < json_array_size(commands); i++) {
            wast_run_command(&s, json_array_get(commands, i));
            fflush(stdout);
        }
    }
    if (verbose) {
        printf("%s: %u passed, %u failed", path, s.counts.passed, s.counts.failed);
        printf(s.counts.skipped ? ", %u skipped\n" : "\n", s.counts.skipped);
    }
    total->passed += s.counts.passed;
    total->failed += s.counts.failed;
    total->skipped += s.counts.skipped;
    wast_script_fini(&s);
    moat_linker_delete(s.linker);
    moat_store_delete(s.store);
    json_decref(root);
    free(dir);
}

int cli_wast_main(int argc, char **argv) {
    cli_engine_opts engine_opts = {0};
    bool verbose = false;
    int i = 1;
    while (i < argc && argv[i][0] == '-' && argv[i][1]) {
        const char *arg = argv[i];
        int r = cli_engine_opt_parse("wast", false, argc, argv, &i, &engine_opts);
        if (r < 0) return CLI_EXIT_USAGE;
        if (r > 0) continue;
        i++;
        if (!strcmp(arg, "--")) break;
        if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
            cli_help_print(wast_help_head, false, wast_help_tail);
            return CLI_EXIT_OK;
        }
        if (strcmp(arg, "-v") && strcmp(arg, "--verbose"))
            return cli_usage_error("wast", "unknown option '%s'", arg);
        verbose = true;
    }
    if (i >= argc) return cli_usage_error("wast", "missing the script file (FILE.wast)");
    moat_engine *engine = cli_engine_new(&engine_opts);
    if (!engine) return CLI_EXIT_FAIL;
    wast_counts total = {0};
    for (; i < argc; i++)
        run_script(engine, argv[i], verbose, &total);
    moat_engine_delete(engine);
    printf("%u passed, %u failed", total.passed, total.failed);
    printf(total.skipped ? ", %u skipped\n" : "\n", total.skipped);
    return total.failed ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}
