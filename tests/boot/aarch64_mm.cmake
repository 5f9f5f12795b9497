# SPDX-License-Identifier: BSD-2-Clause
# QEMU boot tests of the memory manager on AArch64 (src/mm/selftest_mm.c),
# included from tests/boot/aarch64.cmake: the same selftests as
# tests/boot/x86_64_mm.cmake, with the abort wording of arch/aarch64/trap.c.

# Boot itself: the final tables are built, switched to (the PL011's
# registers carried over: the greeting is printed after the switch), and
# the early tables handed back.
cairn_boot_test(mm-boot direct 30 ${hello}
  --require "mm: boot page tables handed back"
  --require "; page tables (aarch64): "
  --require "image W^X: text r-x, rodata r--, data/bss rw- NX"
  --require "no failed allocations")
cairn_boot_test(mm-boot-uboot-el2-gicv3 uboot+gicv3+el2 30 ${hello}
  --require "mm: boot page tables handed back")

# Positive selftests return and the appliance runs on: a pass.
cairn_boot_test(mm-map direct 30 --cmdline "cairn.test cairn.selftest=mm-map"
  --require "selftest: mm-map passed" ${hello})
cairn_boot_test(mm-app direct 30 --cmdline "cairn.test cairn.selftest=mm-app"
  --require "selftest: mm-app passed" ${hello})
cairn_boot_test(mm-mmio direct 30 --cmdline "cairn.test cairn.selftest=mm-mmio"
  --require "PL011 carried over, PL031 mapped after the switch"
  --require "selftest: mm-mmio passed" ${hello})
cairn_boot_test(mm-exhaust direct 60 --cmdline "cairn.test cairn.selftest=mm-exhaust"
  --require "failed cleanly with NOMEM" --require "all returned"
  --require "selftest: mm-exhaust passed"
  --require "mm: slab kmalloc-2048" --require "; 1 failures" ${hello})

# Faults must be reported as such, with the address described. The guard
# hit is reported from the overflow stack (arch/aarch64/overflow.S): without
# it the exception frame would fault again on the blown stack.
cairn_boot_test(mm-guard direct 30 --cmdline "cairn.test cairn.selftest=mm-guard"
  --expect panic --require "guard page below stack 'selftest-overflow'"
  --require "stack overflow" --require "reported from the overflow stack")
cairn_boot_test(mm-guard-el2 direct+a53+gicv3+el2 30
  --cmdline "cairn.test cairn.selftest=mm-guard"
  --expect panic --require "guard page below stack 'selftest-overflow'"
  --require "reported from the overflow stack")
# The boot thread runs on a guarded stack of its own (src/kmain.c).
cairn_boot_test(mm-guard-boot direct 30 --cmdline "cairn.test cairn.selftest=mm-guard-boot"
  --expect panic --require "overflowing the stack of thread 'boot'"
  --require "guard page below stack 'boot'" --require "stack overflow")
cairn_boot_test(mm-text-write direct 30 --cmdline "cairn.test cairn.selftest=mm-text-write"
  --expect panic --require "(kernel image: text): permission fault at level 3 on write")
cairn_boot_test(mm-data-exec direct 30 --cmdline "cairn.test cairn.selftest=mm-data-exec"
  --expect panic
  --require "(kernel image: data): permission fault at level 3 on instruction fetch")
cairn_boot_test(mm-ro-write direct 30 --cmdline "cairn.test cairn.selftest=mm-ro-write"
  --expect panic
  --require "(mapped objects: 'selftest-ro' +0x10): permission fault at level 3 on write")
cairn_boot_test(mm-unmapped direct 30 --cmdline "cairn.test cairn.selftest=mm-unmapped"
  --expect panic --require "(mapped objects): translation fault at level")
