// SPDX-License-Identifier: BSD-2-Clause
/*
 * The power-loss harness: cut the power at every write point of a workload
 * and prove that the filesystem recovers with nothing acknowledged lost.
 *
 *   crash <workload> [points-budget]      (seed: CAIRN_TEST_SEED or time)
 *
 * A workload runs once on a traced emulated device (crashdev.h), against a
 * model of the expected namespace and file contents. Every fsync()/sync()
 * that returns records an acknowledgement: a snapshot of the model, tagged
 * with the device op count at that moment. Every changing call records
 * which paths it touches, tagged with the op count when it started.
 *
 * Then, for every op k of the trace (the mount, every write and flush of
 * the workload and of the final unmount) and for each way the power can
 * fail there (in order; the op at k torn at a sector boundary; the
 * unflushed writes reordered, dropped and torn at random), the harness
 * builds the image the cut leaves and checks it:
 *
 *   1. it mounts (journal recovery);
 *   2. every file and directory of the last acknowledged snapshot that no
 *      call started changing before the cut is present with exactly the
 *      acknowledged bytes; every file in the tree reads without error;
 *   3. it unmounts, and cairn-fsck's code then finds nothing to fix.
 *
 * When the trace has more points than the budget, cut points are taken at
 * an even stride (all of them otherwise). The "multicut" workload instead
 * chains runs: cut at a random point (recovery included), recover, verify,
 * continue on the surviving image, cut again.
 *
 * Prints "power-loss points exercised: N". Exit status 0 when every point
 * passed; on a failure, the seed, workload, point and mode to replay it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <fs/cfs.h>
#include <fs/cfs_tools.h>
#include <kernel/log.h>

#include "crashdev.h"


#define PATH_LEN 80

/* ---- The model ------------------------------------------------------------ */

struct mnode {
	char path[PATH_LEN];
	bool dir;
	uint8_t *data;
	size_t size;
};

struct model {
	struct mnode *n;
	size_t count, cap;
};

static void model_free(struct model *m)
{
	for (size_t i = 0; i < m->count; i++)
		free(m->n[i].data);
	free(m->n);
	memset(m, 0, sizeof(*m));
}

static struct mnode *model_find(struct model *m, const char *path)
{
	for (size_t i = 0; i < m->count; i++)
		if (strcmp(m->n[i].path, path) == 0)
			return &m->n[i];
	return NULL;
}

static int node_cmp(const void *a, const void *b)
{
	return strcmp(((const struct mnode *)a)->path, ((const struct mnode *)b)->path);
}

/* For a model sorted with node_cmp. */
static struct mnode *model_lookup_sorted(struct model *m, const char *path)
{
	struct mnode key;

	snprintf(key.path, sizeof(key.path), "%s", path);
	return bsearch(&key, m->n, m->count, sizeof(*m->n), node_cmp);
}

static struct mnode *model_add(struct model *m, const char *path, bool dir)
{
	struct mnode *n;

	if (m->count == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 64;
		m->n = realloc(m->n, m->cap * sizeof(*m->n));
		if (!m->n)
			abort();
	}
	n = &m->n[m->count++];
	memset(n, 0, sizeof(*n));
	snprintf(n->path, sizeof(n->path), "%s", path);
	n->dir = dir;
	return n;
}

static void model_del(struct model *m, const char *path)
{
	struct mnode *n = model_find(m, path);

	if (n) {
		free(n->data);
		*n = m->n[--m->count];
	}
}

static void model_copy(struct model *dst, const struct model *src)
{
	memset(dst, 0, sizeof(*dst));
	for (size_t i = 0; i < src->count; i++) {
		struct mnode *n = model_add(dst, src->n[i].path, src->n[i].dir);

		n->size = src->n[i].size;
		if (n->size) {
			n->data = malloc(n->size);
			memcpy(n->data, src->n[i].data, n->size);
		}
	}
}

static void node_resize(struct mnode *n, size_t size)
{
	if (size > n->size) {
		n->data = realloc(n->data, size);
		memset(n->data + n->size, 0, size - n->size);
	}
	n->size = size;
}

