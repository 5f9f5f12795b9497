# SPDX-License-Identifier: BSD-2-Clause
"""Run Cairn images under QEMU: one place that knows the QEMU command lines.

Used by scripts/run (interactive), tests/boot/boot_test.py (the boot tests)
and tests/bench/ (boot-time benchmarks), so all three boot the same way.

Facts this relies on (docs/testing.md, "QEMU on this machine"):
  - always TCG (-accel tcg): /dev/kvm on these machines is a software
    nested-virtualisation module; firmware runs instruction by instruction
    (SeaBIOS + GRUB ~35 s) and OVMF stops with "KVM internal error", after
    which QEMU pauses instead of exiting
  - x86_64 test mode: isa-debug-exit at 0xf4; the kernel writes 0x10 (pass)
    or 0x11 (fail), QEMU exits with (v << 1) | 1 = 33 or 35
  - a triple fault with -no-reboot exits 0, so 0 never means pass in tests
  - at most two QEMU processes at once on this 2-core machine: each run
    takes one of two slot locks (flock) and waits for a free one
  - aarch64 test mode: ARM semihosting SYS_EXIT with status 33 or 35 (the
    same numbers as x86_64), enabled by -semihosting-config in test runs;
    otherwise the kernel powers off through PSCI (QEMU exits 0)
  - aarch64 U-Boot runs read a saved environment from the second flash
    bank (uboot-env.img, made by the build): no boot delay, the disk's
    boot.scr first, then QEMU's -kernel (qfw), power off if both fail
"""
import fcntl
import os
import select
import shutil
import subprocess
import tempfile
import time

TEST_PASS_STATUS = 33
TEST_FAIL_STATUS = 35
# The hosted shim is a Linux process: its test exit is the process status.
HOSTED_PASS_STATUS = 0
HOSTED_FAIL_STATUS = 1
PASS_MARKER = "CAIRN-TEST: PASS"
FAIL_MARKER = "CAIRN-TEST: FAIL"
PANIC_BEGIN = "======== CAIRN PANIC ========"
PANIC_END = "======== END PANIC ========"

QBOOT = "/usr/share/qemu/qboot.rom"
OVMF_CODE = "/usr/share/OVMF/OVMF_CODE_4M.fd"
OVMF_VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd"

SLOTS = 2
SLOT_DIR = os.environ.get("CAIRN_QEMU_SLOT_DIR", "/tmp")

UBOOT_BIOS = "/usr/lib/u-boot/qemu_arm64/u-boot.bin"

BOOT_PATHS = {
    "x86_64": ("pvh", "grub", "uefi"),
    # direct: QEMU -kernel Image; uboot: U-Boot fetches -kernel (qfw);
    # uboot-disk: U-Boot boots the disk image (boot.scr -> FIT, verified);
    # uboot-disk-image: a disk holding only the Image (boot.scr -> booti).
    # Machine options follow as "+opt": a53, a57, a72, max (the CPU;
    # default a57), gicv3 (default GICv2), el2 (virtualization=on: the
    # kernel is entered at EL2). Example: "direct+a53+gicv3+el2".
    "aarch64": ("direct", "uboot", "uboot-disk", "uboot-disk-image"),
}
AARCH64_CPUS = {"a53": "cortex-a53", "a57": "cortex-a57", "a72": "cortex-a72",
                "max": "max"}


class QemuSlot:
    """One of SLOTS machine-wide slots; blocks until one is free."""

    def __enter__(self):
        while True:
            for i in range(SLOTS):
                f = open(os.path.join(SLOT_DIR, f"cairn-qemu-slot-{i}.lock"), "w")
                try:
                    fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    self.f = f
                    return self
                except BlockingIOError:
                    f.close()
            time.sleep(0.05)

    def __exit__(self, *exc):
        fcntl.flock(self.f, fcntl.LOCK_UN)
        self.f.close()


GDB_PORT = 1234


def _gdb_stub(gdb):
    """QEMU options for the gdb stub: gdb=True listens on GDB_PORT (what
    QEMU's -s does), an int on that TCP port; either way the CPU waits for
    gdb's continue (-S)."""
    if not gdb:
        return []
    port = GDB_PORT if gdb is True else int(gdb)
    return ["-gdb", f"tcp:localhost:{port}", "-S"]


