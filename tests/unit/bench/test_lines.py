#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""scripts/bench_lines.py: the BENCH line format scripts/bench enforces.
Good lines pass through unchanged; each malformed one is named on stderr,
dropped, and makes the exit status 1."""
import os
import subprocess
import sys
import unittest

TOOL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..",
                    "scripts", "bench_lines.py")


def run(text):
    return subprocess.run([sys.executable, TOOL, "demo"], input=text,
                          capture_output=True, text=True)


class BenchLinesTest(unittest.TestCase):
    def test_good_lines_pass_unchanged(self):
        good = ("BENCH boot_x86_64_pvh_ms 151.6 ms baseline=108.4\n"
                "BENCH fs.small_file_device_writes 3.00 writes/file\n"
                "BENCH sched.switch-fpu 41.2 ns baseline=2400.0\n"
                "BENCH fs.mkfs_1GiB_written 12.5 MiB\n"
                "BENCH kernel_x86_64_hello_stripped_kib 124 KiB\n"
                "BENCH delta -3.5 ms baseline=-1\n")
        p = run(good)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout, good)
        self.assertEqual(p.stderr, "")

    def test_each_malformed_line_is_named_and_dropped(self):
        bad = ["# baseline: Linux futex ping-pong",
               "BENCH fs.mkfs_1GiB 0.512 s written=12.5MiB",
               "BENCH x 1.0",
               "BENCH x fast ms",
               "BENCH x 1.0 ms baseline=",
               "BENCH x 1.0 ms baseline=1.0 extra",
               "bench x 1.0 ms",
               "BENCH  x 1.0 ms",
               "BENCH x 1.0 ms ",
               "BENCH x nan ms",
               ""]
        for line in bad:
            with self.subTest(line=line):
                p = run("BENCH ok 1 ms\n" + line + "\n")
                self.assertEqual(p.returncode, 1)
                self.assertEqual(p.stdout, "BENCH ok 1 ms\n")
                self.assertEqual(p.stderr, 'bench: demo: malformed output line (want '
                                 '"BENCH <name> <value> <unit>[ baseline=<value>]"): '
                                 f"{line!r}\n")

    def test_no_output_is_no_error(self):
        p = run("")
        self.assertEqual((p.returncode, p.stdout, p.stderr), (0, "", ""))


if __name__ == "__main__":
    unittest.main(verbosity=2)
