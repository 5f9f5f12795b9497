#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Scheduler figures from the hosted build (tests/bench/sched_bench.c, built
# there as bench-sched): thread switch cost, yield and wait-queue ping-pong
# round trips in ns, each with a Linux futex ping-pong between two pthreads
# pinned to one CPU as the baseline measured in the same run. Target
# (issue 5): round trips >= 20x faster than the futex baseline. The in-guest
# switch cost in cycles comes from the QEMU benchmarks of each arch.
# Needs CAIRN_BUILD_HOSTED.
set -euo pipefail
: "${CAIRN_BUILD_HOSTED:?}"
exe="$CAIRN_BUILD_HOSTED/bench-sched"
[ -x "$exe" ] || { echo "bench: $exe missing (build the hosted target)" >&2; exit 1; }
exec "$exe"