/* ---- Events -------------------------------------------------------------- */

struct event {
	uint64_t at;              /* device op count when it started / returned */
	bool ack;
	char path[2][PATH_LEN];   /* touched paths (mods) */
	struct model snap;        /* acks */
};

struct ctx {
	const char *workload;
	unsigned long seed;
	uint64_t rng;
	struct crashdev dev;
	struct cfs *fs;
	struct model m;
	struct event *ev;
	size_t nev, evcap;
	/* verification */
	struct crashdev vdev;
	uint8_t *img;
	uint64_t points, failures;
	uint32_t blocks;          /* of 512 bytes */
};

static struct event *ev_new(struct ctx *c)
{
	if (c->nev == c->evcap) {
		c->evcap = c->evcap ? c->evcap * 2 : 256;
		c->ev = realloc(c->ev, c->evcap * sizeof(*c->ev));
		if (!c->ev)
			abort();
	}
	memset(&c->ev[c->nev], 0, sizeof(c->ev[0]));
	return &c->ev[c->nev++];
}

static void ev_mod(struct ctx *c, const char *a, const char *b)
{
	struct event *e = ev_new(c);

	e->at = c->dev.ops;
	snprintf(e->path[0], PATH_LEN, "%s", a);
	snprintf(e->path[1], PATH_LEN, "%s", b ? b : "");
}

static void ev_ack(struct ctx *c)
{
	struct event *e = ev_new(c);

	e->at = c->dev.ops;
	e->ack = true;
	model_copy(&e->snap, &c->m);
}

static void ev_clear(struct ctx *c)
{
	for (size_t i = 0; i < c->nev; i++)
		model_free(&c->ev[i].snap);
	c->nev = 0;
}

static void fail(struct ctx *c, const char *fmt, const char *a, long k, const char *mode)
{
	printf("FAIL: workload %s seed %lu point %ld mode %s: ", c->workload, c->seed, k, mode);
	printf(fmt, a);
	printf("\n");
	c->failures++;
}

/* ---- Workload steps (fs call + model + events) -------------------------- */

static bool expected(err_t err)
{
	return err == CAIRN_OK || err == CAIRN_ERR_EXIST || err == CAIRN_ERR_NOENT ||
	       err == CAIRN_ERR_NOSPC || err == CAIRN_ERR_NOTEMPTY || err == CAIRN_ERR_NOTDIR ||
	       err == CAIRN_ERR_ISDIR || err == CAIRN_ERR_INVAL;
}

static void check_err(struct ctx *c, err_t err, const char *what)
{
	if (!expected(err))
		fail(c, "workload call %s failed unexpectedly", what, -1, cairn_err_name(err));
}

static void w_create(struct ctx *c, const char *p)
{
	struct cfs_file *f;
	err_t err;

	ev_mod(c, p, NULL);
	err = cfs_create(c->fs, p, &f);
	check_err(c, err, "create");
	if (!err) {
		cfs_close(f);
		model_add(&c->m, p, false);
	}
}

static void w_write(struct ctx *c, const char *p, uint64_t off, size_t len)
{
	struct mnode *n = model_find(&c->m, p);
	struct cfs_file *f;
	uint8_t *buf;
	size_t done = 0;
	err_t err;

	if (!n || n->dir)
		return;
	buf = malloc(len ? len : 1);
	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(crash_rand(&c->rng) >> 24);
	ev_mod(c, p, NULL);
	err = cfs_open(c->fs, p, CFS_O_WRITE, &f);
	check_err(c, err, "open");
	if (!err) {
		err = cfs_write(f, off, buf, len, &done);
		check_err(c, err, "write");
		cfs_close(f);
		if (done) {
			if (off + done > n->size)
				node_resize(n, off + done);
			memcpy(n->data + off, buf, done);
		}
	}
	free(buf);
}

