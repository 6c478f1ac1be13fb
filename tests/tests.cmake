# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# Every test ctest runs (included by CMakeLists.txt): C unit tests, the spec suite over
# ${MOAT_SPEC_DIR}, the CLI scripts in tests/cli/ and the fuzz corpus replay. Labels:
# unit, spec, spec-summary, cli, fuzz. docs/testing.md describes them.

# --- unit tests: tests/unit/test_*.c, one executable and one process each -------------
file(GLOB MOAT_UNIT_TESTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/unit/test_*.c)
foreach(src IN LISTS MOAT_UNIT_TESTS)
  get_filename_component(name ${src} NAME_WE)
  add_executable(${name} ${src})
  target_include_directories(${name} PRIVATE ${CMAKE_SOURCE_DIR}/include ${CMAKE_SOURCE_DIR}/src)
  target_compile_options(${name} PRIVATE ${MOAT_WARNINGS})
  target_link_libraries(${name} PRIVATE moat_static)
  add_test(NAME unit.${name} COMMAND ${name}
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}/tests/unit)
  set_tests_properties(unit.${name} PROPERTIES TIMEOUT 120 LABELS unit)
endforeach()

# --- spec suite: one test per WebAssembly 2.0 core script -------------------------------
# Skip list (one line per entry, reason beside it; docs/testing.md repeats it):
set(MOAT_SPEC_SKIP_REGEX "^$") # nothing: every script of the 2.0 core suite runs
set(MOAT_SPEC_CORE ${MOAT_SPEC_DIR}/json/core)
set(MOAT_SPEC_WAST ${MOAT_SPEC_DIR}/core)
set(MOAT_SPEC_SCRIPTS "")
set(MOAT_SPEC_JSON "")
if(IS_DIRECTORY ${MOAT_SPEC_CORE} AND IS_DIRECTORY ${MOAT_SPEC_WAST})
  # The .wast scripts go through moat's own text parser (issue 5); the wast2json JSON
  # form stays covered by one run of all of it (spec.core.all-json).
  file(GLOB spec_dirs LIST_DIRECTORIES true ${MOAT_SPEC_CORE}/*)
  list(SORT spec_dirs)
  foreach(dir IN LISTS spec_dirs)
    get_filename_component(name ${dir} NAME)
    if(NOT IS_DIRECTORY ${dir} OR name MATCHES "${MOAT_SPEC_SKIP_REGEX}")
      continue()
    endif()
    list(APPEND MOAT_SPEC_SCRIPTS ${MOAT_SPEC_WAST}/${name}.wast)
    list(APPEND MOAT_SPEC_JSON ${dir}/${name}.json)
    add_test(NAME spec.core.${name} COMMAND moat wast ${MOAT_SPEC_WAST}/${name}.wast)
    set_tests_properties(spec.core.${name} PROPERTIES TIMEOUT 600 LABELS spec)
  endforeach()
  add_test(NAME spec.core.all-json COMMAND moat wast ${MOAT_SPEC_JSON})
  set_tests_properties(spec.core.all-json PROPERTIES TIMEOUT 900 LABELS spec)
  # The explicit-bounds-check memory mode over the whole suite, in one run.
  add_test(NAME spec.core.all-bounds-checks COMMAND moat wast --bounds-checks ${MOAT_SPEC_SCRIPTS})
  set_tests_properties(spec.core.all-bounds-checks PROPERTIES TIMEOUT 900 LABELS spec)
  # All scripts in one run, so that the last line is the suite's totals. Not a ctest
  # of its own (it would run the suite twice): `cmake --build B --target spec-summary`.
  add_custom_target(spec-summary
    COMMAND moat wast ${MOAT_SPEC_SCRIPTS}
    DEPENDS moat
    COMMENT "moat wast: every script of ${MOAT_SPEC_CORE}"
    USES_TERMINAL VERBATIM)
  # Relaxed SIMD (WebAssembly 3.0), behind its feature switch: the 7 *relaxed* scripts.
  file(GLOB relaxed_dirs LIST_DIRECTORIES true ${MOAT_SPEC_DIR}/json/proposals/wasm-3.0/*relaxed*)
  foreach(dir IN LISTS relaxed_dirs)
    get_filename_component(name ${dir} NAME)
    add_test(NAME spec.relaxed.${name} COMMAND moat wast -W relaxed-simd=y ${dir}/${name}.json)
    set_tests_properties(spec.relaxed.${name} PROPERTIES TIMEOUT 120 LABELS spec)
  endforeach()
else()
  # Fail loudly rather than pass an empty suite.
  message(WARNING "spec testsuite not found at ${MOAT_SPEC_CORE} (set -DMOAT_SPEC_DIR=...)")
  add_test(NAME spec.missing COMMAND sh -c "echo 'spec testsuite not found at $0'; exit 1"
           ${MOAT_SPEC_CORE})
  set_tests_properties(spec.missing PROPERTIES LABELS spec)
endif()

# --- the interpreter's fused handlers and near misses, in both memory modes ------------
add_test(NAME interp.fused COMMAND moat wast ${CMAKE_SOURCE_DIR}/tests/wast/interp_fused.wast)
add_test(NAME interp.fused-bounds-checks
         COMMAND moat wast --bounds-checks ${CMAKE_SOURCE_DIR}/tests/wast/interp_fused.wast)
set_tests_properties(interp.fused interp.fused-bounds-checks PROPERTIES LABELS interp)

# --- text format: every spec module wabt's wat2wasm accepts gives the same binary -----
find_package(Python3 COMPONENTS Interpreter QUIET)
if(Python3_FOUND AND IS_DIRECTORY ${MOAT_SPEC_DIR}/core)
  add_test(NAME text.differential
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/text/differential.py
                   $<TARGET_FILE:moat> ${MOAT_SPEC_DIR}/core ${CMAKE_BINARY_DIR}/text-differential)
  set_tests_properties(text.differential PROPERTIES TIMEOUT 900 LABELS text SKIP_RETURN_CODE 77)
endif()

# --- CLI: tests/cli/*.sh, each run as `sh SCRIPT MOAT_BINARY SOURCE_DIR` -----------------
file(GLOB MOAT_CLI_TESTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/cli/*.sh)
list(FILTER MOAT_CLI_TESTS EXCLUDE REGEX "/lib\\.sh$")
foreach(script IN LISTS MOAT_CLI_TESTS)
  get_filename_component(name ${script} NAME_WE)
  add_test(NAME cli.${name} COMMAND sh ${script} $<TARGET_FILE:moat> ${CMAKE_SOURCE_DIR})
  set_tests_properties(cli.${name} PROPERTIES TIMEOUT 120 LABELS cli)
endforeach()

# --- formatting: `format` rewrites, `format-check` is what CI runs ---------------------
find_program(MOAT_CLANG_FORMAT clang-format-19)
if(MOAT_CLANG_FORMAT)
  set(tracked_c "git ls-files -z '*.c' '*.h' | xargs -0 ${MOAT_CLANG_FORMAT}")
  add_custom_target(format COMMAND sh -c "${tracked_c} -i"
                    WORKING_DIRECTORY ${CMAKE_SOURCE_DIR} VERBATIM)
  add_custom_target(format-check COMMAND sh -c "${tracked_c} --dry-run --Werror"
                    WORKING_DIRECTORY ${CMAKE_SOURCE_DIR} VERBATIM)
endif()

# --- fuzzing: the libFuzzer target and the corpus replay --------------------------------
include(${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz.cmake)

# --- WASI: guests compiled at test time, run through `moat run` (label wasi) ------------
include(${CMAKE_SOURCE_DIR}/tests/wasi/wasi.cmake)

# --- embedding: tests against moat.h and libmoat.so only, and the install test ---------
include(${CMAKE_SOURCE_DIR}/tests/embed/embed.cmake)
