# SPDX-License-Identifier: BSD-2-Clause
# ACPI table access and S5 power off (docs/acpi.md). Portable: physical
# memory is read through a struct phys_window, registers through io.h.
list(APPEND cairn_driver_sources acpi/rsdp.c acpi/tables.c acpi/fadt.c acpi/sleep.c
     acpi/init.c)
