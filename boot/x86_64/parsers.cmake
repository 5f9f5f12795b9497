# SPDX-License-Identifier: BSD-2-Clause
# The portable parsers of x86_64 loader data (multiboot2 from GRUB, PVH from
# QEMU/Firecracker). They include only include/ headers and their own, so
# the hosted build compiles them for the unit tests and fuzzers; the x86_64
# kernel compiles the same files into its boot code.
list(APPEND cairn_boot_parser_sources x86_64/multiboot2.c x86_64/pvh.c)
