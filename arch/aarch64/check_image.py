#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Check an arm64 Image against the ELF it came from, as a loader will read it.

  check_image.py cairn.elf Image

Fails (exit 1, saying why) unless:
  - the Image header has the "ARM\\x64" magic, text_offset 0, flags
    "little endian, 4 KiB pages, place anywhere", and an image_size that
    covers the file and is what the ELF's __image_size says;
  - every dynamic relocation of the ELF is R_AARCH64_RELATIVE (entry.S
    applies no other kind; R_AARCH64_NONE is skipped) and lands inside the image's writable part.
"""
import struct
import subprocess
import sys

R_AARCH64_RELATIVE = 1027


def fail(msg):
    print(f"check_image: {msg}", file=sys.stderr)
    sys.exit(1)


def symbols(elf):
    out = subprocess.run(["aarch64-linux-gnu-nm", elf], check=True,
                         capture_output=True, text=True).stdout
    syms = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3:
            syms[parts[2]] = int(parts[0], 16)
    return syms


def relocations(elf):
    with open(elf, "rb") as f:
        data = f.read()
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3a)
    relocs = []
    for i in range(shnum):
        (name, stype, flags, addr, off, size, link, info, align,
         entsize) = struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize)
        if stype == 4:  # SHT_RELA
            for r in range(size // 24):
                relocs.append(struct.unpack_from("<QQq", data, off + r * 24))
    return relocs


def main():
    elf, image = sys.argv[1], sys.argv[2]
    with open(image, "rb") as f:
        img = f.read()
    if len(img) < 64:
        fail(f"{image} is {len(img)} bytes: no header")
    (code0, code1, text_offset, image_size, flags, _r2, _r3, _r4, magic,
     _r5) = struct.unpack_from("<IIQQQQQQII", img, 0)
    if magic != 0x644d5241:
        fail(f"bad magic {magic:#x} (expected ARM\\x64)")
    if text_offset != 0:
        fail(f"text_offset {text_offset:#x}, expected 0")
    if flags != 0xa:
        fail(f"flags {flags:#x}, expected 0xa (LE, 4K pages, place anywhere)")
    syms = symbols(elf)
    if image_size != syms.get("__image_size"):
        fail(f"image_size {image_size:#x} is not __image_size "
             f"{syms.get('__image_size', 0):#x}")
    if image_size < len(img):
        fail(f"image_size {image_size:#x} smaller than the file ({len(img):#x})")
    lo, hi = syms["__rodata_start"], syms["__image_end"]
    for off, info, addend in relocations(elf):
        if info & 0xffffffff == 0:
            continue  # R_AARCH64_NONE: a no-op the linker may leave
        if info & 0xffffffff != R_AARCH64_RELATIVE:
            fail(f"relocation type {info & 0xffffffff} at {off:#x}: only "
                 "R_AARCH64_RELATIVE is applied at entry")
        if not lo <= off < hi:
            fail(f"relocation at {off:#x} outside rodata..end (text is read-only)")
    print(f"check_image: {image}: {len(img)} bytes, image_size {image_size} "
          f"({image_size // 1024} KiB), {len(relocations(elf))} relocations")


if __name__ == "__main__":
    main()
