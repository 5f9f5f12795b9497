#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""The boot-test harness must fail, and say why, when a boot goes wrong.

Runs tests/boot/boot_test.py against real boots whose outcome contradicts
the expectation, and checks that it exits non-zero naming each problem and
printing the captured log:
  - expecting a pass from a boot that panics: wrong exit status, missing
    pass marker, a panic record
  - expecting a panic from a boot that passes: wrong status, no record
  - a boot that cannot finish in its time: timeout
  - a required line that never appears
  - expecting a panic and power off from a clean power off (no record),
    or from a test-mode run (test status, CAIRN-TEST marker)
Usage: harness_test.py --arch A --build DIR --boot PATH
"""
import argparse
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def boot_test(args, *extra):
    cmd = ["/usr/bin/python3", os.path.join(HERE, "boot_test.py"), "--arch",
           args.arch, "--build", args.build, "--boot", args.boot] + list(extra)
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, timeout=120)
    return p.returncode, p.stdout


def expect_failure(args, name, extra, needles):
    rc, out = boot_test(args, *extra)
    problems = []
    if rc == 0:
        problems.append("boot_test.py passed but must fail")
    for n in needles + ["---- captured serial log ----"]:
        if n not in out:
            problems.append(f"output lacks '{n}'")
    if problems:
        print(f"harness_test: {name}: FAILED")
        for p in problems:
            print("  - " + p)
        print(out)
        return False
    print(f"harness_test: {name}: ok")
    return True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--arch", required=True)
    ap.add_argument("--build", required=True)
    ap.add_argument("--boot", required=True)
    args = ap.parse_args()
    hosted = args.arch == "hosted"
    pass_s, fail_s = ("0", "1") if hosted else ("33", "35")
    ok = True
    ok &= expect_failure(args, "pass expected, kernel panics",
                         ["--cmdline", "cairn.test cairn.selftest=panic",
                          "--timeout", "30"],
                         [f"wrong exit status: {fail_s}, expected {pass_s}",
                          "missing marker: 'CAIRN-TEST: PASS'",
                          "the kernel panicked"])
    ok &= expect_failure(args, "panic expected, kernel passes",
                         ["--expect", "panic", "--timeout", "30"],
                         [f"wrong exit status: {pass_s}, expected {fail_s}",
                          "missing or incomplete panic record"])
    ok &= expect_failure(args, "required line missing",
                         ["--require", "no kernel ever prints this",
                          "--timeout", "30"],
                         ["missing required text: 'no kernel ever prints this'"])
    ok &= expect_failure(args, "panic-poweroff expected, machine powers off cleanly",
                         ["--expect", "panic-poweroff", "--timeout", "30"],
                         ["missing or incomplete panic record",
                          "missing marker: 'machine: powering off after the panic'"])
    if args.arch in ("x86_64", "hosted"):
        # (x86_64's test-exit device is always present; AArch64's
        # semihosting exit is only enabled for test-mode runs.)
        ok &= expect_failure(args, "panic-poweroff expected, test mode on",
                             ["--expect", "panic-poweroff", "--cmdline",
                              "cairn.test cairn.selftest=panic", "--timeout", "30"],
                             [f"wrong exit status: {fail_s}, expected 0",
                              "a CAIRN-TEST marker outside test mode"])
    if not hosted:
        ok &= expect_failure(args, "timeout",
                             ["--timeout", "0.05"],
                             ["timeout: QEMU still running after 0.05 s"])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
