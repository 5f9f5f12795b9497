# SPDX-License-Identifier: BSD-2-Clause
# QEMU boot tests of an aarch64-virt build (included by tests/CMakeLists.txt).
# cairn_boot_test(<name> <boot path> <timeout s> [boot_test.py options...])
# Boot paths and machine options ("+a53", "+gicv3", "+el2") are those of
# scripts/cairn_qemu.py. Each run takes well under a second of QEMU time.

function(cairn_boot_test name boot timeout)
  add_test(NAME "${CAIRN_TARGET}/boot.${name}"
    COMMAND "${CAIRN_PYTHON}" "${CAIRN_SRC}/tests/boot/boot_test.py"
            --arch aarch64 --build "${CMAKE_BINARY_DIR}" --boot ${boot}
            --timeout ${timeout} ${ARGN})
  math(EXPR backstop "${timeout} + 60")
  set_tests_properties("${CAIRN_TARGET}/boot.${name}" PROPERTIES TIMEOUT ${backstop})
endfunction()

set(hello --require "Hello from Cairn!")
set(found_uart --require "dev: /pl011@9000000 bound to pl011 (arm,pl011) reg [0x9000000-0x9000fff]")

# Direct -kernel boots: three CPUs, both GIC versions, EL1 and EL2 entry.
cairn_boot_test(direct-a57-gicv2 direct+a57 30 ${hello} ${found_uart}
  --require "entered at EL1, running at EL1" --require "kernel image 0xffffffff80000000")
cairn_boot_test(direct-a53-gicv3 direct+a53+gicv3 30 ${hello} ${found_uart})
cairn_boot_test(direct-max-gicv2 direct+max 30 ${hello})
cairn_boot_test(direct-a57-el2 direct+a57+el2 30 ${hello} ${found_uart}
  --require "entered at EL2, running at EL1")
cairn_boot_test(direct-max-gicv3-el2 direct+max+gicv3+el2 30 ${hello}
  --require "entered at EL2, running at EL1")
cairn_boot_test(direct-a53-gicv3-el2 direct+a53+gicv3+el2 30 ${hello})

# The whole device tree on request, interrupts resolved to their controller.
cairn_boot_test(dev-dump-gicv3 direct+gicv3 30 --cmdline "cairn.test dev.dump" ${hello}
  --require "dev: tree from fdt"
  --require "/intc@8000000 [arm,gic-v3]"
  --require "/pl011@9000000 [arm,pl011 arm,primecell] reg [0x9000000-0x9000fff] irq 0,1,4@/intc@8000000 driver=pl011"
  --require "/pcie@10000000 [pci-host-ecam-generic] reg [0x4010000000-0x401fffffff]")

# Through U-Boot: fetching QEMU's -kernel (qfw), and as a board boots: a
# disk with boot.scr and a FIT image (sha256 verified), or a plain Image.
cairn_boot_test(uboot-qfw uboot 30 ${hello} ${found_uart}
  --require "loaded by arm64-image: U-Boot 2023.01")
cairn_boot_test(uboot-qfw-el2-gicv3 uboot+gicv3+el2 30 ${hello}
  --require "entered at EL2, running at EL1")
cairn_boot_test(uboot-disk-fit uboot-disk 30 ${hello}
  --require "CAIRN: booting the FIT image (cairn.itb)" --require "sha256+ OK")
cairn_boot_test(uboot-disk-image uboot-disk-image 30 ${hello}
  --require "CAIRN: booting the Image")

# Not in test mode: the appliance ends with PSCI SYSTEM_OFF, over HVC on
# plain virt and over SMC when QEMU emulates EL2/EL3 (virtualization=on).
cairn_boot_test(poweroff-psci-hvc direct 30 --expect poweroff ${hello})
cairn_boot_test(poweroff-psci-smc direct+el2 30 --expect poweroff ${hello})
# panic=reboot: PSCI SYSTEM_RESET, which QEMU run with -no-reboot turns
# into an exit without a shutdown request (SYSTEM_OFF would show one).
cairn_boot_test(panic-reboot-psci-hvc direct 30 --cmdline "cairn.selftest=panic panic=reboot"
  --expect reboot --require "reason:    selftest: forced panic")
