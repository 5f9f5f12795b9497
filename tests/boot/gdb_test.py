#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""scripts/gdbinit against QEMU's gdb stub, non-interactively (one QEMU).

  gdb_test.py --arch x86_64 --build DIR [--boot pvh] [--timeout S]

Boots the image in test mode with the CPU held at reset and the stub on a
free port (scripts/cairn_qemu.py, gdb=port), runs
  gdb -nx -batch -x scripts/gdbinit -ex continue -ex "info registers rip"
      -ex "info symbol $pc" -ex detach
from inside the repository so that the script finds
build/<target>-<app>/cairn.elf itself (CAIRN_ELF only for a build
elsewhere), and passes only if gdb loaded
the symbols itself, connected, stopped at the arch's first C function by
its breakpoint, showed rip there, and detached, after which the kernel
boots on to "CAIRN-TEST: PASS" and QEMU's test-pass status. Each failure
is named, with gdb's output and the serial log.
"""
import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

TOP = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                   "..", ".."))
sys.path.insert(0, os.path.join(TOP, "scripts"))
import cairn_qemu as q  # noqa: E402

FIRST_C = {"x86_64": "x86_64_start", "aarch64": "aarch64_start"}
PC_REG = {"x86_64": "rip", "aarch64": "pc"}
GDB = {"x86_64": "gdb", "aarch64": "gdb-multiarch"}


def free_port():
    with socket.socket() as s:
        s.bind(("localhost", 0))
        return s.getsockname()[1]


def wait_listening(port, proc, deadline):
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with socket.create_connection(("localhost", port), timeout=1):
                return True
        except OSError:
            time.sleep(0.05)
    return False


def config_value(build, key):
    with open(os.path.join(build, ".config"), encoding="utf-8") as f:
        for line in f:
            m = re.match(r'^%s="(.*)"$' % key, line.strip())
            if m:
                return m.group(1)
    return None


def gdb_env(build, elf, port, workdir):
    """How gdb is started. A build in the repository's build/ directory is
    found by scripts/gdbinit itself, as a developer would run it (from
    inside the repository, CAIRN_TARGET and CAIRN_APP at most); any other
    build directory is named with CAIRN_ELF."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("CAIRN_ELF", "CAIRN_TARGET", "CAIRN_APP")}
    env["CAIRN_GDB_PORT"] = str(port)
    target = config_value(build, "CONFIG_TARGET_NAME")
    app = config_value(build, "CONFIG_APP_NAME")
    if target and app and os.path.realpath(build) == os.path.realpath(
            os.path.join(TOP, "build", f"{target}-{app}")):
        env["CAIRN_TARGET"], env["CAIRN_APP"] = target, app
        return env, os.path.realpath(build)
    env["CAIRN_ELF"] = elf
    return env, workdir


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--arch", required=True, choices=sorted(FIRST_C))
    ap.add_argument("--build", required=True)
    ap.add_argument("--boot", default="pvh")
    ap.add_argument("--timeout", type=float, default=60)
    args = ap.parse_args()

    elf = os.path.abspath(os.path.join(args.build, "cairn.elf"))
    func, reg = FIRST_C[args.arch], PC_REG[args.arch]
    port = free_port()
    workdir = q.make_workdir()
    serial = os.path.join(workdir, "serial.log")
    problems = []
    gdb_out = ""
    status = None
    try:
        cmd = q.qemu_command(args.arch, args.build, args.boot,
                             cmdline="cairn.test", test=True, gdb=port,
                             workdir=workdir, serial="file:" + serial)
        print("gdb_test: " + " ".join(cmd), flush=True)
        with q.QemuSlot():
            deadline = time.monotonic() + args.timeout
            qemu = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                    stdout=subprocess.DEVNULL,
                                    stderr=subprocess.PIPE, text=True)
            try:
                if not wait_listening(port, qemu, deadline):
                    problems.append(f"QEMU's gdb stub never listened on :{port}")
                else:
                    env, cwd = gdb_env(args.build, elf, port, workdir)
                    gdb = [GDB[args.arch], "-nx", "-batch",
                           "-x", os.path.join(TOP, "scripts", "gdbinit"),
                           "-ex", "continue", "-ex", f"info registers {reg}",
                           "-ex", "info symbol $pc", "-ex", "detach"]
                    print("gdb_test: " + " ".join(gdb), flush=True)
                    try:
                        g = subprocess.run(gdb, env=env, capture_output=True,
                                           text=True, cwd=cwd,
                                           timeout=max(1, deadline - time.monotonic()))
                        gdb_out = g.stdout + g.stderr
                        if g.returncode != 0:
                            problems.append(f"gdb exited with status {g.returncode}")
                    except subprocess.TimeoutExpired as e:
                        out = e.stdout or ""
                        gdb_out = out.decode() if isinstance(out, bytes) else out
                        problems.append(f"timeout: gdb still running after {args.timeout} s")
                try:
                    status = qemu.wait(timeout=max(1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    problems.append(f"timeout: QEMU still running after {args.timeout} s "
                                    "(did gdb detach?)")
            finally:
                if qemu.poll() is None:
                    qemu.kill()
                    qemu.wait()
        with open(serial, encoding="utf-8", errors="replace") as f:
            log = f.read()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    if not re.search(r"Cairn: \S*cairn\.elf loaded, connected to :%d" % port, gdb_out):
        problems.append("gdbinit did not report loading cairn.elf and connecting")
    if not re.search(r"^Breakpoint \d+, .*\b%s\b" % func, gdb_out, re.M):
        problems.append(f"gdb did not stop at its breakpoint in {func}")
    # "rip  0xffffffff8020105d  0xffffffff8020105d <x86_64_start>"
    m = re.search(r"^%s\s+0x([0-9a-f]+)\s+(0x[0-9a-f]+\s+)?<%s(\+\d+)?>" % (reg, func),
                  gdb_out, re.M)
    if not m:
        problems.append(f"'info registers {reg}' does not show {reg} in {func}")
    if not re.search(r"^%s(\s+\+\s+\d+)? in section \.text" % func, gdb_out, re.M):
        problems.append(f"'info symbol $pc' does not name {func} in .text")
    if not re.search(r"^\[Inferior \d+ \(.*\) detached\]", gdb_out, re.M):
        problems.append("gdb did not detach")
    if status != q.TEST_PASS_STATUS:
        problems.append(f"wrong QEMU exit status after detach: {status}, expected "
                        f"{q.TEST_PASS_STATUS} (test pass)")
    if q.PASS_MARKER not in log:
        problems.append(f"missing marker after detach: '{q.PASS_MARKER}'")

    if problems:
        print(f"gdb_test: FAILED ({args.arch} {args.boot})")
        for p in problems:
            print("  - " + p)
        print("---- gdb output ----\n" + gdb_out + "---- serial log ----\n" + log
              + "---- end ----")
        return 1
    print(f"gdb_test: ok ({args.arch} {args.boot}: symbols loaded by scripts/gdbinit, "
          f"stopped in {func} at 0x{m.group(1)}, detached, boot passed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