static void w_trunc(struct ctx *c, const char *p, uint64_t size)
{
	struct mnode *n = model_find(&c->m, p);
	struct cfs_file *f;
	err_t err;

	if (!n || n->dir)
		return;
	ev_mod(c, p, NULL);
	err = cfs_open(c->fs, p, CFS_O_WRITE, &f);
	check_err(c, err, "open");
	if (!err) {
		err = cfs_truncate(f, size);
		check_err(c, err, "truncate");
		cfs_close(f);
		if (!err)
			node_resize(n, size);
	}
}

static void w_rename(struct ctx *c, const char *a, const char *b)
{
	err_t err;

	ev_mod(c, a, b);
	err = cfs_rename(c->fs, a, b);
	check_err(c, err, "rename");
	if (!err && strcmp(a, b) != 0) {
		size_t la = strlen(a);

		model_del(&c->m, b);
		for (size_t i = 0; i < c->m.count; i++) {
			struct mnode *n = &c->m.n[i];
			char tmp[PATH_LEN];

			if (strcmp(n->path, a) == 0) {
				snprintf(n->path, PATH_LEN, "%s", b);
			} else if (strncmp(n->path, a, la) == 0 && n->path[la] == '/') {
				snprintf(tmp, sizeof(tmp), "%s%s", b, n->path + la);
				snprintf(n->path, PATH_LEN, "%s", tmp);
			}
		}
	}
}

static void w_unlink(struct ctx *c, const char *p)
{
	err_t err;

	ev_mod(c, p, NULL);
	err = cfs_unlink(c->fs, p);
	check_err(c, err, "unlink");
	if (!err)
		model_del(&c->m, p);
}

static void w_mkdir(struct ctx *c, const char *p)
{
	err_t err;

	ev_mod(c, p, NULL);
	err = cfs_mkdir(c->fs, p);
	check_err(c, err, "mkdir");
	if (!err)
		model_add(&c->m, p, true);
}

static void w_rmdir(struct ctx *c, const char *p)
{
	err_t err;

	ev_mod(c, p, NULL);
	err = cfs_rmdir(c->fs, p);
	check_err(c, err, "rmdir");
	if (!err)
		model_del(&c->m, p);
}

static void w_sync(struct ctx *c)
{
	err_t err = cfs_sync(c->fs);

	check_err(c, err, "sync");
	if (!err)
		ev_ack(c);
}

static void w_fsync(struct ctx *c, const char *p)
{
	struct cfs_file *f;
	err_t err = cfs_open(c->fs, p, CFS_O_WRITE, &f);

	if (err) {
		check_err(c, err, "open");
		return;
	}
	err = cfs_fsync(f);
	cfs_close(f);
	check_err(c, err, "fsync");
	if (!err)
		ev_ack(c);
}

/* ---- Workloads ---------------------------------------------------------- */

static uint64_t rnd(struct ctx *c, uint64_t n)
{
	return n ? crash_rand(&c->rng) % n : 0;
}

static void pick_file(struct ctx *c, char *p)
{
	static const char *dirs[] = { "", "/d0", "/d1" };

	snprintf(p, PATH_LEN, "%s/f%u", dirs[rnd(c, 3)], (unsigned)rnd(c, 6));
}

static void wl_mix(struct ctx *c, int ops)
{
	char a[PATH_LEN], b[PATH_LEN];

	w_mkdir(c, "/d0");
	w_mkdir(c, "/d1");
	for (int i = 0; i < ops; i++) {
		pick_file(c, a);
		switch (rnd(c, 12)) {
		case 0:
		case 1:
			w_create(c, a);
			break;
		case 2:
		case 3:
		case 4:
			w_write(c, a, rnd(c, 6000), 1 + rnd(c, 5000));
			break;
		case 5:
			w_trunc(c, a, rnd(c, 8000));
			break;
		case 6:
			pick_file(c, b);
			w_rename(c, a, b);
			break;
		case 7:
			w_unlink(c, a);
			break;
		case 8:
			w_fsync(c, a);
			break;
		case 9:
			w_sync(c);
			break;
		case 10:
			if (rnd(c, 4) == 0)
				w_rename(c, rnd(c, 2) ? "/d0" : "/d1", rnd(c, 2) ? "/d2" : "/d1/sub");
			else
				w_mkdir(c, "/d2");
			break;
		default:
			w_rmdir(c, "/d2");
			break;
		}
	}
	w_sync(c);
}

