// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// libFuzzer entry for the text format: arbitrary bytes -> moat_wat2wasm, and when that
// succeeds, the binary through moat_module_new (decode + validate: the text encoder must
// never emit bytes the decoder trips over). The same bytes also go through
// moat_wast_parse as a script. Built as fuzz_text (libFuzzer) and fuzz_text_replay (ctest
// replays corpus/text/).
#include "moat.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static moat_engine *shared_engine(void) {
    static moat_engine *engine;
    if (!engine && moat_engine_new(NULL, &engine)) abort();
    return engine;
}

// Every refusal must carry a message.
static void check_error(moat_error *err) {
    if (!moat_error_message(err) || !*moat_error_message(err)) abort();
    moat_error_delete(err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *text = (const char *)data;
    moat_byte_vec wasm = {0};
    moat_error *err = moat_wat2wasm(text, size, "fuzz.wat", &wasm);
    if (err) {
        check_error(err);
    } else {
        moat_module *module = NULL;
        err = moat_module_new(shared_engine(), wasm.data, wasm.size, &module);
        if (err) {
            // Validation may refuse what the parser accepted; decoding must not.
            if (moat_error_kind_get(err) == MOAT_ERROR_MALFORMED) abort();
            check_error(err);
        }
        moat_module_delete(module);
        moat_byte_vec_delete(&wasm);
    }
    moat_wast *script = NULL;
    err = moat_wast_parse(text, size, "fuzz.wast", &script);
    if (err) check_error(err);
    for (size_t i = 0; script && i < moat_wast_command_count(script); i++)
        moat_wast_command_at(script, i);
    moat_wast_delete(script);
    return 0;
}
