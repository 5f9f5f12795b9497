// SPDX-License-Identifier: BSD-2-Clause
/*
 * cairn-fsutil: work with the files inside a Cairn image from the host, and
 * dump its on-disk structures.
 *
 *   cairn-fsutil IMAGE ls [PATH]         list a directory
 *   cairn-fsutil IMAGE cat PATH          file contents to stdout
 *   cairn-fsutil IMAGE put HOSTFILE PATH copy a host file in (replacing)
 *   cairn-fsutil IMAGE get PATH HOSTFILE copy a file out
 *   cairn-fsutil IMAGE rm PATH | mkdir PATH | rmdir PATH | stat PATH
 *   cairn-fsutil IMAGE mv FROM TO | ln -s TARGET PATH | statfs
 *   cairn-fsutil IMAGE dump super|journal|inode N|block N
 *
 * Exit status 0 on success, 1 on a filesystem error (printed), 2 on usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fs/cfs.h>

#include "../cfs/cfs_internal.h"
#include "tool.h"

static const char *image;

static int fail(const char *what, err_t err)
{
	fprintf(stderr, "cairn-fsutil: %s: %s (%s)\n", what, cairn_err_describe(err),
		cairn_err_name(err));
	return 1;
}

static const char *type_name(enum cfs_type t)
{
	return t == CFS_DIR ? "dir" : t == CFS_SYMLINK ? "symlink" : "file";
}

static int cmd_ls(struct cfs *fs, const char *path)
{
	struct cfs_dirent ent;
	uint64_t cookie = 0;
	err_t err;

	while ((err = cfs_readdir(fs, path, &cookie, &ent)) == CAIRN_OK) {
		struct cfs_stat st;
		char p[4400];

		snprintf(p, sizeof(p), "%s/%s", strcmp(path, "/") ? path : "", ent.name);
		if (cfs_stat(fs, p, &st) == CAIRN_OK)
			printf("%-7s %10llu  %s\n", type_name(st.type), (unsigned long long)st.size,
			       ent.name);
		else
			printf("%-7s %10s  %s\n", "?", "?", ent.name);
	}
	return err == CAIRN_ERR_NOENT ? 0 : fail(path, err);
}

static int cmd_cat(struct cfs *fs, const char *path, FILE *out)
{
	static char buf[1 << 16];
	struct cfs_file *f;
	uint64_t off = 0;
	size_t done;
	err_t err = cfs_open(fs, path, CFS_O_READ, &f);

	if (err)
		return fail(path, err);
	while ((err = cfs_read(f, off, buf, sizeof(buf), &done)) == CAIRN_OK && done) {
		if (fwrite(buf, 1, done, out) != done) {
			err = CAIRN_ERR_IO;
			break;
		}
		off += done;
	}
	cfs_close(f);
	return err ? fail(path, err) : 0;
}

static int cmd_put(struct cfs *fs, const char *host, const char *path)
{
	static char buf[1 << 20];
	struct cfs_file *f;
	uint64_t off = 0;
	int fd = open(host, O_RDONLY);
	err_t err;

	if (fd < 0) {
		fprintf(stderr, "cairn-fsutil: %s: %s\n", host, strerror(errno));
		return 1;
	}
	err = cfs_open(fs, path, CFS_O_WRITE | CFS_O_CREATE | CFS_O_TRUNC, &f);
	while (!err) {
		ssize_t n = read(fd, buf, sizeof(buf));
		size_t done;

		if (n <= 0)
			break;
		err = cfs_write(f, off, buf, (size_t)n, &done);
		off += done;
	}
	if (!err) {
		err = cfs_fsync(f);
		cfs_close(f);
	}
	close(fd);
	return err ? fail(path, err) : 0;
}

static void dump_super(const struct cfs_super *sb)
{
	printf("magic %#x version %u block_size %u block_count %llu inodes %u\n", sb->hdr.magic,
	       sb->version, sb->block_size, (unsigned long long)sb->block_count, sb->inode_count);
	printf("features compat %#x ro_compat %#x incompat %#x\n", sb->feature_compat,
	       sb->feature_ro_compat, sb->feature_incompat);
	printf("label '%.32s' uuid ", sb->label);
	for (int i = 0; i < 16; i++)
		printf("%02x", sb->uuid[i]);
	printf("\njournal %llu+%u  block bitmap %llu+%u  inode bitmap %llu+%u  inode table "
	       "%llu+%u  data %llu\n", (unsigned long long)sb->journal_start, sb->journal_blocks,
	       (unsigned long long)sb->bbitmap_start, sb->bbitmap_blocks,
	       (unsigned long long)sb->ibitmap_start, sb->ibitmap_blocks,
	       (unsigned long long)sb->itable_start, sb->itable_blocks,
	       (unsigned long long)sb->data_start);
	printf("generation %llu journal tail seq %llu pos %u state %#x mounts %u\n",
	       (unsigned long long)sb->generation, (unsigned long long)sb->jtail_seq,
	       sb->jtail_pos, sb->state, sb->mount_count);
}

static int cmd_dump(struct blockdev *bd, int argc, char **argv)
{
	struct cfs_super sb;
	uint32_t which;
	bool other;
	uint8_t *blk;
	err_t err = cfs_super_load(bd, true, &sb, &which, &other);

	if (err)
		return fail("superblock", err);
	blk = malloc(sb.block_size);
	if (!blk)
		return 1;
	if (argc >= 1 && !strcmp(argv[0], "super")) {
		printf("superblock copy %u (other copy %s)\n", which, other ? "valid" : "damaged");
		dump_super(&sb);
	} else if (argc >= 2 && !strcmp(argv[0], "inode")) {
		uint64_t ino = strtoull(argv[1], NULL, 0), ipb = sb.block_size / CFS_INODE_SIZE - 1;
		const struct cfs_inode *ip;

		if (ino == 0 || ino >= sb.inode_count)
			return fail("inode number", CAIRN_ERR_RANGE);
		err = blockdev_read(bd, (sb.itable_start + ino / ipb) * (sb.block_size / 512),
				    sb.block_size / 512, blk);
		if (err)
			return fail("read", err);
		ip = (const struct cfs_inode *)(const void *)(blk + CFS_INODE_SIZE * (1 + ino % ipb));
		printf("inode %llu: type %u perm %o nlink %u size %llu blocks %llu gen %u parent %u "
		       "nbuckets %u dir_bytes %llu flags %#x\nmap:", (unsigned long long)ino,
		       ip->type, ip->perm, ip->nlink, (unsigned long long)ip->size,
		       (unsigned long long)ip->blocks, ip->generation, ip->parent, ip->nbuckets,
		       (unsigned long long)ip->dir_bytes, ip->flags);
		for (int i = 0; i < (int)CFS_MAP_SLOTS; i++)
			printf(" %u", ip->map[i]);
		printf("\n");
	} else if (argc >= 2 && !strcmp(argv[0], "block")) {
		uint64_t b = strtoull(argv[1], NULL, 0);
		const struct cfs_block_hdr *h = (const struct cfs_block_hdr *)(const void *)blk;

		if (b >= sb.block_count)
			return fail("block number", CAIRN_ERR_RANGE);
		err = blockdev_read(bd, b * (sb.block_size / 512), sb.block_size / 512, blk);
		if (err)
			return fail("read", err);
		printf("block %llu: magic %#x crc %#x (computed %#x) blockno %llu\n",
		       (unsigned long long)b, h->magic, h->crc,
		       cfs_block_csum(b < 2 ? 0 : sb.csum_seed, blk, sb.block_size),
		       (unsigned long long)h->blockno);
		for (uint32_t off = 0; off < sb.block_size; off += 16) {
			printf("%06x:", off);
			for (int i = 0; i < 16; i++)
				printf(" %02x", blk[off + i]);
			printf("\n");
		}
	} else if (argc >= 1 && !strcmp(argv[0], "journal")) {
		printf("journal: %u blocks at %llu, tail seq %llu at %u\n", sb.journal_blocks,
		       (unsigned long long)sb.journal_start, (unsigned long long)sb.jtail_seq,
		       sb.jtail_pos);
		for (uint32_t i = 0; i < sb.journal_blocks; i++) {
			uint64_t b = sb.journal_start + i;
			const struct cfs_jdesc *jd = (const struct cfs_jdesc *)(const void *)blk;
			const struct cfs_jcommit *jc = (const struct cfs_jcommit *)(const void *)blk;

			if (blockdev_read(bd, b * (sb.block_size / 512), sb.block_size / 512, blk))
				return fail("read", CAIRN_ERR_IO);
			if (cfs_block_valid(sb.csum_seed, blk, sb.block_size, CFS_MAGIC_JDESC, b))
				printf("  %5u: descriptor seq %llu %u/%u, %u images\n", i,
				       (unsigned long long)jd->seq, jd->index + 1, jd->ndesc, jd->total);
			else if (cfs_block_valid(sb.csum_seed, blk, sb.block_size, CFS_MAGIC_JCOMMIT, b))
				printf("  %5u: commit seq %llu, %u images\n", i,
				       (unsigned long long)jc->seq, jc->total);
		}
	} else {
		free(blk);
		fprintf(stderr, "usage: dump super|journal|inode N|block N\n");
		return 2;
	}
	free(blk);
	return 0;
}

int main(int argc, char **argv)
{
	struct tool_dev dev;
	struct cfs *fs;
	const char *cmd;
	bool writes;
	int rc = 2;
	err_t err;

	if (argc < 3) {
		fprintf(stderr, "usage: cairn-fsutil IMAGE ls|cat|put|get|rm|mkdir|rmdir|stat|mv|ln|"
				"statfs|dump ...\n");
		return 2;
	}
	tool_log_to_stderr(1);
	image = argv[1];
	cmd = argv[2];
	writes = !strcmp(cmd, "put") || !strcmp(cmd, "rm") || !strcmp(cmd, "mkdir") ||
		 !strcmp(cmd, "rmdir") || !strcmp(cmd, "mv") || !strcmp(cmd, "ln");
	if (tool_dev_open(&dev, image, writes, false, 0))
		return 1;
	if (!strcmp(cmd, "dump")) {
		rc = cmd_dump(&dev.bd, argc - 3, argv + 3);
		tool_dev_close(&dev);
		return rc;
	}
	{
		struct cfs_mount_opts mo = { .read_only = !writes, .clock_ns = tool_now_ns };

		err = cfs_mount(&dev.bd, &mo, &fs);
	}
	if (err) {
		tool_dev_close(&dev);
		return fail(image, err);
	}
	if (!strcmp(cmd, "ls")) {
		rc = cmd_ls(fs, argc > 3 ? argv[3] : "/");
	} else if (!strcmp(cmd, "cat") && argc == 4) {
		rc = cmd_cat(fs, argv[3], stdout);
	} else if (!strcmp(cmd, "get") && argc == 5) {
		FILE *out = fopen(argv[4], "wb");

		rc = out ? cmd_cat(fs, argv[3], out) : 1;
		if (out && fclose(out) != 0)
			rc = 1;
	} else if (!strcmp(cmd, "put") && argc == 5) {
		rc = cmd_put(fs, argv[3], argv[4]);
	} else if (!strcmp(cmd, "rm") && argc == 4) {
		err = cfs_unlink(fs, argv[3]);
		rc = err ? fail(argv[3], err) : 0;
	} else if (!strcmp(cmd, "mkdir") && argc == 4) {
		err = cfs_mkdir(fs, argv[3]);
		rc = err ? fail(argv[3], err) : 0;
	} else if (!strcmp(cmd, "rmdir") && argc == 4) {
		err = cfs_rmdir(fs, argv[3]);
		rc = err ? fail(argv[3], err) : 0;
	} else if (!strcmp(cmd, "mv") && argc == 5) {
		err = cfs_rename(fs, argv[3], argv[4]);
		rc = err ? fail(argv[3], err) : 0;
	} else if (!strcmp(cmd, "ln") && argc == 6 && !strcmp(argv[3], "-s")) {
		err = cfs_symlink(fs, argv[4], argv[5]);
		rc = err ? fail(argv[5], err) : 0;
	} else if (!strcmp(cmd, "stat") && argc == 4) {
		struct cfs_stat st;

		err = cfs_stat(fs, argv[3], &st);
		if (!err)
			printf("%s: inode %u gen %u %s perm %o links %u size %llu blocks %llu "
			       "mtime %llu ctime %llu\n", argv[3], st.ino, st.generation,
			       type_name(st.type), st.perm, st.nlink, (unsigned long long)st.size,
			       (unsigned long long)st.blocks, (unsigned long long)st.mtime_ns,
			       (unsigned long long)st.ctime_ns);
		rc = err ? fail(argv[3], err) : 0;
	} else if (!strcmp(cmd, "statfs")) {
		struct cfs_statfs sf;

		cfs_statfs(fs, &sf);
		printf("block size %u, blocks %llu (%llu free), inodes %llu (%llu free), label '%s'%s\n",
		       sf.block_size, (unsigned long long)sf.blocks,
		       (unsigned long long)sf.blocks_free, (unsigned long long)sf.inodes,
		       (unsigned long long)sf.inodes_free, sf.label,
		       sf.errors ? "; errors recorded: run cairn-fsck" : "");
		rc = 0;
	} else {
		fprintf(stderr, "cairn-fsutil: unknown command or wrong arguments: %s\n", cmd);
	}
	err = cfs_unmount(fs);
	if (err && !rc)
		rc = fail("unmount", err);
	tool_dev_close(&dev);
	return rc;
}
