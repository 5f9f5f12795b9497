#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# AArch64 boot figures (run by scripts/bench; needs CAIRN_SRC and
# CAIRN_BUILD_AARCH64, an aarch64-virt-hello build directory):
#   direct -kernel boot to the greeting   (target <= 100 ms median, TCG)
#   through U-Boot: qfw, and the disk image with its FIT
#                                          (target <= 300 ms)
# each with the kernel's own share and the share before kernel entry
# (QEMU start, firmware, loader), from tests/bench/boot_time.py. The
# baseline on the direct line is QEMU's own start and stop on the same
# machine with a 20-byte guest that only exits through semihosting,
# measured in this run. Also the Image's size.
set -euo pipefail
: "${CAIRN_SRC:?}" "${CAIRN_BUILD_AARCH64:?}"
py=/usr/bin/python3
build=$CAIRN_BUILD_AARCH64

# Baseline: spawn to exit of QEMU virt running a guest that exits at once
# (mov x0, #0x18; adr x1, block; hlt #0xf000; block: {0x20026, 0}).
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '\x00\x03\x80\xd2\x41\x00\x00\x10\x00\x00\x5e\xd4\x26\x00\x02\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00' >"$tmp/exit.bin"
baseline=$("$py" - "$CAIRN_SRC" "$tmp/exit.bin" <<'PYEOF'
import os, statistics, sys, time, subprocess
sys.path.insert(0, os.path.join(sys.argv[1], "scripts"))
import cairn_qemu as q
cmd = ["qemu-system-aarch64", "-accel", "tcg", "-M", "virt", "-cpu", "cortex-a57",
       "-m", "128M", "-nodefaults", "-display", "none", "-serial", "null",
       "-kernel", sys.argv[2], "-semihosting-config", "enable=on,target=native"]
runs = []
for _ in range(9):
    res = q.run(cmd, 30)
    if res.timed_out:
        sys.exit("baseline guest did not exit")
    runs.append(res.elapsed * 1000)
print(f"{statistics.median(runs):.1f}")
PYEOF
)

# The spawn-to-greeting line of benchmark $1 gets the baseline appended.
with_baseline() {
	sed "s/^\(BENCH $1_ms [0-9.]* ms\)$/\1 baseline=$baseline/"
}

"$py" "$CAIRN_SRC/tests/bench/boot_time.py" --arch aarch64 --build "$build" \
	--boot direct --name boot_aarch64_direct --runs 9 | with_baseline boot_aarch64_direct
"$py" "$CAIRN_SRC/tests/bench/boot_time.py" --arch aarch64 --build "$build" \
	--boot uboot --name boot_aarch64_uboot_qfw --runs 9 | with_baseline boot_aarch64_uboot_qfw
"$py" "$CAIRN_SRC/tests/bench/boot_time.py" --arch aarch64 --build "$build" \
	--boot uboot-disk --name boot_aarch64_uboot_disk_fit --runs 5 |
	with_baseline boot_aarch64_uboot_disk_fit
echo "BENCH qemu_aarch64_start_stop_ms $baseline ms"
size=$(stat -c %s "$build/Image")
echo "BENCH kernel_aarch64_hello_image_kib $(awk "BEGIN{printf \"%.1f\", $size/1024}") KiB"
