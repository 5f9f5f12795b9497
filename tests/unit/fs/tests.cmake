# SPDX-License-Identifier: BSD-2-Clause
# Filesystem suites: the RAM/power-loss device of tests/crash/ is their disk.
set(cairn_fs_testdev "${CAIRN_SRC}/tests/crash/crashdev.c")
cairn_unit_test(fs crc32c)
cairn_unit_test(fs cfs_api SOURCES ${cairn_fs_testdev})
cairn_unit_test(fs cfs_fsck SOURCES ${cairn_fs_testdev})
cairn_unit_test(fs cfs_faults SOURCES ${cairn_fs_testdev})
cairn_unit_test(fs cfs_format SOURCES ${cairn_fs_testdev})
target_compile_definitions(test_fs_cfs_format PRIVATE
  "CFS_FIXTURE_DIR=\"${CAIRN_SRC}/tests/unit/fs/fixtures\"")
