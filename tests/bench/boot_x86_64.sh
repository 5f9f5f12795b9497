#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# x86_64 boot figures: PVH with qboot (the target: <= 60 ms to the greeting),
# GRUB from the BIOS ISO for comparison, and the stripped kernel's size
# (target <= 128 KiB). Needs CAIRN_SRC and CAIRN_BUILD_X86_64.
set -euo pipefail
: "${CAIRN_SRC:?}" "${CAIRN_BUILD_X86_64:?}"
py=/usr/bin/python3
"$py" "$CAIRN_SRC/tests/bench/boot_time.py" --arch x86_64 --build "$CAIRN_BUILD_X86_64" \
	--boot pvh --name boot_x86_64_pvh --runs 9
"$py" "$CAIRN_SRC/tests/bench/boot_time.py" --arch x86_64 --build "$CAIRN_BUILD_X86_64" \
	--boot grub --name boot_x86_64_grub_bios --runs 5
size=$(stat -c %s "$CAIRN_BUILD_X86_64/cairn.stripped.elf")
echo "BENCH kernel_x86_64_hello_stripped_kib $(awk "BEGIN{printf \"%.1f\", $size/1024}") KiB"
