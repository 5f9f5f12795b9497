# SPDX-License-Identifier: BSD-2-Clause
# The x86_64 loader parsers (boot/x86_64/multiboot2.c, pvh.c) against
# crafted input in fake physical memory, and their libFuzzer entry points.

foreach(unit IN ITEMS multiboot2 pvh)
  cairn_unit_test(boot ${unit} SOURCES "${CAIRN_SRC}/tests/unit/boot/fake_phys.c")
  target_include_directories(test_boot_${unit} PRIVATE "${CAIRN_SRC}/boot"
                             "${CAIRN_SRC}/tests/unit/boot")
endforeach()
