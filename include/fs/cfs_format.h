/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The on-disk format of the Cairn filesystem (cfs), version 1.
 * docs/disk-format.md is the prose version of this header; keep both in step.
 *
 * Everything is little-endian and fixed-layout; every struct below is pinned
 * with STATIC_ASSERTs on its size and field offsets, and is read from a block
 * buffer only after the block's header has been validated. Cairn runs only on
 * little-endian CPUs (x86_64, AArch64); a big-endian port adds byte swaps in
 * the accessors, not here.
 *
 * Layout of a filesystem of N blocks (block size B, 1 KiB .. 64 KiB):
 *
 *   block 0            superblock copy A
 *   block 1            superblock copy B
 *   journal_start ..   the journal: a circular log of transactions
 *   bbitmap_start ..   block bitmap: one bit per device block, 1 = in use
 *   ibitmap_start ..   inode bitmap: one bit per inode number, 1 = in use
 *   itable_start  ..   inode table: fixed 128-byte inodes
 *   data_start    ..   data, indirect, directory and symlink blocks
 *
 * Every metadata block (all of the above except file data) starts with a
 * struct cfs_block_hdr: a type magic, a CRC32C over the whole block (computed
 * with the crc field read as zero, seeded with the filesystem's csum_seed so
 * that a block of another filesystem never validates) and the block's own
 * number (so a misdirected write is caught). The superblock is the one block
 * checksummed with seed 0, since the seed lives in it.
 */
#ifndef FS_CFS_FORMAT_H
#define FS_CFS_FORMAT_H

#include <kernel/assert.h>
#include <kernel/types.h>

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the cfs format is little-endian; add byte swaps before porting"
#endif

#define CFS_VERSION 1u            /* the format version this code writes */
#define CFS_MIN_BLOCK_SIZE 1024u
#define CFS_MAX_BLOCK_SIZE 65536u
#define CFS_MAX_BLOCKS 0xFFFFFFFFull /* block pointers are 32-bit */
#define CFS_NAME_MAX 255u
#define CFS_LABEL_MAX 32u
#define CFS_SYMLINK_INLINE_MAX 60u  /* targets up to this length live in the inode */
#define CFS_SYMLINK_MAX 4095u
#define CFS_ROOT_INO 1u
#define CFS_MIN_JOURNAL_BLOCKS 64u

/* Block type magics (the first word of every metadata block). */
#define CFS_MAGIC_SUPER    0x50555343u /* "CSUP" */
#define CFS_MAGIC_JDESC    0x53444A43u /* "CJDS" journal descriptor */
#define CFS_MAGIC_JCOMMIT  0x4D434A43u /* "CJCM" journal commit record */
#define CFS_MAGIC_BBITMAP  0x4D424243u /* "CBBM" block bitmap */
#define CFS_MAGIC_IBITMAP  0x4D424943u /* "CIBM" inode bitmap */
#define CFS_MAGIC_ITABLE   0x42544943u /* "CITB" inode table */
#define CFS_MAGIC_INDIRECT 0x444E4943u /* "CIND" indirect block */
#define CFS_MAGIC_DIR      0x52494443u /* "CDIR" directory bucket */

/* Feature flags. A reader mounts an image only if it knows every incompat
 * bit; with an unknown ro_compat bit it mounts read-only; compat bits it
 * does not know are ignored. Version 1 defines none of them. */
#define CFS_FEATURE_COMPAT_SUPP    0u
#define CFS_FEATURE_RO_COMPAT_SUPP 0u
#define CFS_FEATURE_INCOMPAT_SUPP  0u

/* Superblock state bits. */
#define CFS_STATE_CLEAN  0x1u  /* unmounted cleanly: the journal is empty */
#define CFS_STATE_ERRORS 0x2u  /* an error was detected: run cairn-fsck */

struct cfs_block_hdr {
	uint32_t magic;
	uint32_t crc;       /* CRC32C of the whole block, this field as zero */
	uint64_t blockno;   /* where this block lives (its journal target) */
};
STATIC_ASSERT(sizeof(struct cfs_block_hdr) == 16, "cfs_block_hdr layout");

/*
 * Superblock, in blocks 0 and 1. The static part (geometry, features, ids)
 * is identical in both copies. The dynamic part (generation, journal tail,
 * state) is updated by writing the copy with the older generation, so a
 * write torn by a power cut always leaves the other copy valid. A reader
 * takes the valid copy with the highest generation.
 */