static void wl_append(struct ctx *c, int ops)
{
	char p[PATH_LEN];

	for (int i = 0; i < 4; i++) {
		snprintf(p, sizeof(p), "/log%d", i);
		w_create(c, p);
	}
	for (int i = 0; i < ops; i++) {
		struct mnode *n;

		snprintf(p, sizeof(p), "/log%u", (unsigned)rnd(c, 4));
		n = model_find(&c->m, p);
		if (n)
			w_write(c, p, n->size, 1 + rnd(c, 3000));
		if (rnd(c, 3) == 0)
			w_fsync(c, p);
	}
	w_sync(c);
}

static void wl_overwrite(struct ctx *c, int ops)
{
	w_create(c, "/data");
	w_write(c, "/data", 0, 60000);
	w_sync(c);
	for (int i = 0; i < ops; i++) {
		w_write(c, "/data", rnd(c, 60000), 1 + rnd(c, 9000));
		if (rnd(c, 3) == 0)
			w_fsync(c, "/data");
	}
	w_sync(c);
}

static void wl_bigdir(struct ctx *c, int ops)
{
	char a[PATH_LEN], b[PATH_LEN];

	for (int i = 0; i < ops; i++) {
		snprintf(a, sizeof(a), "/big/entry-with-a-longer-name-%u", (unsigned)rnd(c, 1600));
		switch (rnd(c, 8)) {
		case 0:
		case 1:
		case 2:
			w_create(c, a);
			break;
		case 3:
		case 4:
			w_unlink(c, a);
			break;
		case 5:
			snprintf(b, sizeof(b), "/big/entry-with-a-longer-name-%u",
				 (unsigned)rnd(c, 1600));
			w_rename(c, a, b);
			break;
		case 6:
			w_write(c, a, 0, 1 + rnd(c, 100));
			break;
		default:
			if (rnd(c, 3) == 0)
				w_sync(c);
			break;
		}
	}
	w_sync(c);
}

static void wl_fulldisk(struct ctx *c, int ops)
{
	char p[PATH_LEN];

	for (int i = 0; i < ops; i++) {
		snprintf(p, sizeof(p), "/fill%u", (unsigned)rnd(c, 5));
		if (!model_find(&c->m, p)) {
			w_create(c, p);
		} else if (rnd(c, 4) == 0) {
			w_unlink(c, p);
		} else {
			struct mnode *n = model_find(&c->m, p);

			w_write(c, p, n->size, 20000 + rnd(c, 60000));
		}
		if (rnd(c, 3) == 0)
			w_sync(c);
	}
	w_sync(c);
}

/* ---- Checking one crash image ----------------------------------------- */

static bool touched(const struct ctx *c, size_t ack, size_t k, const char *path)
{
	size_t lp = strlen(path);

	for (size_t i = ack + 1; i < c->nev && c->ev[i].at < k; i++) {
		const struct event *e = &c->ev[i];

		if (e->ack)
			continue;
		for (int j = 0; j < 2; j++) {
			const char *q = e->path[j];
			size_t lq = strlen(q);

			if (!lq)
				continue;
			if (strcmp(q, path) == 0)
				return true;
			/* A renamed or removed directory takes its subtree along. */
			if (lq < lp && strncmp(path, q, lq) == 0 && path[lq] == '/')
				return true;
		}
	}
	return false;
}

