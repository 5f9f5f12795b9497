#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""scripts/run's QEMU end (scripts/cairn_qemu.py's interactive mode): a
normal appliance run exits 0; a panic outside test mode prints its record,
powers off by itself (not by the timeout) and makes the run exit 3.

  run_test.py --arch x86_64 --build DIR [--boot pvh]

Boots twice, one QEMU at a time, exactly as scripts/run does (console on
this process's stdout, stdin from /dev/null), and names each problem.
"""
import argparse
import os
import subprocess
import sys

TOP = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                   "..", ".."))
sys.path.insert(0, os.path.join(TOP, "scripts"))
import cairn_qemu as q  # noqa: E402

TIMEOUT = 30


def run(args, append):
    cmd = ["/usr/bin/python3", os.path.join(TOP, "scripts", "cairn_qemu.py"),
           "--arch", args.arch, "--build", args.build, "--boot", args.boot,
           "--timeout", str(TIMEOUT)]
    if append:
        cmd += ["--append", append]
    print("run_test: " + " ".join(cmd), flush=True)
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=TIMEOUT + 60)
    return p.returncode, p.stdout.decode("utf-8", "replace")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--arch", required=True)
    ap.add_argument("--build", required=True)
    ap.add_argument("--boot", default="pvh")
    args = ap.parse_args()
    problems = []
    logs = []

    rc, out = run(args, "")
    logs.append(out)
    if rc != 0:
        problems.append(f"normal run: exit status {rc}, expected 0")
    if "machine: powering off" not in out:
        problems.append("normal run: missing 'machine: powering off'")
    if "run: the kernel panicked" in out:
        problems.append("normal run: reported as a panic")

    rc, out = run(args, "cairn.selftest=panic")
    logs.append(out)
    if rc != q.RUN_PANIC_STATUS:
        problems.append(f"panic run: exit status {rc}, expected "
                        f"{q.RUN_PANIC_STATUS} (124 is the timeout)")
    for needle in (q.PANIC_BEGIN, "reason:    selftest: forced panic", q.PANIC_END,
                   "machine: powering off after the panic (panic=poweroff)",
                   "run: the kernel panicked (record above); the machine powered off"):
        if needle not in out:
            problems.append(f"panic run: missing '{needle}'")

    if problems:
        print("run_test: FAILED")
        for p in problems:
            print("  - " + p)
        for log in logs:
            print("---- output ----\n" + log)
        print("---- end ----")
        return 1
    print("run_test: ok (normal run exits 0; a panic powers off and exits "
          f"{q.RUN_PANIC_STATUS})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