struct cfs_super {
	struct cfs_block_hdr hdr;     /*   0 magic CFS_MAGIC_SUPER, blockno 0 or 1 */
	uint32_t version;             /*  16 CFS_VERSION */
	uint32_t block_size;          /*  20 bytes, power of two */
	uint64_t block_count;         /*  24 blocks in the filesystem */
	uint32_t feature_compat;      /*  32 */
	uint32_t feature_ro_compat;   /*  36 */
	uint32_t feature_incompat;    /*  40 */
	uint32_t inode_count;         /*  44 inode numbers 0 .. inode_count-1 */
	uint8_t uuid[16];             /*  48 */
	char label[CFS_LABEL_MAX];    /*  64 NUL-padded, not necessarily terminated */
	uint64_t journal_start;       /*  96 */
	uint32_t journal_blocks;      /* 104 */
	uint32_t bbitmap_blocks;      /* 108 */
	uint64_t bbitmap_start;       /* 112 */
	uint64_t ibitmap_start;       /* 120 */
	uint32_t ibitmap_blocks;      /* 128 */
	uint32_t itable_blocks;       /* 132 */
	uint64_t itable_start;        /* 136 */
	uint64_t data_start;          /* 144 first block of the data area */
	uint32_t csum_seed;           /* 152 CRC seed of every other metadata block */
	uint32_t hash_seed;           /* 156 seed of the directory name hash */
	uint64_t generation;          /* 160 bumped by every superblock write */
	uint64_t jtail_seq;           /* 168 sequence of the oldest live transaction */
	uint32_t jtail_pos;           /* 176 its position, relative to journal_start */
	uint32_t state;               /* 180 CFS_STATE_* */
	uint64_t mkfs_time_ns;        /* 184 */
	uint64_t write_time_ns;       /* 192 */
	uint32_t mount_count;         /* 200 */
	uint32_t root_ino;            /* 204 CFS_ROOT_INO */
	uint8_t reserved[304];        /* 208 zero */
};
STATIC_ASSERT(sizeof(struct cfs_super) == 512, "cfs_super layout");
STATIC_ASSERT(offsetof(struct cfs_super, journal_start) == 96, "cfs_super layout");
STATIC_ASSERT(offsetof(struct cfs_super, csum_seed) == 152, "cfs_super layout");
STATIC_ASSERT(offsetof(struct cfs_super, jtail_seq) == 168, "cfs_super layout");
STATIC_ASSERT(offsetof(struct cfs_super, root_ino) == 204, "cfs_super layout");

/* Inode types (cfs_inode.type). 0 marks a free slot. */
#define CFS_TYPE_FREE    0u
#define CFS_TYPE_FILE    1u
#define CFS_TYPE_DIR     2u
#define CFS_TYPE_SYMLINK 3u

#define CFS_NDIRECT 12u
#define CFS_MAP_IND  12u   /* map[12]: single indirect */
#define CFS_MAP_DIND 13u   /* map[13]: double indirect */
#define CFS_MAP_TIND 14u   /* map[14]: triple indirect */
#define CFS_MAP_SLOTS 15u

/*
 * Inode, 128 bytes. The inode table block holds a header slot (slot 0) and
 * then B/128 - 1 inodes; inode number i lives in table block
 * i / (B/128 - 1), slot 1 + i % (B/128 - 1). Inode 0 is never used.
 *
 * map[] maps logical block numbers of files, symlinks with long targets and
 * directories (whose logical blocks are their hash buckets) to physical
 * blocks: 12 direct pointers, then single, double and triple indirect
 * blocks. 0 is a hole. A symlink target of up to 60 bytes is stored inline in
 * map[] instead.
 */
struct cfs_inode {
	uint16_t type;        /*   0 CFS_TYPE_* */
	uint16_t perm;        /*   2 permission bits (07777) */
	uint32_t nlink;       /*   4 directory entries naming it (dirs: 2 + subdirs) */
	uint64_t size;        /*   8 file/symlink: bytes; directory: entries */
	uint64_t blocks;      /*  16 blocks owned: data, indirect, dir buckets */
	uint64_t mtime_ns;    /*  24 */
	uint64_t ctime_ns;    /*  32 */
	uint32_t generation;  /*  40 bumped each time the slot is reused */
	uint32_t parent;      /*  44 directories: the parent's inode; else 0 */
	uint32_t map[CFS_MAP_SLOTS]; /* 48 */
	uint32_t nbuckets;    /* 108 directories: hash buckets (>= 1) */
	uint64_t dir_bytes;   /* 112 directories: bytes of all entries */
	uint32_t flags;       /* 120 CFS_INODE_* */
	uint32_t reserved;    /* 124 zero */
};
STATIC_ASSERT(sizeof(struct cfs_inode) == 128, "cfs_inode layout");
STATIC_ASSERT(offsetof(struct cfs_inode, map) == 48, "cfs_inode layout");
STATIC_ASSERT(offsetof(struct cfs_inode, dir_bytes) == 112, "cfs_inode layout");

