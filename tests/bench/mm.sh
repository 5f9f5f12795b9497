#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Memory-manager figures from the hosted build (tests/bench/mm_bench.c, built
# there as bench-mm): slab alloc+free pairs of 16..1024 bytes (fast path and
# debug mode), the kernels' kmalloc/kfree of the same sizes and of one page
# (large path; named kmalloc_debug_* when the build has CONFIG_MM_DEBUG, as
# hosted-bench does), and buddy page alloc+free, each with glibc malloc/free
# of the same size as the baseline, timed back to back with it in every
# repetition (alternating order; medians). Target (issue 4): slab pair
# <= 0.7x glibc. Needs CAIRN_BUILD_HOSTED.
set -euo pipefail
: "${CAIRN_BUILD_HOSTED:?}"
exe="$CAIRN_BUILD_HOSTED/bench-mm"
[ -x "$exe" ] || { echo "bench: $exe missing (build the hosted target)" >&2; exit 1; }
exec "$exe"
