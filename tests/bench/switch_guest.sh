#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The in-guest context-switch cost on both architectures under QEMU (TCG):
# the switch-bench selftest (drivers/timer/selftest_timer.c) switches
# between two contexts 200,000 times with arch_context_switch and logs the
# cost per switch in arch_cycles() units and in nanoseconds. Each arch is
# booted RUNS times (default 5) through scripts/cairn_qemu.py; the median
# is printed.
#   switch_x86_64_cycles    TSC cycles per switch (under TCG the guest TSC
#                           follows the host's cycle counter)
#   switch_aarch64_cycles   CPU cycles per switch at the 1 GHz that QEMU's
#                           TCG Arm CPUs count (their PMU cycle counter runs
#                           at 1 GHz of virtual time), i.e. the ns figure
#   switch_aarch64_counter_ticks  the same in generic-timer ticks (CNTVCT,
#                           arch_cycles on AArch64: 62.5 MHz under QEMU)
#   switch_<arch>_ns        nanoseconds per switch
# Needs CAIRN_SRC, CAIRN_BUILD_X86_64 and CAIRN_BUILD_AARCH64 (scripts/bench).
set -euo pipefail
: "${CAIRN_SRC:?}" "${CAIRN_BUILD_X86_64:?}" "${CAIRN_BUILD_AARCH64:?}"
runs=${RUNS:-5}

exec /usr/bin/python3 - "$CAIRN_SRC" "$CAIRN_BUILD_X86_64" "$CAIRN_BUILD_AARCH64" "$runs" <<'PY'
import re, statistics, sys
src, x86, a64, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
sys.path.insert(0, src + "/scripts")
import cairn_qemu

pat = re.compile(r"switch-bench: (\d+) switches, ([\d.]+) cycles per switch "
                 r"\(arch_cycles\), ([\d.]+) ns per switch")

def measure(arch, build, boot):
    cyc, ns = [], []
    for _ in range(runs):
        cmd = cairn_qemu.qemu_command(arch, build, boot,
                                      "cairn.test cairn.selftest=switch-bench")
        res = cairn_qemu.run(cmd, 60)
        m = pat.search(res.log)
        if not m or res.status != cairn_qemu.TEST_PASS_STATUS:
            sys.exit(f"switch_guest: {arch}: no result (status {res.status})\n{res.log}")
        cyc.append(float(m.group(2)))
        ns.append(float(m.group(3)))
    return statistics.median(cyc), statistics.median(ns)

c, n = measure("x86_64", x86, "pvh")
print(f"BENCH switch_x86_64_cycles {c:.1f} cycles")
print(f"BENCH switch_x86_64_ns {n:.1f} ns")
c, n = measure("aarch64", a64, "direct")
print(f"BENCH switch_aarch64_cycles {n:.1f} cycles")
print(f"BENCH switch_aarch64_counter_ticks {c:.2f} ticks")
print(f"BENCH switch_aarch64_ns {n:.1f} ns")
PY