#define CFS_INODE_SIZE 128u
#define CFS_INODE_INLINE_SYMLINK 0x1u  /* flags: target stored in map[] */

/* Header slot of an inode table block. */
struct cfs_itable_hdr {
	struct cfs_block_hdr hdr;   /* CFS_MAGIC_ITABLE */
	uint32_t first_ino;         /* inode number of slot 1 */
	uint32_t reserved[27];
};
STATIC_ASSERT(sizeof(struct cfs_itable_hdr) == CFS_INODE_SIZE, "cfs_itable_hdr layout");

/* Bitmap blocks: header, then (B - 16) * 8 bits, LSB first within a byte. */
#define CFS_BITMAP_HDR 16u

/* Indirect block: header, then (B - 32) / 4 block pointers. */
struct cfs_indirect {
	struct cfs_block_hdr hdr;   /* CFS_MAGIC_INDIRECT */
	uint32_t ino;               /* owner */
	uint32_t level;             /* 1: points at data, 2, 3: at indirect blocks */
	uint64_t reserved;
	uint32_t ptr[];
};
STATIC_ASSERT(sizeof(struct cfs_indirect) == 32, "cfs_indirect layout");

/*
 * Directory bucket. A directory is a linear-hashing table: logical block b of
 * the directory is bucket b (b < nbuckets). A bucket is a chain of blocks:
 * the primary one, mapped through the inode's map[], then overflow blocks
 * linked by `next` (physical block numbers, 0 ends the chain). An unmapped
 * bucket is empty.
 *
 * Entries are packed from offset 40, `used` bytes in all, each
 *   le32 ino, le32 hash, u8 type, u8 name_len, name[name_len]
 * (10 + name_len bytes, no padding, no terminator). Name hash h places an
 * entry in bucket h & (2^L - 1), or h & (2^(L+1) - 1) when that is smaller
 * than nbuckets - 2^L, where 2^L is the largest power of two <= nbuckets.
 */
struct cfs_dir_block {
	struct cfs_block_hdr hdr;   /* CFS_MAGIC_DIR */
	uint32_t ino;               /* the directory */
	uint32_t bucket;            /* bucket index */
	uint32_t next;              /* next block of the chain, or 0 */
	uint16_t used;              /* bytes of entries */
	uint16_t count;             /* entries */
	uint32_t flags;             /* CFS_DIRBLK_OVERFLOW for overflow blocks */
	uint32_t reserved;
};
STATIC_ASSERT(sizeof(struct cfs_dir_block) == 40, "cfs_dir_block layout");
#define CFS_DIRBLK_OVERFLOW 0x1u
#define CFS_DIRENT_HDR 10u

/*
 * Journal. A transaction occupies consecutive journal blocks (wrapping at the
 * end of the area): ndesc descriptor blocks, the `total` block images they
 * list in order, and one commit record. A descriptor lists (target, crc) for
 * each image; the commit record carries a CRC over all descriptor CRCs. A
 * transaction is replayed only if every descriptor and the commit are valid,
 * carry the expected sequence number, and every image's CRC matches its
 * descriptor entry: torn, missing or stale blocks all fail one of these.
 */
struct cfs_jdesc {
	struct cfs_block_hdr hdr;   /* CFS_MAGIC_JDESC, blockno = its journal block */
	uint64_t seq;
	uint32_t index;             /* 0 .. ndesc-1 */
	uint32_t ndesc;
	uint32_t count;             /* entries in this descriptor */
	uint32_t total;             /* images in the transaction */
	uint64_t reserved;
	/* struct cfs_jentry entries[count]; */
};
STATIC_ASSERT(sizeof(struct cfs_jdesc) == 48, "cfs_jdesc layout");

struct cfs_jentry {
	uint32_t target;            /* home block of the image */
	uint32_t crc;               /* CRC32C (csum_seed) of the image */
};
STATIC_ASSERT(sizeof(struct cfs_jentry) == 8, "cfs_jentry layout");

struct cfs_jcommit {
	struct cfs_block_hdr hdr;   /* CFS_MAGIC_JCOMMIT */
	uint64_t seq;
	uint32_t ndesc;
	uint32_t total;
	uint32_t desc_crc;          /* CRC32C over the descriptors' crc fields */
	uint32_t reserved0;
	uint64_t time_ns;
};
STATIC_ASSERT(sizeof(struct cfs_jcommit) == 48, "cfs_jcommit layout");

#endif /* FS_CFS_FORMAT_H */
