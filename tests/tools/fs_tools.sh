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

# -- cairn-mkfs -d keeps mode and mtime ------------------------------------------
src="$t/tree"
mkdir -p "$src/sub/deeper"
printf 'script' >"$src/run.sh"
printf 'secret' >"$src/sub/key"
ln -s ../run.sh "$src/sub/link"
chmod 0751 "$src/run.sh"
chmod 0600 "$src/sub/key"
chmod 0710 "$src/sub/deeper"
chmod 0750 "$src/sub"
chmod 0705 "$src"
touch -h -d '2001-02-03 04:05:06.123456789 UTC' "$src/sub/link"
touch -d '2002-03-04 05:06:07.5 UTC' "$src/run.sh"
touch -d '2003-04-05 06:07:08 UTC' "$src/sub/key"
touch -d '2004-05-06 07:08:09.25 UTC' "$src/sub/deeper"
touch -d '2005-06-07 08:09:10 UTC' "$src/sub"
touch -d '2006-07-08 09:10:11 UTC' "$src"
expect_rc 0 "$b/cairn-mkfs" -d "$src" "$t/tree.img" 4M
for p in run.sh sub/key sub/link sub/deeper sub ""; do
	h="$src${p:+/$p}"
	want_perm=$(stat -c %a "$h")
	want_mtime=$(stat -c '%.9Y' "$h" | tr -d .)  # ns since the epoch
	expect_rc 0 "$b/cairn-fsutil" "$t/tree.img" stat "/$p"
	got=$(cat "$t/out")
	got_perm=$(sed -n 's/.* perm \([0-7]*\) .*/\1/p' <<<"$got")
	got_mtime=$(sed -n 's/.* mtime \([0-9]*\) .*/\1/p' <<<"$got")
	[ "$got_perm" = "$want_perm" ] || fail "mkfs -d: /$p has perm $got_perm, host $want_perm"
	[ "$got_mtime" = "$want_mtime" ] || fail "mkfs -d: /$p has mtime $got_mtime, host $want_mtime"
done
expect_rc 0 "$b/cairn-fsutil" "$t/tree.img" cat /sub/key
[ "$(cat "$t/out")" = secret ] || fail "mkfs -d: /sub/key holds '$(cat "$t/out")'"
expect_rc 0 "$b/cairn-fsck" "$t/tree.img"

if [ "$fails" = 0 ]; then
	echo "fs tools: all checks passed"
else
	echo "fs tools: $fails checks failed"
	exit 1
fi