cairn_boot_test(panic-reboot-psci-smc direct+el2 30 --cmdline "cairn.selftest=panic panic=reboot"
  --expect reboot)

# U-Boot with nothing bootable (no disk; QEMU's -kernel is an Image whose
# header magic is cleared, so booti refuses it): the environment's last
# resort prints the failure and powers off instead of falling into
# network boot or a prompt.
cairn_boot_test(uboot-boot-failed uboot 30 --corrupt-image --expect boot-failed
  --require "Bad Linux ARM64 Image magic!"
  --require "CAIRN: BOOT FAILED: no kernel on the disk nor from QEMU")

# Failure paths: each must end in a panic record with the decoded exception.
cairn_boot_test(panic direct 30 --cmdline "cairn.test cairn.selftest=panic"
  --expect panic --require "reason:    selftest: forced panic"
  --require "init step: none (init complete)" --require "recent log (newest last):")
cairn_boot_test(assert direct 30 --cmdline "cairn.test cairn.selftest=assert"
  --expect panic --require "assertion failed: zero == 1")
cairn_boot_test(pagefault direct 30 --cmdline "cairn.test cairn.selftest=pagefault"
  --expect panic --require "data abort (EC 0x25)"
  --require "data abort at 0x0000000000000010 (unmapped lower half): translation fault at level 0 on read"
  --require "esr 0000000096000004")
cairn_boot_test(invalid-opcode direct 30 --cmdline "cairn.test cairn.selftest=invalid-opcode"
  --expect panic --require "BRK instruction (EC 0x3c)"
  --require "brk #0x3e8 at" --require "elr ")
cairn_boot_test(pagefault-el2 direct+el2+gicv3 30
  --cmdline "cairn.test cairn.selftest=pagefault" --expect panic
  --require "translation fault at level 0 on read")

# Context switches and FP/SIMD state round trips (the arch contract only).
cairn_boot_test(ctx-switch direct 30 --cmdline "cairn.test cairn.selftest=ctx-switch"
  --require "selftest: ctx-switch passed")
cairn_boot_test(fpu-state direct+max 30 --cmdline "cairn.test cairn.selftest=fpu-state"
  --require "selftest: fpu-state: 528-byte state saved and restored")

# The interrupt, timer and scheduler selftests drive the timer queue, so
# they come with CONFIG_SCHED.
if(CONFIG_SCHED)
# Interrupts, the deadline timer and context switches (docs/interrupts.md):
# the EL1 virtual timer's PPI (INTID 27, from the DT's /timer node) through
# GICv2 and GICv3, at EL1 and after an EL2 entry, direct and through
# U-Boot; two contexts switching; FP/SIMD state round trips.
set(timer_ok --require "timer: cntv on line 27" --require "none early"
  --require "selftest: irq-timer passed")
cairn_boot_test(irq-timer-gicv2 direct+a57 30 --cmdline "cairn.test cairn.selftest=irq-timer"
  --require "gic: GICv2" ${timer_ok})
cairn_boot_test(irq-timer-gicv3 direct+a53+gicv3 30 --cmdline "cairn.test cairn.selftest=irq-timer"
  --require "gic: GICv3" --require "bound to gicv3 (arm,gic-v3)" ${timer_ok})
cairn_boot_test(irq-timer-gicv3-el2 direct+max+gicv3+el2 30
  --cmdline "cairn.test cairn.selftest=irq-timer" --require "entered at EL2, running at EL1"
  --require "gic: GICv3" ${timer_ok})
cairn_boot_test(irq-timer-uboot-gicv3 uboot+gicv3 30 --cmdline "cairn.test cairn.selftest=irq-timer"
  --require "gic: GICv3" ${timer_ok})
cairn_boot_test(sched-preempt direct+gicv3 60 --cmdline "cairn.test cairn.selftest=sched-preempt"
  --require "selftest: sched-preempt: two busy loops preempted")
cairn_boot_test(sched-sleep direct 60 --cmdline "cairn.test cairn.selftest=sched-sleep"
  --require "selftest: sched-sleep: late by (us): "
  --require "selftest: sched-sleep: 20 sleeps, none early, each expiring within one tick of its deadline, median lateness "
  --require " us within the bound 1100 us (tick 100 us + resolution ")
endif()
include("${CMAKE_CURRENT_LIST_DIR}/aarch64_mm.cmake")
