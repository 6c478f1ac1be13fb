# SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
# Embedding tests (label embed): C tests that see only include/moat.h and link libmoat.so,
# so a function missing MOAT_API or a header detail that needs src/ fails here; and
# install.sh, which installs into a temporary prefix and builds examples/plugin-host and
# a test against the installed tree with `pkg-config --cflags --libs moat`.
file(GLOB MOAT_EMBED_TESTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/embed/test_*.c)
foreach(src IN LISTS MOAT_EMBED_TESTS)
  get_filename_component(name ${src} NAME_WE)
  add_executable(embed_${name} ${src})
  target_include_directories(embed_${name} PRIVATE ${CMAKE_SOURCE_DIR}/tests/unit
                             ${CMAKE_SOURCE_DIR}/tests/embed)
  target_compile_options(embed_${name} PRIVATE ${MOAT_WARNINGS})
  target_link_libraries(embed_${name} PRIVATE moat_shared Threads::Threads)
  add_test(NAME embed.${name} COMMAND embed_${name})
  set_tests_properties(embed.${name} PROPERTIES TIMEOUT 120 LABELS embed)
endforeach()


if(MOAT_SANITIZE)
  set(MOAT_EMBED_CFLAGS "-fsanitize=address,undefined -fno-sanitize-recover=all")
else()
  set(MOAT_EMBED_CFLAGS "")
endif()
add_test(NAME embed.install
         COMMAND sh ${CMAKE_SOURCE_DIR}/tests/embed/install.sh ${CMAKE_BINARY_DIR}
                 ${CMAKE_SOURCE_DIR} ${CMAKE_C_COMPILER} "${MOAT_EMBED_CFLAGS}")
set_tests_properties(embed.install PROPERTIES TIMEOUT 300 LABELS embed)
