# SPDX-License-Identifier: BSD-2-Clause
# QEMU boot tests of an x86_64 build (included by tests/CMakeLists.txt).
# cairn_boot_test(<name> <boot path> <timeout s> [boot_test.py options...])

function(cairn_boot_test name boot timeout)
  add_test(NAME "${CAIRN_TARGET}/boot.${name}"
    COMMAND "${CAIRN_PYTHON}" "${CAIRN_SRC}/tests/boot/boot_test.py"
            --arch x86_64 --build "${CMAKE_BINARY_DIR}" --boot ${boot}
            --timeout ${timeout} ${ARGN})
  # The harness's own timeout reports and prints the log; ctest's is a backstop.
  math(EXPR backstop "${timeout} + 60")
  set_tests_properties("${CAIRN_TARGET}/boot.${name}" PROPERTIES TIMEOUT ${backstop})
endfunction()

# The three ways to boot a PC image.
cairn_boot_test(pvh pvh 30 --require "Hello from Cairn!")
cairn_boot_test(grub-bios grub 60 --require "Hello from Cairn!" --require "loaded by multiboot2")
cairn_boot_test(grub-uefi uefi 120 --require "Hello from Cairn!" --require "loaded by multiboot2")

# Not in test mode: the appliance ends by powering the machine off (ACPI S5),
# on each way to boot a PC (the GRUB paths boot cairn.iso, the appliance's
# own ISO without cairn.test; the FADT comes from SeaBIOS, qboot or OVMF).
cairn_boot_test(poweroff pvh 30 --expect poweroff --require "Hello from Cairn!")
cairn_boot_test(poweroff-grub-bios grub 60 --expect poweroff --require "Hello from Cairn!"
  --require "loaded by multiboot2" --require "acpi: S5 via PM1a port")
cairn_boot_test(poweroff-grub-uefi uefi 120 --expect poweroff --require "Hello from Cairn!"
  --require "loaded by multiboot2" --require "acpi: S5 via PM1a port")

# Not in test mode, a panic prints its record and powers the machine off
# (the default panic= policy): QEMU ends by itself, so scripts/run does too.
cairn_boot_test(panic-poweroff pvh 30 --cmdline "cairn.selftest=panic"
  --expect panic-poweroff --require "reason:    selftest: forced panic"
  --require "machine: powering off after the panic (panic=poweroff)")

# scripts/run's end of it: exit 0 after a normal run, 3 after a panic.
add_test(NAME "${CAIRN_TARGET}/boot.run-status"
  COMMAND "${CAIRN_PYTHON}" "${CAIRN_SRC}/tests/boot/run_test.py"
          --arch x86_64 --build "${CMAKE_BINARY_DIR}" --boot pvh)
set_tests_properties("${CAIRN_TARGET}/boot.run-status" PROPERTIES TIMEOUT 200)

# Failure paths must be reported as failures, with the panic record.
cairn_boot_test(panic pvh 30 --cmdline "cairn.test cairn.selftest=panic"
  --expect panic --require "reason:    selftest: forced panic"
  --require "init step: none (init complete)" --require "recent log (newest last):")
cairn_boot_test(assert pvh 30 --cmdline "cairn.test cairn.selftest=assert"
  --expect panic --require "assertion failed: zero == 1")
cairn_boot_test(pagefault pvh 30 --cmdline "cairn.test cairn.selftest=pagefault"
  --expect panic --require "#PF page fault"
  --require "page fault at 0x0000000000000010 (unmapped lower half): non-present page on read in kernel mode")
cairn_boot_test(invalid-opcode pvh 30 --cmdline "cairn.test cairn.selftest=invalid-opcode"
  --expect panic --require "#UD invalid opcode" --require "rip ")

# scripts/gdbinit loads the symbols and connects to QEMU's stub: gdb in
# batch mode stops at x86_64_start, reads rip, detaches, the boot passes.
add_test(NAME "${CAIRN_TARGET}/boot.gdb"
  COMMAND "${CAIRN_PYTHON}" "${CAIRN_SRC}/tests/boot/gdb_test.py"
          --arch x86_64 --build "${CMAKE_BINARY_DIR}" --boot pvh --timeout 60)
set_tests_properties("${CAIRN_TARGET}/boot.gdb" PROPERTIES TIMEOUT 120)

# The harness itself must fail, naming the problem, when a boot goes wrong.
add_test(NAME "${CAIRN_TARGET}/boot.harness"
  COMMAND "${CAIRN_PYTHON}" "${CAIRN_SRC}/tests/boot/harness_test.py"
          --arch x86_64 --build "${CMAKE_BINARY_DIR}" --boot pvh)
set_tests_properties("${CAIRN_TARGET}/boot.harness" PROPERTIES TIMEOUT 300)
include("${CMAKE_CURRENT_LIST_DIR}/x86_64_mm.cmake")

# Interrupts, the deadline timer and context switches (docs/interrupts.md):
# the local APIC timer's interrupt through the APIC, the PIT's through the
# I/O APIC (ISA IRQ 0 -> GSI 2 by the MADT's override), two contexts
# switching, FP state round trips.
cairn_boot_test(irq-timer pvh 30 --cmdline "cairn.test cairn.selftest=irq-timer"
  --require "apic: I/O APIC id 0 at 0xfec00000: GSIs 0-23, vectors 48-71"
  --require "8259 PICs masked" --require "none early" --require "selftest: irq-timer passed")
cairn_boot_test(irq-timer-lapic pvh 30 --cmdline "cairn.test x86.timer=lapic cairn.selftest=irq-timer"
  --require "timer: lapic-oneshot on line 1000" --require "selftest: irq-timer passed")
cairn_boot_test(irq-ioapic pvh 30 --cmdline "cairn.test cairn.selftest=irq-ioapic"
  --require "ISA IRQ 0 (PIT) -> GSI 2, I/O APIC pin 2, vector 50"
  --require "none after detach" --require "selftest: irq-ioapic passed")
cairn_boot_test(ctx-switch pvh 30 --cmdline "cairn.test cairn.selftest=ctx-switch"
  --require "selftest: ctx-switch passed")
cairn_boot_test(fpu-state pvh 30 --cmdline "cairn.test cairn.selftest=fpu-state"
  --require "selftest: fpu-state: 512-byte state saved and restored")

# The scheduler on real interrupts: two busy loops are preempted by the
# timer while the boot thread sleeps; 20 sleeps never wake early, each
# expires within one timer tick of its deadline, and their median lateness
# is within the stated bound (docs/scheduling.md, "Time and timers").
cairn_boot_test(sched-preempt pvh 60 --cmdline "cairn.test cairn.selftest=sched-preempt"
  --require "selftest: sched-preempt: two busy loops preempted")
cairn_boot_test(sched-sleep pvh 60 --cmdline "cairn.test cairn.selftest=sched-sleep"
  --require "selftest: sched-sleep: late by (us): "
  --require "selftest: sched-sleep: 20 sleeps, none early, each expiring within one tick of its deadline, median lateness "
  --require " us within the bound 1100 us (tick 100 us + resolution ")
