# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# WASI tests (label wasi): guests in tests/wasi/guests/ are compiled at test time by
# build.sh (clang-19 for wasm32-wasi with Debian's wasi-libc), then run through `moat run`
# by guest.sh, sandbox.sh, race.sh, sock.sh and cli.sh. The file-system cases run twice: with
# openat2 and with the fallback walk (MOAT_WASI_NO_OPENAT2=1). Without the toolchain
# every test is skipped with a message naming the missing packages.
find_program(MOAT_WASI_CC clang-19)
set(MOAT_WASI_OUT ${CMAKE_BINARY_DIR}/wasi-guests)
set(MOAT_WASI_TMP ${CMAKE_BINARY_DIR}/wasi-tmp)
if(MOAT_WASI_CC AND EXISTS /usr/include/wasm32-wasi/stdio.h)
  add_test(NAME wasi.build COMMAND sh ${CMAKE_SOURCE_DIR}/tests/wasi/build.sh
           ${CMAKE_SOURCE_DIR} ${MOAT_WASI_OUT})
  set_tests_properties(wasi.build PROPERTIES TIMEOUT 300 LABELS wasi
                       FIXTURES_SETUP wasi_guests ENVIRONMENT MOAT_WASI_CC=${MOAT_WASI_CC})
  set(wasi_cases basics files readonly exit hello cxx rust tree_copy)
  set(wasi_fs_cases files readonly tree_copy)
  foreach(case IN LISTS wasi_cases)
    add_test(NAME wasi.${case} COMMAND sh ${CMAKE_SOURCE_DIR}/tests/wasi/guest.sh ${case}
             $<TARGET_FILE:moat> ${MOAT_WASI_OUT} ${MOAT_WASI_TMP}/${case})
    set_tests_properties(wasi.${case} PROPERTIES TIMEOUT 120 LABELS wasi
                         FIXTURES_REQUIRED wasi_guests SKIP_RETURN_CODE 77)
  endforeach()
  foreach(case IN LISTS wasi_fs_cases)
    add_test(NAME wasi.${case}-walk COMMAND sh ${CMAKE_SOURCE_DIR}/tests/wasi/guest.sh ${case}
             $<TARGET_FILE:moat> ${MOAT_WASI_OUT} ${MOAT_WASI_TMP}/${case}-walk)
    set_tests_properties(wasi.${case}-walk PROPERTIES TIMEOUT 120 LABELS wasi
                         FIXTURES_REQUIRED wasi_guests ENVIRONMENT MOAT_WASI_NO_OPENAT2=1)
  endforeach()
  foreach(script sandbox race sock cli)
    add_test(NAME wasi.${script} COMMAND sh ${CMAKE_SOURCE_DIR}/tests/wasi/${script}.sh
             $<TARGET_FILE:moat> ${MOAT_WASI_OUT} ${MOAT_WASI_TMP}/${script})
    set_tests_properties(wasi.${script} PROPERTIES TIMEOUT 120 LABELS wasi
                         FIXTURES_REQUIRED wasi_guests SKIP_RETURN_CODE 77)
  endforeach()
  foreach(script sandbox race)
    add_test(NAME wasi.${script}-walk COMMAND sh ${CMAKE_SOURCE_DIR}/tests/wasi/${script}.sh
             $<TARGET_FILE:moat> ${MOAT_WASI_OUT} ${MOAT_WASI_TMP}/${script}-walk)
    set_tests_properties(wasi.${script}-walk PROPERTIES TIMEOUT 120 LABELS wasi
                         FIXTURES_REQUIRED wasi_guests ENVIRONMENT MOAT_WASI_NO_OPENAT2=1)
  endforeach()
else()
  add_test(NAME wasi.toolchain-missing COMMAND sh -c
           "echo 'SKIP: WASI guests need clang-19, lld-19, wasi-libc and libclang-rt-19-dev-wasm32 (tools/bootstrap test installs them)'; exit 77")
  set_tests_properties(wasi.toolchain-missing PROPERTIES LABELS wasi SKIP_RETURN_CODE 77)
endif()
