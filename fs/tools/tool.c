// SPDX-License-Identifier: BSD-2-Clause
/* Shared parts of the host tools (see tool.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <kernel/console.h>
#include <kernel/log.h>

#include "tool.h"

static err_t fd_read(struct blockdev *bd, uint64_t block, uint32_t count, void *buf)
{
	struct tool_dev *d = bd->priv;
	size_t len = (size_t)count * bd->block_size, done = 0;

	while (done < len) {
		ssize_t n = pread(d->fd, (char *)buf + done, len - done,
				  (off_t)(block * bd->block_size + done));

		if (n <= 0)
			return CAIRN_ERR_IO;
		done += (size_t)n;
	}
	return CAIRN_OK;
}

static err_t fd_write(struct blockdev *bd, uint64_t block, uint32_t count, const void *buf)
{
	struct tool_dev *d = bd->priv;
	size_t len = (size_t)count * bd->block_size, done = 0;

	while (done < len) {
		ssize_t n = pwrite(d->fd, (const char *)buf + done, len - done,
				   (off_t)(block * bd->block_size + done));

		if (n <= 0)
			return CAIRN_ERR_IO;
		done += (size_t)n;
	}
	return CAIRN_OK;
}

static err_t fd_flush(struct blockdev *bd)
{
	struct tool_dev *d = bd->priv;

	return fdatasync(d->fd) == 0 ? CAIRN_OK : CAIRN_ERR_IO;
}

static const struct blockdev_ops fd_ops = { .read = fd_read, .write = fd_write, .flush = fd_flush };

int tool_dev_open(struct tool_dev *d, const char *path, bool writable, bool create, uint64_t size)
{
	struct stat st;

	memset(d, 0, sizeof(*d));
	d->fd = open(path, (writable ? O_RDWR : O_RDONLY) | (create ? O_CREAT : 0), 0644);
	if (d->fd < 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	if (create && size && ftruncate(d->fd, (off_t)size) != 0) {
		fprintf(stderr, "%s: cannot size to %llu bytes: %s\n", path,
			(unsigned long long)size, strerror(errno));
		close(d->fd);
		return -1;
	}
	if (fstat(d->fd, &st) != 0) {
		close(d->fd);
		return -1;
	}
	d->bd.ops = &fd_ops;
	d->bd.block_size = 512;
	d->bd.block_count = (uint64_t)st.st_size / 512;
	d->bd.priv = d;
	return 0;
}

void tool_dev_close(struct tool_dev *d)
{
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
}

static void stderr_write(struct console *con, const char *s, size_t len)
{
	(void)con;
	fwrite(s, 1, len, stderr);
}

void tool_log_to_stderr(int level)
{
	static struct console con = { .name = "stderr", .write = stderr_write };

	log_set_level((enum log_level)level);
	console_register(&con);
}

bool tool_parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return false;
	switch (*end) {
	case 'k': case 'K': v <<= 10; end++; break;
	case 'm': case 'M': v <<= 20; end++; break;
	case 'g': case 'G': v <<= 30; end++; break;
	case '\0': break;
	default: return false;
	}
	if (*end)
		return false;
	*out = v;
	return true;
}

void tool_random(void *buf, size_t n)
{
	FILE *f = fopen("/dev/urandom", "rb");

	if (!f || fread(buf, 1, n, f) != n) {
		uint64_t t = tool_now_ns();

		for (size_t i = 0; i < n; i++)
			((uint8_t *)buf)[i] = (uint8_t)(t >> ((i % 8) * 8)) ^ (uint8_t)(i * 131);
	}
	if (f)
		fclose(f);
}

uint64_t tool_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
