# SPDX-License-Identifier: BSD-2-Clause
# The manifest parser (scripts/manifest.py), run by the build for every
# appliance: good and malformed manifests and their exact messages. Pure
# Python, so one hosted build runs it (not the sanitizer or fuzz builds).
if(NOT CONFIG_HOSTED_FUZZ AND NOT CONFIG_HOSTED_SANITIZE)
  add_test(NAME "${CAIRN_TARGET}/unit.manifest.parser"
    COMMAND "${CAIRN_PYTHON}" "${CAIRN_SRC}/tests/unit/manifest/test_manifest.py")
  set_tests_properties("${CAIRN_TARGET}/unit.manifest.parser" PROPERTIES TIMEOUT 120)
endif()

