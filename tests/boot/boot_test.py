#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""One QEMU boot test: boot an image, capture the serial log, judge it.

  boot_test.py --arch x86_64 --build DIR --boot pvh|grub|uefi
               [--cmdline "..."]
               [--expect pass|panic|poweroff|panic-poweroff|reboot|boot-failed]
               [--corrupt-image] [--require TEXT]... [--timeout S]

--arch hosted runs the hosted program (--boot hosted) the same way.

--expect pass      exit status 33 (test pass; 0 hosted) and "CAIRN-TEST: PASS" and no
                   panic record
--expect panic     exit status 35 (test fail; 1 hosted) and "CAIRN-TEST: FAIL (panic)"
                   and a complete panic record (begin and end lines)
--expect poweroff  not in test mode: QEMU exits 0 because the kernel powered
                   the machine off, and "machine: powering off" was printed
--expect panic-poweroff
                   not in test mode: a panic prints its complete record,
                   then "machine: powering off after the panic" (the
                   default panic= policy), and QEMU exits 0 by itself (ACPI
                   S5), not by the timeout; no CAIRN-TEST marker
--expect reboot    not in test mode, a panic with panic=reboot: the kernel
                   asked for a reset ("machine: rebooting after the panic (panic=reboot)")
                   and QEMU, run with -no-reboot, exited 0 without a
                   shutdown request: QEMU's trace of qemu_system_shutdown_request
                   (turned on for this mode) shows one for a power off
                   (PSCI SYSTEM_OFF: reason=6), none for a reset, and
                   without test mode nothing else makes QEMU exit 0
--expect boot-failed  the firmware (U-Boot) found nothing to boot: QEMU exits
                   0 because it powered off, "CAIRN: BOOT FAILED" was
                   printed and the kernel never ran (no kernel log line)
--corrupt-image    (aarch64) boot a copy of the Image whose arm64 header
                   magic is cleared, with the build's U-Boot environment
--require TEXT     a line containing TEXT must appear (repeatable)

On failure it says exactly what failed (timeout, wrong status, missing
marker, unexpected panic record) and prints the captured serial log.
"""
import argparse
import os
import re
import shutil
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "scripts"))
import cairn_qemu as q  # noqa: E402


# QEMU's trace line for a shutdown request (turned on for --expect reboot).
SHUTDOWN_TRACE = "qemu_system_shutdown_request"
# A kernel log line: "[    0.012345] I ..." (docs/logging).
KERNEL_LINE = re.compile(r"^\[\s*\d+\.\d{6}\] [EWID] ")


def corrupt_image(build, workdir):
    """A build directory in workdir with the Image's arm64 magic ("ARM\\x64"
    at offset 56) cleared and the build's U-Boot environment."""
    with open(os.path.join(build, "Image"), "rb") as f:
        image = bytearray(f.read())
    if image[56:60] != b"ARM\x64":
        raise SystemExit(f"boot_test: {build}/Image has no arm64 Image magic")
    image[56:60] = b"\0\0\0\0"
    with open(os.path.join(workdir, "Image"), "wb") as f:
        f.write(image)
    shutil.copyfile(os.path.join(build, "uboot-env.img"),
                    os.path.join(workdir, "uboot-env.img"))
    return workdir


