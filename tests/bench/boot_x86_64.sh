#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# x86_64 boot figures: PVH with qboot (the target: <= 60 ms to the greeting),
# GRUB from the BIOS ISO for comparison, and the stripped kernel's size
# (target <= 128 KiB). Needs CAIRN_SRC and CAIRN_BUILD_X86_64.
#
# The baseline on the boot lines is QEMU's own start and stop on this
# machine, measured in this run: tests/bench/pvh_exit.S, a guest that exits
# at its first instruction, booted exactly like the kernel (qboot, PVH).
# Everything above it is firmware, loader and kernel.
set -euo pipefail
: "${CAIRN_SRC:?}" "${CAIRN_BUILD_X86_64:?}"
py=/usr/bin/python3

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
gcc -c "$CAIRN_SRC/tests/bench/pvh_exit.S" -o "$tmp/pvh_exit.o"
ld -m elf_x86_64 -Ttext=0x100000 -e _start -o "$tmp/cairn.elf" "$tmp/pvh_exit.o"
baseline=$("$py" - "$CAIRN_SRC" "$tmp" <<'PYEOF'
import os, statistics, sys
sys.path.insert(0, os.path.join(sys.argv[1], "scripts"))
import cairn_qemu as q
runs = []
for _ in range(9):
    res = q.run(q.qemu_command("x86_64", sys.argv[2], "pvh"), 30)
    if res.timed_out or res.status != 33:
        sys.exit(f"baseline guest did not exit (status {res.status})")
    runs.append(res.elapsed * 1000)
print(f"{statistics.median(runs):.1f}")
PYEOF
)

# The spawn-to-greeting line of benchmark $1 gets the baseline appended.
with_baseline() {
	sed "s/^\(BENCH $1_ms [0-9.]* ms\)$/\1 baseline=$baseline/"
}

"$py" "$CAIRN_SRC/tests/bench/boot_time.py" --arch x86_64 --build "$CAIRN_BUILD_X86_64" \
	--boot pvh --name boot_x86_64_pvh --runs 9 | with_baseline boot_x86_64_pvh
"$py" "$CAIRN_SRC/tests/bench/boot_time.py" --arch x86_64 --build "$CAIRN_BUILD_X86_64" \
	--boot grub --name boot_x86_64_grub_bios --runs 5 | with_baseline boot_x86_64_grub_bios
echo "BENCH qemu_x86_64_start_stop_ms $baseline ms"
size=$(stat -c %s "$CAIRN_BUILD_X86_64/cairn.stripped.elf")
echo "BENCH kernel_x86_64_hello_stripped_kib $(awk "BEGIN{printf \"%.1f\", $size/1024}") KiB"
