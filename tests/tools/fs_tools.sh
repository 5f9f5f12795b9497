#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# The filesystem host tools as a user drives them:
#   - cairn-fsck exit codes (e2fsck's: 0 clean, 1 fixed, 4 errors left,
#     8 operational error incl. no valid superblock, 16 usage);
#   - a crashed image (journal to replay) is listed and read by cairn-fsutil
#     without being modified (read-only mount replays in memory);
#   - cairn-mkfs -d keeps the mode and mtime of files, directories and
#     symlinks of the host tree.
#
#   fs_tools.sh BUILD_DIR
set -u
b=${1:?usage: fs_tools.sh BUILD_DIR}
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
fails=0

fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# expect_rc CODE CMD... - run CMD, its status must be CODE.
expect_rc() {
	local want=$1 rc
	shift
	"$@" >"$t/out" 2>&1
	rc=$?
	if [ "$rc" != "$want" ]; then
		fail "'$*' exited $rc, expected $want; output:"
		sed 's/^/    /' "$t/out"
	fi
}

# -- cairn-fsck exit codes ----------------------------------------------------
expect_rc 16 "$b/cairn-fsck"
expect_rc 16 "$b/cairn-fsck" -z "$t/none.img"
expect_rc 16 "$b/cairn-fsck" a.img b.img
expect_rc 8 "$b/cairn-fsck" "$t/missing.img"
head -c 1048576 /dev/zero >"$t/zero.img"
expect_rc 8 "$b/cairn-fsck" "$t/zero.img"
grep -q "no valid cfs superblock" "$t/out" || fail "no superblock: message missing"

expect_rc 0 "$b/cairn-mkfs" "$t/clean.img" 4M
expect_rc 0 "$b/cairn-fsck" "$t/clean.img"
expect_rc 0 "$b/cairn-fsck" -n "$t/clean.img"

# A damaged superblock copy: found with -n (4), fixed (1), then clean (0).
cp "$t/clean.img" "$t/damaged.img"
printf '\xff' | dd of="$t/damaged.img" bs=1 seek=$((4096 + 100)) conv=notrunc status=none
expect_rc 4 "$b/cairn-fsck" -n "$t/damaged.img"
expect_rc 1 "$b/cairn-fsck" "$t/damaged.img"
expect_rc 0 "$b/cairn-fsck" "$t/damaged.img"

# -- a crashed image ------------------------------------------------------------
expect_rc 0 "$b/crashed-image" "$t/crashed.img"
sum=$(sha256sum <"$t/crashed.img")
expect_rc 0 "$b/cairn-fsutil" "$t/crashed.img" ls /
grep -q "d" "$t/out" && grep -q "a" "$t/out" || fail "ls of the crashed image: $(cat "$t/out")"
expect_rc 0 "$b/cairn-fsutil" "$t/crashed.img" cat /d/b
[ "$(cat "$t/out")" = hello ] || fail "cat /d/b of the crashed image: '$(cat "$t/out")'"
expect_rc 0 "$b/cairn-fsutil" "$t/crashed.img" cat /a
[ "$(cat "$t/out")" = "$(head -c 3000 /dev/zero | tr '\0' a)" ] || fail "cat /a of the crashed image"
[ "$(sha256sum <"$t/crashed.img")" = "$sum" ] || fail "cairn-fsutil modified the crashed image"
# Journal replay alone: -n stops with errors left (4); repair replays (1).
expect_rc 4 "$b/cairn-fsck" -n "$t/crashed.img"
expect_rc 1 "$b/cairn-fsck" "$t/crashed.img"
grep -q "replayed 1 committed transactions" "$t/out" || fail "fsck did not say it replayed"
expect_rc 0 "$b/cairn-fsck" "$t/crashed.img"

if [ "$fails" = 0 ]; then
	echo "fs tools: all checks passed"
else
	echo "fs tools: $fails checks failed"
	exit 1
fi
