# SPDX-License-Identifier: BSD-2-Clause
# Interrupt controllers (docs/interrupts.md). Portable C; each arch links
# the ones its machines have (register access the C cannot express - MSRs,
# ICC system registers - comes from arch/<arch>/irq.c):
#   x86_64 (and hosted, for the unit tests): local APIC, I/O APIC, and the
#          PC chip combining them from the MADT
#   aarch64: GICv2 and GICv3, bound through the device model
# The MADT parser is ACPI's (drivers/acpi/madt.c); it is listed here, next
# to its one consumer, so that the ACPI layer's own list stays as it was.
list(APPEND cairn_driver_sources acpi/madt.c)
if(CONFIG_ARCH STREQUAL "aarch64")
  list(APPEND cairn_driver_sources irqchip/gic.c irqchip/gicv2.c irqchip/gicv3.c)
else()
  list(APPEND cairn_driver_sources irqchip/lapic.c irqchip/ioapic.c irqchip/apic.c)
endif()
