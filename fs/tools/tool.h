/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Shared parts of the host tools (cairn-mkfs, cairn-fsck, cairn-fsutil): an
 * image file as a struct blockdev, the kernel log on stderr, size parsing.
 * Host programs: they use the C library; everything on disk goes through
 * the same fs/ code the kernel runs.
 */
#ifndef FS_TOOLS_TOOL_H
#define FS_TOOLS_TOOL_H

#include <kernel/blockdev.h>

struct tool_dev {
	struct blockdev bd;
	int fd;
};

/* tool_dev_open - the image at `path` as a device of 512-byte blocks.
 * With create, the file is created/extended to `size` bytes. 0 or -1. */
int tool_dev_open(struct tool_dev *d, const char *path, bool writable, bool create,
		  uint64_t size);
void tool_dev_close(struct tool_dev *d);
/* tool_log_to_stderr - show kernel log lines at `level` and above. */
void tool_log_to_stderr(int level);
/* tool_parse_size - "64M", "1G", "4096", "8K" -> bytes; false if invalid. */
bool tool_parse_size(const char *s, uint64_t *out);
/* tool_random - fill `buf` from /dev/urandom (the time as a fallback). */
void tool_random(void *buf, size_t n);
uint64_t tool_now_ns(void);

#endif /* FS_TOOLS_TOOL_H */
