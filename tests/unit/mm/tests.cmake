# SPDX-License-Identifier: BSD-2-Clause
# The memory manager (src/mm/) over fake physical memory; test_heap: the
# application heap (src/sys/memory.c) in a process of its own.
foreach(unit IN ITEMS buddy slab pagetable vm heap)
  cairn_unit_test(mm ${unit} SOURCES "${CAIRN_SRC}/tests/unit/mm/mm_fixture.c")
endforeach()

# The kernels' kmalloc (src/mm/kmalloc.c): the hosted shim's own kmalloc is
# the C library's, so it is compiled in under other names (lk_kmalloc, ...),
# as tests/unit/spinlock does.
set(mm_kmalloc "${CAIRN_SRC}/src/mm/kmalloc.c")
cairn_unit_test(mm kmalloc SOURCES "${CAIRN_SRC}/tests/unit/mm/mm_fixture.c" "${mm_kmalloc}")
set_source_files_properties("${mm_kmalloc}" TARGET_DIRECTORY test_mm_kmalloc
  PROPERTIES COMPILE_DEFINITIONS
  "kmalloc=lk_kmalloc;kzalloc=lk_kzalloc;kcalloc=lk_kcalloc;krealloc=lk_krealloc;kfree=lk_kfree")

# The benchmark program tests/bench/mm.sh runs (scripts/bench), built with
# every hosted build that is not the fuzzing one.
if(NOT CONFIG_HOSTED_FUZZ AND NOT CONFIG_HOSTED_SANITIZE)
  add_executable(bench-mm "${CAIRN_SRC}/tests/bench/mm_bench.c" "${mm_kmalloc}")
  set_source_files_properties("${mm_kmalloc}" TARGET_DIRECTORY bench-mm
    PROPERTIES COMPILE_DEFINITIONS "kmalloc=lk_kmalloc;kzalloc=lk_kzalloc;kcalloc=lk_kcalloc;krealloc=lk_krealloc;kfree=lk_kfree")
  target_link_libraries(bench-mm PRIVATE cairn_hosted)
  set_target_properties(bench-mm PROPERTIES RUNTIME_OUTPUT_DIRECTORY "${CMAKE_BINARY_DIR}")
endif()
