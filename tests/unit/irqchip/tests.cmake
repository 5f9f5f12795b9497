# SPDX-License-Identifier: BSD-2-Clause
# The PC interrupt controller drivers (local APIC, I/O APIC, the chip that
# combines them) against fake register files.
cairn_unit_test(irqchip apic)
target_include_directories(test_irqchip_apic PRIVATE "${CAIRN_SRC}/drivers")
cairn_unit_test(irqchip x2apic)
target_include_directories(test_irqchip_x2apic PRIVATE "${CAIRN_SRC}/drivers")
