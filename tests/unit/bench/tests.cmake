# SPDX-License-Identifier: BSD-2-Clause
# The BENCH line format scripts/bench enforces (scripts/bench_lines.py).
# Pure Python, so one hosted build runs it.
if(NOT CONFIG_HOSTED_FUZZ AND NOT CONFIG_HOSTED_SANITIZE)
  add_test(NAME "${CAIRN_TARGET}/unit.bench.lines"
    COMMAND "${CAIRN_PYTHON}" "${CAIRN_SRC}/tests/unit/bench/test_lines.py")
  set_tests_properties("${CAIRN_TARGET}/unit.bench.lines" PROPERTIES TIMEOUT 120)
endif()