/* Read the whole tree (every file fully); collect it into `out`. */
static err_t read_tree(struct cfs *fs, const char *dir, struct model *out, int depth)
{
	struct cfs_dirent ent;
	uint64_t cookie = 0;
	err_t err;

	if (depth > 8)
		return CAIRN_ERR_CORRUPT;
	while ((err = cfs_readdir(fs, dir, &cookie, &ent)) == CAIRN_OK) {
		char p[PATH_LEN + 300];
		struct mnode *n;

		snprintf(p, sizeof(p), "%s/%s", strcmp(dir, "/") ? dir : "", ent.name);
		if (strlen(p) >= PATH_LEN)
			return CAIRN_ERR_CORRUPT;
		n = model_add(out, p, ent.type == CFS_DIR);
		if (ent.type == CFS_DIR) {
			err = read_tree(fs, p, out, depth + 1);
		} else if (ent.type == CFS_FILE) {
			struct cfs_file *f;
			struct cfs_stat st;
			size_t done;

			err = cfs_open(fs, p, CFS_O_READ, &f);
			if (err)
				return err;
			err = cfs_fstat(f, &st);
			if (!err && st.size > (16u << 20))
				err = CAIRN_ERR_CORRUPT;
			if (!err && st.size) {
				n->size = st.size;
				n->data = malloc(st.size);
				err = cfs_read(f, 0, n->data, st.size, &done);
				if (!err && done != st.size)
					err = CAIRN_ERR_CORRUPT;
			}
			cfs_close(f);
		}
		if (err)
			return err;
	}
	return err == CAIRN_ERR_NOENT ? CAIRN_OK : err;
}

static void fsck_report(void *ctx, const char *line)
{
	printf("  fsck: %s\n", line);
	(void)ctx;
}

/* Check the image in c->img (a cut at op k). Returns true if it passed;
 * leaves the post-check image in c->vdev. */
static bool check_image(struct ctx *c, size_t k, const char *mode)
{
	struct cfs *fs;
	struct model got;
	struct cfs_fsck_opts fo = { .repair = true, .report = fsck_report };
	struct cfs_fsck_result fr;
	size_t ack = 0;
	uint64_t before = c->failures;
	err_t err;

	c->points++;
	memcpy(c->vdev.img, c->img, c->vdev.size);
	err = cfs_mount(&c->vdev.bd, NULL, &fs);
	if (err) {
		fail(c, "mount failed: %s", cairn_err_name(err), (long)k, mode);
		return false;
	}
	for (size_t i = 0; i < c->nev && c->ev[i].at <= k; i++)
		if (c->ev[i].ack)
			ack = i;
	memset(&got, 0, sizeof(got));
	err = read_tree(fs, "/", &got, 0);
	if (err)
		fail(c, "reading the tree failed: %s", cairn_err_name(err), (long)k, mode);
	if (got.count)
		qsort(got.n, got.count, sizeof(*got.n), node_cmp);
	for (size_t i = 0; !err && i < c->ev[ack].snap.count; i++) {
		const struct mnode *want = &c->ev[ack].snap.n[i];
		struct mnode *have;

		/* A torn op at k did partly happen: calls starting at k count. */
		if (touched(c, ack, k + (strcmp(mode, "torn") == 0), want->path))
			continue;
		have = model_lookup_sorted(&got, want->path);
		if (!have || have->dir != want->dir) {
			fail(c, "acknowledged %s is missing", want->path, (long)k, mode);
			break;
		}
		if (!want->dir && (have->size != want->size ||
				   (want->size && memcmp(have->data, want->data, want->size)))) {
			fail(c, "acknowledged bytes of %s differ", want->path, (long)k, mode);
			if (getenv("CRASH_DEBUG")) {
				size_t off = 0;

				while (off < want->size && off < have->size &&
				       have->data[off] == want->data[off])
					off++;
				printf("  size want %zu have %zu, first difference at %zu; op %zu: "
				       "%s block %llu x%u; ack %zu at op %llu\n", want->size,
				       have->size, off, k, c->dev.trace[k].kind ? "flush" : "write",
				       (unsigned long long)c->dev.trace[k].block, c->dev.trace[k].count,
				       ack, (unsigned long long)c->ev[ack].at);
				for (size_t j = ack; j < c->nev && c->ev[j].at <= k + 2; j++)
					printf("  event at %llu %s %s %s\n", (unsigned long long)c->ev[j].at,
					       c->ev[j].ack ? "ack" : "mod", c->ev[j].path[0], c->ev[j].path[1]);
			}
			break;
		}
	}
	model_free(&got);
	err = cfs_unmount(fs);
	if (err)
		fail(c, "unmount failed: %s", cairn_err_name(err), (long)k, mode);
	err = cfs_fsck(&c->vdev.bd, &fo, &fr);
	if (err || fr.fixed || fr.errors_left)
		fail(c, "fsck not clean (%s)", err ? cairn_err_name(err) : "found problems",
		     (long)k, mode);
	return c->failures == before;
}

