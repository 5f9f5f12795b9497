# SPDX-License-Identifier: BSD-2-Clause
# The memory manager (src/mm/) over fake physical memory.
foreach(unit IN ITEMS buddy slab pagetable)
  cairn_unit_test(mm ${unit} SOURCES "${CAIRN_SRC}/tests/unit/mm/mm_fixture.c")
endforeach()
