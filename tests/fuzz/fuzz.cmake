# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# Fuzzing (included by tests/tests.cmake). Always: fuzz_replay, the fuzz entry as an
# ordinary program, and a ctest replaying tests/fuzz/corpus/. With -DMOAT_FUZZ=ON (clang):
# the libFuzzer target fuzz_load, the library built with coverage + ASan + UBSan, and a
# `fuzz` target running tests/fuzz/run.sh for FUZZ_SECONDS.

add_executable(fuzz_replay ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_load.c
               ${CMAKE_SOURCE_DIR}/tests/fuzz/replay_main.c)
target_compile_options(fuzz_replay PRIVATE ${MOAT_WARNINGS})
target_link_libraries(fuzz_replay PRIVATE moat_static)
add_test(NAME fuzz.replay COMMAND fuzz_replay ${CMAKE_SOURCE_DIR}/tests/fuzz/corpus)
set_tests_properties(fuzz.replay PROPERTIES TIMEOUT 300 LABELS fuzz)

if(MOAT_FUZZ)
  if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "MOAT_FUZZ=ON needs clang (e.g. -DCMAKE_C_COMPILER=clang-19)")
  endif()
  set(MOAT_FUZZ_SANITIZERS -fsanitize=address,undefined -fno-sanitize-recover=all
      -fno-omit-frame-pointer)
  # Coverage feedback from the library, sanitizer runtimes for everything linking it.
  target_compile_options(moat_obj PRIVATE -fsanitize=fuzzer-no-link ${MOAT_FUZZ_SANITIZERS})
  target_link_options(moat_static INTERFACE -fsanitize=address,undefined)

  add_executable(fuzz_load ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_load.c)
  target_compile_options(fuzz_load PRIVATE ${MOAT_WARNINGS} -fsanitize=fuzzer
                         ${MOAT_FUZZ_SANITIZERS})
  target_link_options(fuzz_load PRIVATE -fsanitize=fuzzer,address,undefined)
  target_link_libraries(fuzz_load PRIVATE moat_static)

  set(FUZZ_SECONDS 60 CACHE STRING "How long `cmake --build B --target fuzz` fuzzes")
  add_custom_target(fuzz
    COMMAND ${CMAKE_COMMAND} -E env FUZZ_BIN=$<TARGET_FILE:fuzz_load>
            MOAT_SPEC_DIR=${MOAT_SPEC_DIR} FUZZ_WORK=${CMAKE_BINARY_DIR}/fuzz-work
            ${CMAKE_SOURCE_DIR}/tests/fuzz/run.sh ${FUZZ_SECONDS}
    DEPENDS fuzz_load
    USES_TERMINAL VERBATIM)
endif()
