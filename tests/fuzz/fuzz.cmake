# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# Fuzzing (included by tests/tests.cmake), one target per entry point:
#   load  bytes -> decode + validate -> instantiate -> call exports (fuzz_load.c)
#   text  bytes -> moat_wat2wasm -> decode + validate; moat_wast_parse (fuzz_text.c)
# Always: fuzz_<t>_replay, the entry as an ordinary program, and a ctest replaying
# tests/fuzz/corpus/<t>/. With -DMOAT_FUZZ=ON (clang): the libFuzzer binaries fuzz_<t>,
# the library built with coverage + ASan + UBSan, and a `fuzz` target running
# tests/fuzz/run.sh for FUZZ_SECONDS per entry point.

set(MOAT_FUZZ_TARGETS load text)
foreach(t IN LISTS MOAT_FUZZ_TARGETS)
  add_executable(fuzz_${t}_replay ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_${t}.c
                 ${CMAKE_SOURCE_DIR}/tests/fuzz/replay_main.c)
  target_compile_options(fuzz_${t}_replay PRIVATE ${MOAT_WARNINGS})
  target_link_libraries(fuzz_${t}_replay PRIVATE moat_static)
  add_test(NAME fuzz.replay.${t} COMMAND fuzz_${t}_replay ${CMAKE_SOURCE_DIR}/tests/fuzz/corpus/${t})
  set_tests_properties(fuzz.replay.${t} PROPERTIES TIMEOUT 300 LABELS fuzz)
endforeach()

if(MOAT_FUZZ)
  if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "MOAT_FUZZ=ON needs clang (e.g. -DCMAKE_C_COMPILER=clang-19)")
  endif()
  set(MOAT_FUZZ_SANITIZERS -fsanitize=address,undefined -fno-sanitize-recover=all
      -fno-omit-frame-pointer)
  # Coverage feedback from the library, sanitizer runtimes for everything linking it.
  target_compile_options(moat_obj PRIVATE -fsanitize=fuzzer-no-link ${MOAT_FUZZ_SANITIZERS})
  target_link_options(moat_static INTERFACE -fsanitize=address,undefined)

  set(FUZZ_SECONDS 60 CACHE STRING "How long `cmake --build B --target fuzz` fuzzes each entry")
  set(fuzz_commands "")
  foreach(t IN LISTS MOAT_FUZZ_TARGETS)
    add_executable(fuzz_${t} ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_${t}.c)
    target_compile_options(fuzz_${t} PRIVATE ${MOAT_WARNINGS} -fsanitize=fuzzer
                           ${MOAT_FUZZ_SANITIZERS})
    target_link_options(fuzz_${t} PRIVATE -fsanitize=fuzzer,address,undefined)
    target_link_libraries(fuzz_${t} PRIVATE moat_static)
    list(APPEND fuzz_commands
         COMMAND ${CMAKE_COMMAND} -E env FUZZ_BIN=$<TARGET_FILE:fuzz_${t}>
                 MOAT_SPEC_DIR=${MOAT_SPEC_DIR} FUZZ_WORK=${CMAKE_BINARY_DIR}/fuzz-work/${t}
                 ${CMAKE_SOURCE_DIR}/tests/fuzz/run.sh ${FUZZ_SECONDS} ${t})
  endforeach()
  add_custom_target(fuzz ${fuzz_commands} DEPENDS fuzz_load fuzz_text USES_TERMINAL VERBATIM)
endif()
