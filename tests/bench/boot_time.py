#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Boot-time benchmark: median over N QEMU runs of one boot path.

  boot_time.py --arch A --build DIR --boot PATH --name NAME [--runs N]
               [--marker TEXT] [--cmdline ...]

Prints, as BENCH lines (scripts/bench's format):
  BENCH <name>_ms             QEMU spawn to the first line containing the
                              marker (the greeting), median
  BENCH <name>_kernel_ms      the kernel's own share of that: kernel entry
                              to the greeting on the guest's clock, median
  BENCH <name>_before_entry_ms  the rest, <name>_ms - <name>_kernel_ms:
                              QEMU start, firmware, loader
  BENCH <name>_qemu_exit_ms   spawn to QEMU's exit (the machine stopped)
Each run uses scripts/cairn_qemu.py exactly as the boot tests do.

Both shares end at the same line, the greeting. The greeting is the
application's own output and carries no time stamp; the kernel's log lines
do ("[ s.uuuuuu]", counted from kernel entry). The first stamped line after
the greeting gives, in each run, the offset between the host's clock
(arrival of the line at the pipe) and the guest's (its stamp); the kernel's
share is the greeting's arrival minus that offset. So per run
spawn-to-greeting = before-entry + kernel, exactly. (Before, the kernel
share was the stamp of the line after the greeting, a little later than
the point the total is measured at.)
"""
import argparse
import os
import re
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts"))
import cairn_qemu as q  # noqa: E402

# Boot paths (before any "+option") whose loader takes QEMU's -append.
APPEND_PATHS = ("pvh", "direct", "uboot")
STAMP = re.compile(r"^\[\s*(\d+)\.(\d{6})\] \S ")


def kernel_share(lines, index, t_marker):
    """Guest time (s since kernel entry) at which the marker line, lines[index]
    arriving t_marker s after spawn, was printed; None without a stamped
    line after it."""
    for t, text in lines[index + 1:]:
        m = STAMP.match(text)
        if m:
            guest = int(m.group(1)) + int(m.group(2)) / 1e6
            return t_marker - (t - guest)
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--arch", required=True)
    ap.add_argument("--build", required=True)
    ap.add_argument("--boot", required=True)
    ap.add_argument("--name", required=True)
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--marker", default="Hello from Cairn!")
    ap.add_argument("--cmdline", default=None)
    ap.add_argument("--timeout", type=float, default=60)
    args = ap.parse_args()

    totals, kernel, exits = [], [], []
    workdir = q.make_workdir()
    # Only paths whose loader takes -append carry a command line; the others
    # (GRUB ISOs, U-Boot disks) boot with the one built into their media.
    # Machine options after '+' ("direct+a53+gicv3") do not change that.
    base = args.boot.split("+", 1)[0]
    for i in range(args.runs):
        cmdline = args.cmdline if args.cmdline is not None else "cairn.test"
        if base not in APPEND_PATHS:
            cmdline = ""
        cmd = q.qemu_command(args.arch, args.build, args.boot, cmdline=cmdline,
                             test=True, workdir=workdir)
        res = q.run(cmd, args.timeout)
        index = next((i for i, (_, text) in enumerate(res.lines)
                      if args.marker in text), None)
        if index is None or res.timed_out:
            print(f"boot_time: run {i} of {args.name} never printed "
                  f"'{args.marker}' (status {res.status}); log:\n{res.log}",
                  file=sys.stderr)
            return 1
        t = res.lines[index][0]
        totals.append(t * 1000)
        exits.append(res.elapsed * 1000)
        k = kernel_share(res.lines, index, t)
        if k is not None:
            kernel.append(k * 1000)
    med = statistics.median(totals)
    print(f"BENCH {args.name}_ms {med:.1f} ms")
    if kernel:
        k = statistics.median(kernel)
        print(f"BENCH {args.name}_kernel_ms {k:.2f} ms")
        print(f"BENCH {args.name}_before_entry_ms {med - k:.1f} ms")
    print(f"BENCH {args.name}_qemu_exit_ms {statistics.median(exits):.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
