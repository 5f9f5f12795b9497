#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Filter a benchmark's stdout down to well-formed BENCH lines.

  tests/bench/X.sh | bench_lines.py X

Each line must read `BENCH <name> <value> <unit>` optionally followed by
` baseline=<value>`: name of [A-Za-z0-9_.-], value and baseline decimal
numbers, unit one word. Good lines are copied to stdout; every other line
is named on stderr (`bench: X: malformed output line ...`) and not passed
on, and the exit status is 1 if there was any. scripts/bench runs every
benchmark through it; tests/unit/bench/test_lines.py pins its rules.
"""
import re
import sys

LINE = re.compile(r"BENCH [A-Za-z0-9_.-]+ -?[0-9]+(\.[0-9]+)? [^ ]+"
                  r"( baseline=-?[0-9]+(\.[0-9]+)?)?")
WANT = "BENCH <name> <value> <unit>[ baseline=<value>]"


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: bench_lines.py NAME < output")
    name = sys.argv[1]
    bad = 0
    for raw in sys.stdin:
        line = raw.rstrip("\n")
        if LINE.fullmatch(line):
            print(line, flush=True)
        else:
            print(f"bench: {name}: malformed output line (want \"{WANT}\"): "
                  f"{line!r}", file=sys.stderr, flush=True)
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