static const char *const mode_name[] = { "in-order", "torn", "reordered" };

/* Run `wl` on a traced copy of `base`, then check every cut point. */
static void sweep(struct ctx *c, const uint8_t *base, void (*wl)(struct ctx *, int), int ops,
		  uint64_t budget)
{
	struct crash_sweep sw;
	size_t n, stride;
	err_t err;

	memcpy(c->dev.img, base, c->dev.size);
	c->dev.ops = 0;
	crashdev_trace_start(&c->dev);
	ev_clear(c);
	ev_ack(c); /* the base image is durable */
	err = cfs_mount(&c->dev.bd, NULL, &c->fs);
	if (err) {
		fail(c, "workload mount failed: %s", cairn_err_name(err), -1, "-");
		return;
	}
	wl(c, ops);
	err = cfs_unmount(c->fs);
	if (err)
		fail(c, "workload unmount failed: %s", cairn_err_name(err), -1, "-");
	c->dev.record = false;
	n = c->dev.ntrace + 1;
	stride = budget >= 3 * n ? 1 : (n * 3 + budget - 1) / budget;
	printf("%s: %zu device ops (%llu writes, %llu flushes), checking every %zu\n",
	       c->workload, c->dev.ntrace, (unsigned long long)c->dev.writes,
	       (unsigned long long)c->dev.flushes, stride);
	if (crash_sweep_init(&sw, &c->dev, base))
		abort();
	for (size_t k = 0; k < n && c->failures < 5; k += stride) {
		for (int mode = CRASH_IN_ORDER; mode <= CRASH_REORDER; mode++) {
			if (crash_sweep_image(&sw, k, (enum crash_mode)mode, &c->rng, c->img))
				check_image(c, k, mode_name[mode]);
		}
	}
	crash_sweep_destroy(&sw);
}

static void make_base(struct ctx *c, uint8_t *base, bool bigdir)
{
	struct cfs_mkfs_opts o;
	struct cfs *fs;
	char p[PATH_LEN];

	memset(&o, 0, sizeof(o));
	o.block_size = 1024;
	o.bytes_per_inode = 512;
	for (int i = 0; i < 16; i++)
		o.uuid[i] = (uint8_t)(c->seed >> (i % 8));
	memset(c->dev.img, 0, c->dev.size);
	if (cfs_mkfs(&c->dev.bd, &o))
		abort();
	model_free(&c->m);
	if (bigdir) {
		if (cfs_mount(&c->dev.bd, NULL, &fs) || cfs_mkdir(fs, "/big"))
			abort();
		model_add(&c->m, "/big", true);
		for (int i = 0; i < 1600; i += 2) {
			struct cfs_file *f;

			snprintf(p, sizeof(p), "/big/entry-with-a-longer-name-%d", i);
			if (cfs_create(fs, p, &f))
				abort();
			cfs_close(f);
			model_add(&c->m, p, false);
		}
		if (cfs_unmount(fs))
			abort();
	}
	memcpy(base, c->dev.img, c->dev.size);
}

