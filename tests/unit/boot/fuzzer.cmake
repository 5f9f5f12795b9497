# SPDX-License-Identifier: BSD-2-Clause
# cairn_parser_fuzzer(<name> <sources>...): a libFuzzer target for a parser
# of outside input, registered as the ctest "<target>/fuzz.<name>" running
# for a bounded time. Included by tests/unit/boot and tests/unit/acpi in the
# hosted-fuzz build (clang). The parser's sources are listed again so that
# they carry the fuzzer's coverage instrumentation; the rest of the kernel
# comes from cairn_hosted (object files given directly win over the
# library's copies).
include_guard(GLOBAL)

function(cairn_parser_fuzzer name)
  set(exe "fuzz_${name}")
  set(san -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined)
  add_executable(${exe} ${ARGN})
  target_compile_options(${exe} PRIVATE ${san})
  target_link_options(${exe} PRIVATE ${san})
  target_include_directories(${exe} PRIVATE "${CAIRN_SRC}/boot" "${CAIRN_SRC}/drivers"
                             "${CAIRN_SRC}/tests/unit/boot")
  target_link_libraries(${exe} PRIVATE cairn_hosted)
  set(artifacts "${CMAKE_BINARY_DIR}/fuzz-artifacts")
  file(MAKE_DIRECTORY "${artifacts}")
  add_test(NAME "${CAIRN_TARGET}/fuzz.${name}"
           COMMAND ${exe} -max_total_time=20 -timeout=5 -rss_limit_mb=2048
                   "-artifact_prefix=${artifacts}/${name}-")
  set_tests_properties("${CAIRN_TARGET}/fuzz.${name}" PROPERTIES TIMEOUT 120)
endfunction()