def judge(args, res):
    problems = []
    log = res.log
    pass_status, fail_status = q.test_statuses(args.arch)
    has_panic = q.PANIC_BEGIN in log
    if res.timed_out:
        problems.append(f"timeout: QEMU still running after {args.timeout} s")
    if args.expect == "pass":
        if not res.timed_out and res.status != pass_status:
            problems.append(f"wrong exit status: {res.status}, expected "
                            f"{pass_status} (test pass)")
        if q.PASS_MARKER not in log:
            problems.append(f"missing marker: '{q.PASS_MARKER}'")
        if has_panic:
            problems.append("the kernel panicked (record below)")
    elif args.expect == "panic":
        if not res.timed_out and res.status != fail_status:
            problems.append(f"wrong exit status: {res.status}, expected "
                            f"{fail_status} (test fail after panic)")
        if q.FAIL_MARKER + " (panic)" not in log:
            problems.append(f"missing marker: '{q.FAIL_MARKER} (panic)'")
        if not has_panic or q.PANIC_END not in log:
            problems.append("missing or incomplete panic record")
    elif args.expect == "poweroff":
        if not res.timed_out and res.status != 0:
            problems.append(f"wrong exit status: {res.status}, expected 0 "
                            "(ACPI power off)")
        if "machine: powering off" not in log:
            problems.append("missing marker: 'machine: powering off'")
        if has_panic:
            problems.append("the kernel panicked (record below)")
    elif args.expect == "panic-poweroff":
        if not res.timed_out and res.status != 0:
            problems.append(f"wrong exit status: {res.status}, expected 0 "
                            "(ACPI power off after the panic)")
        if not has_panic or q.PANIC_END not in log:
            problems.append("missing or incomplete panic record")
        if "machine: powering off after the panic" not in log:
            problems.append("missing marker: 'machine: powering off after the panic'")
        if "CAIRN-TEST:" in log:
            problems.append("a CAIRN-TEST marker outside test mode")
    elif args.expect == "reboot":
        if not res.timed_out and res.status != 0:
            problems.append(f"wrong exit status: {res.status}, expected 0 "
                            "(a reset under -no-reboot)")
        if "machine: rebooting after the panic (panic=reboot)" not in log:
            problems.append("missing marker: 'machine: rebooting after the panic (panic=reboot)'")
        if "machine: reboot failed" in log:
            problems.append("the kernel could not reboot (see log)")
        if SHUTDOWN_TRACE in log:
            problems.append("QEMU saw a shutdown request (a power off), not a reset")
        if not has_panic or q.PANIC_END not in log:
            problems.append("missing or incomplete panic record")
    elif args.expect == "boot-failed":
        if not res.timed_out and res.status != 0:
            problems.append(f"wrong exit status: {res.status}, expected 0 "
                            "(the firmware powered off)")
        if "CAIRN: BOOT FAILED" not in log:
            problems.append("missing marker: 'CAIRN: BOOT FAILED'")
        if any(KERNEL_LINE.match(text) for _, text in res.lines):
            problems.append("the kernel ran (a kernel log line is in the log)")
    for text in args.require:
        if text not in log:
            problems.append(f"missing required text: '{text}'")
    return problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--arch", required=True)
    ap.add_argument("--build", required=True)
    ap.add_argument("--boot", required=True)
    ap.add_argument("--cmdline", default=None)
    ap.add_argument("--expect", default="pass",
                    choices=("pass", "panic", "poweroff", "panic-poweroff", "reboot",
                             "boot-failed"))
    ap.add_argument("--corrupt-image", action="store_true")
    ap.add_argument("--require", action="append", default=[])
    ap.add_argument("--timeout", type=float, default=30)
    args = ap.parse_args()

    test_mode = args.expect in ("pass", "panic")
    cmdline = args.cmdline
    # Boot paths where QEMU's -append (or the hosted program's arguments)
    # reach the kernel get "cairn.test" by default: x86_64 pvh, aarch64
    # direct and uboot (U-Boot's qfw passes -append on); boot media (ISO,
    # disk image) carry their own command line.
    if cmdline is None and args.boot.split("+")[0] in ("pvh", "hosted", "direct", "uboot"):
        cmdline = "cairn.test" if test_mode else ""
    workdir = q.make_workdir()
    try:
        build = args.build
        if args.corrupt_image:
            if args.arch != "aarch64":
                raise SystemExit("boot_test: --corrupt-image is for aarch64 images")
            build = corrupt_image(args.build, workdir)
        extra = ["-trace", SHUTDOWN_TRACE] if args.expect == "reboot" else []
        cmd = q.qemu_command(args.arch, build, args.boot,
                             cmdline=cmdline or "", test=test_mode,
                             workdir=workdir, extra=extra)
        print("boot_test: " + " ".join(cmd), flush=True)
        res = q.run(cmd, args.timeout)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    problems = judge(args, res)
    status = "timeout" if res.timed_out else res.status
    if problems:
        print(f"boot_test: FAILED ({args.arch} {args.boot}, expect "
              f"{args.expect}, exit status {status}, {res.elapsed:.2f} s)")
        for p in problems:
            print("  - " + p)
        print("---- captured serial log ----")
        print(res.log)
        print("---- end of log ----")
        return 1
    print(f"boot_test: ok ({args.arch} {args.boot}, expect {args.expect}, "
          f"exit status {status}, {res.elapsed:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