def qemu_command(arch, build, boot, cmdline="", test=True, gdb=False,
                 memory="128M", workdir=None, serial="stdio", extra=()):
    """The QEMU argv to boot build dir `build` of `arch` via `boot` (for the
    hosted shim: the argv of the hosted program itself)."""
    if arch == "hosted":
        return [os.path.join(build, "cairn")] + cmdline.split()
    if arch == "x86_64":
        return _x86_64(build, boot, cmdline, test, gdb, memory, workdir,
                       serial, extra)
    if arch == "aarch64":
        return _aarch64(build, boot, cmdline, test, gdb, memory, workdir,
                        serial, extra)
    raise ValueError(f"no QEMU recipe for architecture '{arch}'")


def _x86_64(build, boot, cmdline, test, gdb, memory, workdir, serial, extra):
    cmd = ["qemu-system-x86_64", "-accel", "tcg", "-M", "q35", "-m", memory,
           "-display", "none", "-serial", serial, "-no-reboot"]
    if boot == "pvh":
        # qboot: the smallest firmware that can load a PVH kernel.
        cmd += ["-bios", QBOOT, "-nodefaults",
                "-kernel", os.path.join(build, "cairn.elf")]
        if cmdline:
            cmd += ["-append", cmdline]
    elif boot in ("grub", "uefi"):
        iso = os.path.join(build, "cairn-test.iso" if test else "cairn.iso")
        if cmdline:
            raise ValueError("the GRUB ISO carries its own command line "
                             "(CONFIG_CMDLINE); use --boot pvh for -append")
        cmd += ["-nodefaults", "-cdrom", iso]
        if boot == "uefi":
            if workdir is None:
                raise ValueError("uefi needs a work directory for OVMF_VARS")
            vars_copy = os.path.join(workdir, "OVMF_VARS.fd")
            shutil.copyfile(OVMF_VARS, vars_copy)
            cmd += ["-drive", f"if=pflash,format=raw,readonly=on,file={OVMF_CODE}",
                    "-drive", f"if=pflash,format=raw,file={vars_copy}"]
    else:
        raise ValueError(f"unknown x86_64 boot path '{boot}' "
                         f"(known: {', '.join(BOOT_PATHS['x86_64'])})")
    # The test-exit device is always present: in test mode the kernel uses
    # it; otherwise it powers off through ACPI and never touches it.
    cmd += ["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
    cmd += _gdb_stub(gdb)
    return cmd + list(extra)


def _aarch64(build, boot, cmdline, test, gdb, memory, workdir, serial, extra):
    path, *opts = boot.split("+")
    cpu, machine = "cortex-a57", ["virt"]
    for o in opts:
        if o in AARCH64_CPUS:
            cpu = AARCH64_CPUS[o]
        elif o == "gicv3":
            machine.append("gic-version=3")
        elif o == "el2":
            machine.append("virtualization=on")
        else:
            raise ValueError(f"unknown aarch64 machine option '{o}' (known: "
                             f"{', '.join(AARCH64_CPUS)}, gicv3, el2)")
    cmd = ["qemu-system-aarch64", "-accel", "tcg", "-M", ",".join(machine),
           "-cpu", cpu, "-m", memory, "-nodefaults", "-display", "none",
           "-serial", serial, "-no-reboot"]
    image = os.path.join(build, "Image")
    env = ["-drive", "if=pflash,unit=1,format=raw,readonly=on,file="
           + os.path.join(build, "uboot-env.img")]
    if path == "direct":
        cmd += ["-kernel", image]
        if cmdline:
            cmd += ["-append", cmdline]
    elif path == "uboot":
        cmd += ["-bios", UBOOT_BIOS] + env + ["-kernel", image]
        if cmdline:
            cmd += ["-append", cmdline]
    elif path in ("uboot-disk", "uboot-disk-image"):
        if cmdline:
            raise ValueError("the disk image's boot.scr carries its own command "
                             "line (CONFIG_CMDLINE); use direct or uboot for -append")
        name = "cairn-test" if test else "cairn"
        if path == "uboot-disk-image":
            name += "-image"
        disk = os.path.join(build, name + ".img")
        cmd += ["-bios", UBOOT_BIOS] + env + [
            "-drive", f"if=none,format=raw,readonly=on,id=disk,file={disk}",
            "-device", "virtio-blk-device,drive=disk"]
    else:
        raise ValueError(f"unknown aarch64 boot path '{path}' "
                         f"(known: {', '.join(BOOT_PATHS['aarch64'])})")
    # Test mode ends through semihosting SYS_EXIT (33 pass, 35 fail);
    # otherwise through PSCI SYSTEM_OFF, which needs nothing here.
    if test:
        cmd += ["-semihosting-config", "enable=on,target=native"]
    cmd += _gdb_stub(gdb)
    return cmd + list(extra)


class Result:
    def __init__(self):
        self.status = None       # QEMU's exit status, None on timeout
        self.timed_out = False
        self.lines = []          # (seconds since spawn, text)
        self.elapsed = 0.0

    @property
    def log(self):
        return "\n".join(t for _, t in self.lines)

    def first(self, needle):
        """Seconds from spawn to the first line containing needle, or None."""
        for t, text in self.lines:
            if needle in text:
                return t
        return None


def test_statuses(arch):
    """(pass, fail) exit statuses of a test-mode run on `arch`."""
    if arch == "hosted":
        return HOSTED_PASS_STATUS, HOSTED_FAIL_STATUS
    return TEST_PASS_STATUS, TEST_FAIL_STATUS


def run(cmd, timeout, stop_on=None):
    """Run QEMU with a timeout, capturing its serial output line by line with
    arrival times. If stop_on is given, stop QEMU as soon as a line holds it
    (used by benchmarks that only need the time to a marker)."""
    res = Result()
    with QemuSlot():
        start = time.monotonic()
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT)
        buf = b""
        fd = proc.stdout.fileno()
        deadline = start + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                res.timed_out = True
                proc.kill()
                break
            ready, _, _ = select.select([fd], [], [], min(left, 0.5))
            if not ready:
                if proc.poll() is not None:
                    break
                continue
            chunk = os.read(fd, 65536)
            now = time.monotonic() - start
            if not chunk:
                break
            buf += chunk
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                text = line.decode("utf-8", "replace").rstrip("\r")
                res.lines.append((now, text))
                if stop_on and stop_on in text:
                    proc.kill()
                    proc.wait()
                    res.elapsed = time.monotonic() - start
                    res.status = proc.returncode
                    return res
        if buf:
            res.lines.append((time.monotonic() - start,
                              buf.decode("utf-8", "replace").rstrip("\r")))
        proc.wait()
        res.elapsed = time.monotonic() - start
        res.status = None if res.timed_out else proc.returncode
    return res


