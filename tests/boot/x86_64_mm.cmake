# SPDX-License-Identifier: BSD-2-Clause
# QEMU boot tests of the memory manager on x86_64 (src/mm/selftest_mm.c),
# included from tests/boot/x86_64.cmake.

# Boot itself: the final tables are built, switched to, and summarised.
cairn_boot_test(mm-boot pvh 30 --require "Hello from Cairn!"
  --require "mm: boot page tables handed back"
  --require "image W^X: text r-x, rodata r--, data/bss rw- NX"
  --require "no failed allocations")

# Positive selftests return and the appliance runs on: a pass.
cairn_boot_test(mm-map pvh 30 --cmdline "cairn.test cairn.selftest=mm-map"
  --require "selftest: mm-map passed" --require "Hello from Cairn!")
cairn_boot_test(mm-app pvh 30 --cmdline "cairn.test cairn.selftest=mm-app"
  --require "selftest: mm-app passed" --require "Hello from Cairn!")
cairn_boot_test(mm-exhaust pvh 60 --cmdline "cairn.test cairn.selftest=mm-exhaust"
  --require "failed cleanly with NOMEM" --require "all returned"
  --require "selftest: mm-exhaust passed"
  --require "mm: slab kmalloc-2048" --require "; 1 failures" --require "Hello from Cairn!")

# Faults must be reported as such, with the address described.
cairn_boot_test(mm-guard pvh 30 --cmdline "cairn.test cairn.selftest=mm-guard"
  --expect panic --require "guard page below stack 'selftest-overflow'"
  --require "stack overflow")
# The boot thread runs on a guarded stack of its own (src/kmain.c).
cairn_boot_test(mm-guard-boot pvh 30 --cmdline "cairn.test cairn.selftest=mm-guard-boot"
  --expect panic --require "overflowing the stack of thread 'boot'"
  --require "guard page below stack 'boot'" --require "stack overflow")
cairn_boot_test(mm-text-write pvh 30 --cmdline "cairn.test cairn.selftest=mm-text-write"
  --expect panic --require "(kernel image: text): protection violation on write in kernel mode")
cairn_boot_test(mm-data-exec pvh 30 --cmdline "cairn.test cairn.selftest=mm-data-exec"
  --expect panic --require "(kernel image: data): protection violation on instruction fetch")
cairn_boot_test(mm-ro-write pvh 30 --cmdline "cairn.test cairn.selftest=mm-ro-write"
  --expect panic
  --require "(mapped objects: 'selftest-ro' +0x10): protection violation on write")
cairn_boot_test(mm-unmapped pvh 30 --cmdline "cairn.test cairn.selftest=mm-unmapped"
  --expect panic --require "(mapped objects): non-present page on read")
