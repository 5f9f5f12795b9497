#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# Make a bootable disk image for U-Boot boards, as a board's SD card or
# eMMC would hold it: an MBR with one FAT16 partition (type 0x0c, bootable,
# from 1 MiB) holding the given files at its root.
#
#   mkdisk.sh OUT.img SIZE_MIB FILE...
#
# No root, loop devices or mounts: mkfs.fat builds the file system in a
# file, mtools copies into it, dd places it after the partition table.
# Reproducible: fixed volume id and disk id, file times set to the epoch,
# mkfs.fat --invariant.
set -eu
out=$1
size_mib=$2
shift 2
tmp="$out.tmp"
rm -rf "$tmp" "$out"
mkdir -p "$tmp/files"
part_kib=$(( (size_mib - 1) * 1024 ))

for f in "$@"; do
	cp "$f" "$tmp/files/"
done
touch -d @0 "$tmp/files/"*
mkfs.fat --invariant -i 0xca1e0001 -n CAIRN -F 16 -C "$tmp/part.img" "$part_kib" >/dev/null
mcopy -m -i "$tmp/part.img" "$tmp/files/"* ::/

truncate -s "${size_mib}M" "$out"
printf 'label: dos\nlabel-id: 0xca1e0001\nstart=2048, type=c, bootable\n' |
	sfdisk --quiet --no-reread --no-tell-kernel "$out"
dd if="$tmp/part.img" of="$out" bs=1M seek=1 conv=notrunc status=none
rm -rf "$tmp"
