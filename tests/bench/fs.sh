#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Filesystem benchmark, run by scripts/bench with CAIRN_BUILD_HOSTED set to a
# built plain hosted build directory. Prints "BENCH <name> <value> <unit>
# [baseline=<value>]" lines (see tests/bench/fs_bench.c); never fails on a
# timing, only when the program cannot run.
set -euo pipefail
build=${CAIRN_BUILD_HOSTED:?set CAIRN_BUILD_HOSTED to a hosted build directory}
exe="$build/bench-fs"
if [ ! -x "$exe" ]; then
	echo "fs.sh: $exe not built (build the hosted target first)" >&2
	exit 1
fi
exec "$exe"
