# SPDX-License-Identifier: BSD-2-Clause
# drivers/acpi against a fake PC's tables in fake physical memory
# (acpi_fixture.c over tests/unit/boot/fake_phys.c), and its fuzz target.

foreach(unit IN ITEMS rsdp tables sleep)
  cairn_unit_test(acpi ${unit} SOURCES "${CAIRN_SRC}/tests/unit/acpi/acpi_fixture.c"
                  "${CAIRN_SRC}/tests/unit/boot/fake_phys.c")
  target_include_directories(test_acpi_${unit} PRIVATE "${CAIRN_SRC}/drivers"
                             "${CAIRN_SRC}/tests/unit/acpi" "${CAIRN_SRC}/tests/unit/boot")
endforeach()

# The libFuzzer target (hosted-fuzz build, clang).
if(CONFIG_HOSTED_FUZZ)
  include("${CAIRN_SRC}/tests/unit/boot/fuzzer.cmake")
  cairn_parser_fuzzer(acpi "${CAIRN_SRC}/tests/unit/acpi/fuzz_acpi.c"
    "${CAIRN_SRC}/tests/unit/boot/fake_phys.c"
    "${CAIRN_SRC}/drivers/acpi/rsdp.c" "${CAIRN_SRC}/drivers/acpi/tables.c"
    "${CAIRN_SRC}/drivers/acpi/fadt.c" "${CAIRN_SRC}/drivers/acpi/sleep.c"
    "${CAIRN_SRC}/drivers/acpi/init.c")
endif()

# The MADT parser on crafted and malformed tables (no fake memory needed).
cairn_unit_test(acpi madt)
target_include_directories(test_acpi_madt PRIVATE "${CAIRN_SRC}/drivers")