def make_workdir():
    return tempfile.mkdtemp(prefix="cairn-qemu-")


def main():
    """Interactive boot for scripts/run: the console is this terminal."""
    import argparse
    ap = argparse.ArgumentParser(description="boot a Cairn build in QEMU")
    ap.add_argument("--arch", required=True)
    ap.add_argument("--build", required=True)
    ap.add_argument("--boot", required=True)
    ap.add_argument("--append", default="")
    ap.add_argument("--gdb", action="store_true")
    ap.add_argument("--timeout", type=int, default=600)
    args = ap.parse_args()
    workdir = make_workdir()
    try:
        cmd = qemu_command(args.arch, args.build, args.boot,
                           cmdline=args.append, test=False, gdb=args.gdb,
                           workdir=workdir, serial="mon:stdio")
    except ValueError as e:
        raise SystemExit(f"run: {e}")
    if args.gdb:
        gdb = "gdb" if args.arch == "x86_64" else "gdb-multiarch"
        elf = os.path.join(args.build, "cairn.elf")
        print(f"run: QEMU waits for gdb on :{GDB_PORT}; in another terminal run\n"
              f"  CAIRN_ELF={elf} {gdb} -x scripts/gdbinit", flush=True)
    timeout = args.timeout * (6 if args.gdb else 1)
    try:
        with QemuSlot():
            rc, panicked = relay(["timeout", "--foreground", str(timeout)] + cmd)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if rc == 124:
        print(f"run: QEMU stopped after the {timeout} s timeout", flush=True)
        return rc
    if panicked and rc == 0:
        # Power off carries no status: the console said it was a panic.
        print("run: the kernel panicked (record above); the machine powered off",
              flush=True)
        return RUN_PANIC_STATUS
    return rc


# scripts/run's exit status when the kernel panicked and QEMU then exited
# normally (the default panic=poweroff).
RUN_PANIC_STATUS = 3


def relay(cmd):
    """Run cmd with its stdout copied to ours byte for byte as it comes
    (the console stays interactive: stdin is inherited), watching for the
    start of a panic record. Returns (exit status, whether it panicked)."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE)
    marker = PANIC_BEGIN.encode()
    seen = b""
    panicked = False
    fd = proc.stdout.fileno()
    while True:
        chunk = os.read(fd, 4096)
        if not chunk:
            break
        os.write(1, chunk)
        if not panicked:
            seen = (seen + chunk)[-(len(marker) + 4096):]
            panicked = marker in seen
    return proc.wait(), panicked


if __name__ == "__main__":
    raise SystemExit(main())
