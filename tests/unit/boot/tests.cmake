# SPDX-License-Identifier: BSD-2-Clause
# The x86_64 loader parsers (boot/x86_64/multiboot2.c, pvh.c) against
# crafted input in fake physical memory, and their libFuzzer entry points.

foreach(unit IN ITEMS multiboot2 pvh)
  cairn_unit_test(boot ${unit} SOURCES "${CAIRN_SRC}/tests/unit/boot/fake_phys.c")
  target_include_directories(test_boot_${unit} PRIVATE "${CAIRN_SRC}/boot"
                             "${CAIRN_SRC}/tests/unit/boot")
endforeach()

# libFuzzer targets (hosted-fuzz build, clang). The parser sources are
# compiled into each fuzzer again so that they carry the fuzzer's coverage
# instrumentation; the rest of the kernel comes from cairn_hosted.
if(CONFIG_HOSTED_FUZZ)
  include("${CAIRN_SRC}/tests/unit/boot/fuzzer.cmake")
  cairn_parser_fuzzer(multiboot2 "${CAIRN_SRC}/tests/unit/boot/fuzz_multiboot2.c"
    "${CAIRN_SRC}/tests/unit/boot/fake_phys.c" "${CAIRN_SRC}/boot/x86_64/multiboot2.c"
    "${CAIRN_SRC}/src/boot_info.c")
  cairn_parser_fuzzer(pvh "${CAIRN_SRC}/tests/unit/boot/fuzz_pvh.c"
    "${CAIRN_SRC}/tests/unit/boot/fake_phys.c" "${CAIRN_SRC}/boot/x86_64/pvh.c"
    "${CAIRN_SRC}/src/boot_info.c")
endif()
