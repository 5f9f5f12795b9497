# SPDX-License-Identifier: BSD-2-Clause
# Threads, the scheduler, the timer queue and the trace (src/sched/) on the
# hosted shim in virtual time.
if(CONFIG_SCHED)
  set(sched_fixture "${CAIRN_SRC}/tests/unit/sched/sched_fixture.c")
  cairn_unit_test(sched timer)
  cairn_unit_test(sched sched SOURCES "${sched_fixture}" LIBS m)
  cairn_unit_test(sched races SOURCES "${sched_fixture}")

  # The benchmark program tests/bench/sched.sh runs (scripts/bench).
  if(NOT CONFIG_HOSTED_FUZZ AND NOT CONFIG_HOSTED_SANITIZE)
    add_executable(bench-sched "${CAIRN_SRC}/tests/bench/sched_bench.c" "${sched_fixture}")
    target_include_directories(bench-sched PRIVATE "${CAIRN_SRC}/tests/unit/sched")
    target_link_libraries(bench-sched PRIVATE cairn_hosted pthread)
    set_target_properties(bench-sched PROPERTIES RUNTIME_OUTPUT_DIRECTORY "${CMAKE_BINARY_DIR}")
  endif()
endif()