/* Chained random cuts: recovery itself is cut too. */
static void multicut(struct ctx *c, uint8_t *base, uint64_t budget)
{
	while (c->points < budget && c->failures == 0) {
		size_t k;
		int mode;
		struct cfs *fs;
		err_t err;

		memcpy(c->dev.img, base, c->dev.size);
		c->dev.ops = 0;
		crashdev_trace_start(&c->dev);
		ev_clear(c);
		ev_ack(c);
		err = cfs_mount(&c->dev.bd, NULL, &c->fs);
		if (err) {
			fail(c, "mount of a recovered image failed: %s", cairn_err_name(err), -1, "-");
			return;
		}
		wl_mix(c, 20 + (int)rnd(c, 40));
		(void)cfs_unmount(c->fs);
		c->dev.record = false;
		k = (size_t)rnd(c, c->dev.ntrace + 1);
		mode = (int)rnd(c, 3);
		if (!crashdev_image_at(&c->dev, base, k, (enum crash_mode)mode, &c->rng, c->img) &&
		    !crashdev_image_at(&c->dev, base, k, CRASH_IN_ORDER, &c->rng, c->img))
			continue;
		if (!check_image(c, k, mode_name[mode]))
			return;
		/* Continue from the recovered image with the model it holds. */
		memcpy(base, c->vdev.img, c->vdev.size);
		model_free(&c->m);
		if (cfs_mount(&c->vdev.bd, NULL, &fs) == CAIRN_OK) {
			if (read_tree(fs, "/", &c->m, 0))
				fail(c, "re-reading a recovered image failed%s", "", (long)k, "-");
			(void)cfs_unmount(fs);
		}
	}
}

int main(int argc, char **argv)
{
	static struct ctx cx;
	struct ctx *c = &cx;
	const char *env = getenv("CAIRN_TEST_SEED");
	uint64_t budget;
	uint8_t *base;

	if (argc < 3) {
		fprintf(stderr, "usage: crash <mix|append|overwrite|bigdir|fulldisk|multicut> <points>\n");
		return 2;
	}
	log_set_level(LOG_LEVEL_ERROR);
	c->workload = argv[1];
	budget = strtoull(argv[2], NULL, 0);
	c->seed = env ? strtoul(env, NULL, 0) : (unsigned long)time(NULL);
	c->rng = c->seed * 2654435761u + 1;
	printf("[ SEED     ] crash.%s: CAIRN_TEST_SEED=%lu\n", c->workload, c->seed);
	c->blocks = strcmp(c->workload, "fulldisk") == 0 ? 1024 : 2048; /* 512 KiB / 1 MiB */
	if (crashdev_init(&c->dev, 512, c->blocks) || crashdev_init(&c->vdev, 512, c->blocks))
		return 2;
	c->img = malloc(c->dev.size);
	base = malloc(c->dev.size);
	if (!c->img || !base)
		return 2;
	make_base(c, base, strcmp(c->workload, "bigdir") == 0);
	if (strcmp(c->workload, "multicut") == 0) {
		multicut(c, base, budget);
	} else {
		static const struct {
			const char *name;
			void (*fn)(struct ctx *, int);
			int ops;
		} wls[] = {
			{ "mix", wl_mix, 400 },          { "append", wl_append, 300 },
			{ "overwrite", wl_overwrite, 200 }, { "bigdir", wl_bigdir, 400 },
			{ "fulldisk", wl_fulldisk, 150 },
		};
		size_t w = 0;

		while (w < ARRAY_SIZE(wls) && strcmp(wls[w].name, c->workload))
			w++;
		if (w == ARRAY_SIZE(wls))
			return 2;
		/* Rounds, each continuing on the image the previous one left,
		 * until the budget of points is spent. */
		while (c->points < budget && c->failures == 0) {
			sweep(c, base, wls[w].fn, wls[w].ops, budget - c->points);
			memcpy(base, c->dev.img, c->dev.size);
		}
	}
	printf("power-loss points exercised: %llu (%s, %llu failures)\n",
	       (unsigned long long)c->points, c->workload, (unsigned long long)c->failures);
	ev_clear(c);
	free(c->ev);
	model_free(&c->m);
	free(c->img);
	free(base);
	crashdev_destroy(&c->dev);
	crashdev_destroy(&c->vdev);
	return c->failures ? 1 : 0;
}
