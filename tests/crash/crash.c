// SPDX-License-Identifier: BSD-2-Clause
/*
 * The power-loss harness: cut the power at every write point of a workload
 * and prove that the filesystem recovers with nothing acknowledged lost.
 *
 *   crash <workload> <points-budget> [--block-size=N] [--mutant=NAME]
 *   (seed: CAIRN_TEST_SEED, or the time)
 *
 * A workload runs once on a traced emulated device (crashdev.h), against a
 * model of the expected namespace and file contents. Every fsync()/sync()
 * that returns records an acknowledgement: a snapshot of the model, tagged
 * with the device op count at that moment. Every changing call records
 * what it did to the model (each path it changed and that path's state
 * after it), tagged with the op count when it started.
 *
 * Then, for every op k of the trace (the mount, every write and flush of
 * the workload and of the final unmount) and for each way the power can
 * fail there (in order; the op at k torn at a sector boundary; the
 * unflushed writes reordered, dropped and torn at random), the harness
 * builds the image the cut leaves and checks it:
 *
 *   1. it mounts (journal recovery);
 *   2. the whole tree is read and compared both ways with the model: its
 *      namespace must be exactly that of the last acknowledged snapshot
 *      after some prefix of the calls started before the cut (no entry
 *      missing, none extra, none of the wrong type: calls are atomic and
 *      commit in order); a file no such call touched has exactly its
 *      acknowledged bytes, a touched one a size and bytes from the states
 *      its identity went through since (see namespace_fits, content_fits);
 *   3. it unmounts, and cairn-fsck's code then finds nothing to fix.
 *
 * The budget counts distinct cut points (a trace op where the power fails;
 * each is checked in every mode that applies there). Rounds continue on
 * the image the previous one left until it is spent; when a round's trace
 * has more ops than the budget left, cut points are taken at an even
 * stride (all of them otherwise). The "multicut" workload instead
 * chains runs: cut at a random point (recovery included), recover, verify,
 * continue on the surviving image, cut again.
 *
 * Prints "power-loss points exercised: N distinct cut points". Exit status 0 when every point
 * passed; on a failure, the seed, workload, point and mode to replay it.
 * "--mutant=NAME" runs a self-test: the filesystem calls carry a deliberate
 * bug the model does not, and the check must fail.
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
	uint32_t id;              /* the file's identity (its inode): kept by rename */
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

	if (!m->count)
		return NULL;
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

		n->id = src->n[i].id;
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

/*
 * What one changing call did to the model: `path` ended up absent, a
 * directory, or a file with `data`. A call records every path it could
 * change (its arguments and, for a directory, everything beneath), and
 * keeps only those whose state really changed.
 */
struct change {
	char path[PATH_LEN];
	bool exists, dir;
	uint32_t id;
	uint8_t *data;
	size_t size;
};

struct event {
	uint64_t at;              /* device op count when it started / returned */
	bool ack;
	char path[2][PATH_LEN];   /* touched paths (mods) */
	struct change *ch;        /* mods: the changes made, in order */
	size_t nch;
	struct model snap;        /* acks: the model, sorted by path */
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
	uint64_t points, failures;      /* images checked (a cut point in a mode) */
	uint64_t cut_points;      /* distinct cut positions (trace, op) checked */
	uint32_t blocks;          /* of 512 bytes */
	uint32_t block_size;      /* of the filesystem */
	uint32_t next_id;         /* identities of model nodes */
	const char *mutant;       /* a deliberate bug the check must catch, or NULL */
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

static bool under(const char *path, const char *top)
{
	size_t lt = strlen(top);

	return lt && strncmp(path, top, lt) == 0 && (path[lt] == '\0' || path[lt] == '/');
}

static void change_fill(struct change *ch, const struct mnode *n)
{
	ch->exists = n != NULL;
	ch->dir = n && n->dir;
	ch->id = n ? n->id : 0;
	ch->size = n ? n->size : 0;
	ch->data = NULL;
	if (ch->size) {
		ch->data = malloc(ch->size);
		if (!ch->data)
			abort();
		memcpy(ch->data, n->data, ch->size);
	}
}

static void change_add(struct event *e, const char *path, const struct mnode *n)
{
	struct change *ch;

	for (size_t i = 0; i < e->nch; i++)
		if (strcmp(e->ch[i].path, path) == 0)
			return;
	e->ch = realloc(e->ch, (e->nch + 1) * sizeof(*e->ch));
	if (!e->ch)
		abort();
	ch = &e->ch[e->nch++];
	snprintf(ch->path, PATH_LEN, "%s", path);
	change_fill(ch, n);
}

static void change_free(struct event *e)
{
	for (size_t i = 0; i < e->nch; i++)
		free(e->ch[i].data);
	free(e->ch);
	e->ch = NULL;
	e->nch = 0;
}

/* Record a call about to change `a` (and `b`): their state before it. */
static size_t ev_mod(struct ctx *c, const char *a, const char *b)
{
	struct event *e = ev_new(c);

	e->at = c->dev.ops;
	snprintf(e->path[0], PATH_LEN, "%s", a);
	snprintf(e->path[1], PATH_LEN, "%s", b ? b : "");
	for (size_t i = 0; i < c->m.count; i++)
		if (under(c->m.n[i].path, e->path[0]) || under(c->m.n[i].path, e->path[1]))
			change_add(e, c->m.n[i].path, &c->m.n[i]);
	change_add(e, e->path[0], NULL);
	if (e->path[1][0])
		change_add(e, e->path[1], NULL);
	return c->nev - 1;
}

/* The call of event `i` returned and the model was updated: keep the
 * after-state of every path whose state changed. */
static void ev_mod_done(struct ctx *c, size_t i)
{
	struct event *e = &c->ev[i];
	size_t kept = 0;
	struct change *pre;

	for (size_t j = 0; j < c->m.count; j++)
		if (under(c->m.n[j].path, e->path[0]) || under(c->m.n[j].path, e->path[1]))
			change_add(e, c->m.n[j].path, NULL);
	pre = e->ch;
	for (size_t j = 0; j < e->nch; j++) {
		struct change now;
		const struct mnode *n = model_find(&c->m, pre[j].path);

		change_fill(&now, n);
		snprintf(now.path, PATH_LEN, "%s", pre[j].path);
		if (now.exists == pre[j].exists && now.dir == pre[j].dir && now.id == pre[j].id &&
		    now.size == pre[j].size &&
		    (!now.size || memcmp(now.data, pre[j].data, now.size) == 0)) {
			free(now.data);
			free(pre[j].data);
			continue;
		}
		free(pre[j].data);
		pre[kept++] = now;
	}
	e->nch = kept;
	if (!kept) {
		free(e->ch);
		e->ch = NULL;
	}
}

static void ev_ack(struct ctx *c)
{
	struct event *e = ev_new(c);

	e->at = c->dev.ops;
	e->ack = true;
	model_copy(&e->snap, &c->m);
	if (e->snap.count)
		qsort(e->snap.n, e->snap.count, sizeof(*e->snap.n), node_cmp);
}

static void ev_clear(struct ctx *c)
{
	for (size_t i = 0; i < c->nev; i++) {
		model_free(&c->ev[i].snap);
		change_free(&c->ev[i]);
	}
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
	size_t ev;
	struct cfs_file *f;
	err_t err;

	ev = ev_mod(c, p, NULL);
	err = cfs_create(c->fs, p, &f);
	check_err(c, err, "create");
	if (!err) {
		cfs_close(f);
		model_add(&c->m, p, false)->id = ++c->next_id;
	}
	ev_mod_done(c, ev);
}

static void w_write(struct ctx *c, const char *p, uint64_t off, size_t len)
{
	size_t ev;
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
	ev = ev_mod(c, p, NULL);
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
	ev_mod_done(c, ev);
}

static void w_trunc(struct ctx *c, const char *p, uint64_t size)
{
	size_t ev;
	struct mnode *n = model_find(&c->m, p);
	struct cfs_file *f;
	err_t err;

	if (!n || n->dir)
		return;
	ev = ev_mod(c, p, NULL);
	err = cfs_open(c->fs, p, CFS_O_WRITE, &f);
	check_err(c, err, "open");
	if (!err) {
		err = cfs_truncate(f, size);
		check_err(c, err, "truncate");
		cfs_close(f);
		if (!err)
			node_resize(n, size);
	}
	ev_mod_done(c, ev);
}

/*
 * The harness's self-test mutants (command line "--mutant=NAME"): the model
 * does the real thing, the filesystem call does something else and reports
 * success. The check of every cut must notice.
 */
static err_t mutant_rename(struct ctx *c, const char *a, const char *b)
{
	struct mnode *n = model_find(&c->m, a);
	struct cfs_file *f;
	size_t done;
	err_t err;

	if (!n || n->dir || strcmp(a, b) == 0 || (model_find(&c->m, b) && model_find(&c->m, b)->dir))
		return cfs_rename(c->fs, a, b);
	if (strcmp(c->mutant, "rename-loses-both") == 0) {
		err = cfs_unlink(c->fs, b);
		err = cfs_unlink(c->fs, a);
		return err;
	}
	/* rename-copies: `b` gets a's bytes, `a` stays. */
	err = cfs_open(c->fs, b, CFS_O_WRITE | CFS_O_CREATE | CFS_O_TRUNC, &f);
	if (err)
		return err;
	err = cfs_write(f, 0, n->data, n->size, &done);
	cfs_close(f);
	return err;
}

static void w_rename(struct ctx *c, const char *a, const char *b)
{
	size_t ev;
	err_t err;

	ev = ev_mod(c, a, b);
	if (c->mutant && strncmp(c->mutant, "rename", 6) == 0)
		err = mutant_rename(c, a, b);
	else
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
	ev_mod_done(c, ev);
}

static void w_unlink(struct ctx *c, const char *p)
{
	size_t ev;
	err_t err;

	ev = ev_mod(c, p, NULL);
	if (c->mutant && strcmp(c->mutant, "unlink-noop") == 0)
		err = model_find(&c->m, p) ? CAIRN_OK : CAIRN_ERR_NOENT;
	else
		err = cfs_unlink(c->fs, p);
	check_err(c, err, "unlink");
	if (!err)
		model_del(&c->m, p);
	ev_mod_done(c, ev);
}

static void w_mkdir(struct ctx *c, const char *p)
{
	size_t ev;
	err_t err;

	ev = ev_mod(c, p, NULL);
	err = cfs_mkdir(c->fs, p);
	check_err(c, err, "mkdir");
	if (!err)
		model_add(&c->m, p, true)->id = ++c->next_id;
	ev_mod_done(c, ev);
}

static void w_rmdir(struct ctx *c, const char *p)
{
	size_t ev;
	err_t err;

	ev = ev_mod(c, p, NULL);
	err = cfs_rmdir(c->fs, p);
	check_err(c, err, "rmdir");
	if (!err)
		model_del(&c->m, p);
	ev_mod_done(c, ev);
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
		/* Rotate a log at 48 KiB, so later rounds still append
		 * instead of filling the disk. */
		if (n && n->size > 48 * 1024)
			w_trunc(c, p, rnd(c, 2) ? 0 : 100);
		else if (n)
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

/*
 * The states a cut at k may leave. The namespace (every path and whether it
 * is a directory) must be exactly that of the last acknowledged snapshot
 * after some prefix of the calls that started before the cut: calls are
 * atomic and commit in order, so neither an extra entry (a resurrected or
 * never-created file) nor a missing one (a lost acknowledged file, a rename
 * that lost both names) fits any prefix. File contents: a file no call
 * touched since the acknowledgement has exactly its acknowledged bytes; a
 * touched one has a size between the smallest and largest it had in those
 * states (a large write spans transactions) and each byte from one of them
 * (in-place writes may land per sector, old or new). Growing a file first
 * zeroes the bytes past its end in its last block, in place: so a state of
 * size s also allows zeros up to the end of the block holding byte s.
 */
struct ns_overlay {
	const char *path;
	int state;                /* 0 absent, 1 file, 2 directory */
};

static int node_state(const struct mnode *n)
{
	return n ? (n->dir ? 2 : 1) : 0;
}

static int change_state(const struct change *ch)
{
	return ch->exists ? (ch->dir ? 2 : 1) : 0;
}

struct window {
	uint32_t bs;              /* filesystem block size */
	const struct model *snap;
	const struct event *ev;   /* the calls started before the cut */
	size_t nev;
	struct ns_overlay *ov;
	size_t nov, ovcap;
};

static size_t tail_end(const struct window *w, size_t size)
{
	return (size + w->bs - 1) / w->bs * w->bs;
}

static int window_state(const struct window *w, const char *path)
{
	struct model *snap = (struct model *)w->snap;

	for (size_t i = w->nov; i-- > 0;)
		if (strcmp(w->ov[i].path, path) == 0)
			return w->ov[i].state;
	return node_state(model_lookup_sorted(snap, path));
}

static void window_set(struct window *w, const char *path, int state)
{
	for (size_t i = 0; i < w->nov; i++) {
		if (strcmp(w->ov[i].path, path) == 0) {
			w->ov[i].state = state;
			return;
		}
	}
	if (w->nov == w->ovcap) {
		w->ovcap = w->ovcap ? w->ovcap * 2 : 32;
		w->ov = realloc(w->ov, w->ovcap * sizeof(*w->ov));
		if (!w->ov)
			abort();
	}
	w->ov[w->nov].path = path;
	w->ov[w->nov++].state = state;
}

static const char *const state_name[] = { "absent", "a file", "a directory" };

/* Name one path where `got` differs from the state after the whole window. */
static void describe_diff(const struct window *w, struct model *got, size_t mism, char *why,
			  size_t whylen)
{
	const char *p = NULL;
	int g = 0, want = 0;

	for (size_t i = 0; !p && i < got->count; i++) {
		g = node_state(&got->n[i]);
		want = window_state(w, got->n[i].path);
		if (g != want)
			p = got->n[i].path;
	}
	for (size_t i = 0; !p && i < w->nov; i++) {
		g = node_state(model_lookup_sorted(got, w->ov[i].path));
		want = w->ov[i].state;
		if (g != want)
			p = w->ov[i].path;
	}
	for (size_t i = 0; !p && i < w->snap->count; i++) {
		g = node_state(model_lookup_sorted(got, w->snap->n[i].path));
		want = window_state(w, w->snap->n[i].path);
		if (g != want)
			p = w->snap->n[i].path;
	}
	snprintf(why, whylen, "the tree fits no state since the last acknowledgement "
		 "(%zu calls since; after them %zu paths differ, e.g. %s is %s, should be %s)",
		 w->nev, mism, p ? p : "?", state_name[g], state_name[want]);
}

/* Does the namespace of `got` equal that of some prefix of the window? */
static bool namespace_fits(struct window *w, struct model *got, char *why, size_t whylen)
{
	const struct model *snap = w->snap;
	size_t mism = 0, i = 0, j = 0;
	bool fits;

	/* Both sorted: count the paths whose state differs at prefix 0. */
	while (i < got->count || j < snap->count) {
		int cmp = i == got->count ? 1 : j == snap->count ? -1 :
			  strcmp(got->n[i].path, snap->n[j].path);

		if (cmp < 0) {
			mism++, i++;
		} else if (cmp > 0) {
			mism++, j++;
		} else {
			mism += got->n[i].dir != snap->n[j].dir;
			i++, j++;
		}
	}
	fits = mism == 0;
	w->nov = 0;
	for (size_t e = 0; e < w->nev && !fits; e++) {
		for (size_t x = 0; x < w->ev[e].nch; x++) {
			const struct change *ch = &w->ev[e].ch[x];
			int g = node_state(model_lookup_sorted(got, ch->path));
			int before = window_state(w, ch->path), after = change_state(ch);

			mism -= g != before;
			mism += g != after;
			window_set(w, ch->path, after);
		}
		fits = mism == 0;
	}
	if (!fits)
		describe_diff(w, got, mism, why, whylen);
	return fits;
}

/*
 * Check the bytes of file `have` against the states it may be in: those of
 * every file identity the path named since the acknowledgement, under any
 * name (data written in place through a new name of a file lands in the
 * blocks the old name still points at until the rename commits).
 */
static bool content_fits(const struct window *w, const struct mnode *have, char *why,
			 size_t whylen)
{
	const struct mnode *acked = model_lookup_sorted((struct model *)w->snap, have->path);
	const uint8_t **cand;
	uint32_t *ids;
	size_t *csize, nc = 0, nids = 0, lo = SIZE_MAX, hi = 0;
	bool touched = false, ok = true;

	/* At most one state per change of the window, plus the acknowledged one. */
	nc = 1;
	for (size_t e = 0; e < w->nev; e++)
		nc += w->ev[e].nch;
	cand = malloc(nc * sizeof(*cand));
	csize = malloc(nc * sizeof(*csize));
	ids = malloc(nc * sizeof(*ids));
	if (!cand || !csize || !ids)
		abort();
	nc = 0;
	if (acked && !acked->dir) {
		ids[nids++] = acked->id;
		cand[nc] = acked->data;
		csize[nc++] = acked->size;
	}
	for (size_t e = 0; e < w->nev; e++) {
		for (size_t x = 0; x < w->ev[e].nch; x++) {
			const struct change *ch = &w->ev[e].ch[x];

			if (strcmp(ch->path, have->path) == 0) {
				touched = true;
				if (ch->exists && !ch->dir)
					ids[nids++] = ch->id;
			}
		}
	}
	for (size_t e = 0; e < w->nev; e++) {
		for (size_t x = 0; x < w->ev[e].nch; x++) {
			const struct change *ch = &w->ev[e].ch[x];
			bool mine = false;

			for (size_t i = 0; i < nids && !mine; i++)
				mine = ch->exists && !ch->dir && ch->id == ids[i];
			if (!mine)
				continue;
			touched = true;
			cand[nc] = ch->data;
			csize[nc++] = ch->size;
		}
	}
	if (!touched) {
		if (acked && (have->size != acked->size ||
			      (acked->size && memcmp(have->data, acked->data, acked->size)))) {
			snprintf(why, whylen, "acknowledged bytes of %s differ (size %zu, want %zu)",
				 have->path, have->size, acked->size);
			ok = false;
		}
		goto out;
	}
	for (size_t i = 0; i < nc; i++) {
		lo = csize[i] < lo ? csize[i] : lo;
		hi = csize[i] > hi ? csize[i] : hi;
	}
	if (nc == 0 || have->size < lo || have->size > hi) {
		snprintf(why, whylen, "size %zu of %s is outside %zu..%zu, its sizes since the "
			 "last acknowledgement", have->size, have->path, lo == SIZE_MAX ? 0 : lo, hi);
		ok = false;
		goto out;
	}
	for (size_t off = 0; off < have->size; off += 512) {
		size_t len = have->size - off < 512 ? have->size - off : 512;
		bool same = false;

		for (size_t i = 0; i < nc && !same; i++)
			same = csize[i] >= off + len &&
			       memcmp(have->data + off, cand[i] + off, len) == 0;
		for (size_t b = off; b < off + len && !same; b++) {
			bool byte_ok = false;

			for (size_t i = 0; i < nc && !byte_ok; i++)
				byte_ok = b < csize[i] ? cand[i][b] == have->data[b] :
					  b < tail_end(w, csize[i]) && have->data[b] == 0;
			if (!byte_ok) {
				snprintf(why, whylen, "byte %zu of %s is none of the values it had "
					 "since the last acknowledgement", b, have->path);
				if (getenv("CRASH_DEBUG")) {
					printf("  size %zu, byte 0x%02x; states:", have->size,
					       have->data[b]);
					for (size_t i = 0; i < nc; i++)
						printf(" %zu:0x%02x", csize[i],
						       b < csize[i] ? cand[i][b] : 0);
					printf("\n");
				}
				ok = false;
				goto out;
			}
		}
	}
out:
	free(cand);
	free(csize);
	free(ids);
	return ok;
}

static void debug_events(const struct ctx *c, size_t ack, size_t k)
{
	if (!getenv("CRASH_DEBUG"))
		return;
	printf("  op %zu: %s block %llu x%u; ack %zu at op %llu\n", k,
	       k < c->dev.ntrace ? (c->dev.trace[k].kind ? "flush" : "write") : "end",
	       k < c->dev.ntrace ? (unsigned long long)c->dev.trace[k].block : 0ull,
	       k < c->dev.ntrace ? c->dev.trace[k].count : 0u, ack,
	       (unsigned long long)c->ev[ack].at);
	for (size_t j = ack; j < c->nev && c->ev[j].at <= k + 2; j++)
		printf("  event at %llu %s %s %s (%zu changes)\n", (unsigned long long)c->ev[j].at,
		       c->ev[j].ack ? "ack" : "mod", c->ev[j].path[0], c->ev[j].path[1],
		       c->ev[j].nch);
}

/* Check the image in c->img (a cut at op k). Returns true if it passed;
 * leaves the post-check image in c->vdev. */
static bool check_image(struct ctx *c, size_t k, const char *mode)
{
	struct cfs *fs;
	struct model got;
	struct cfs_fsck_opts fo = { .repair = true, .report = fsck_report };
	struct cfs_fsck_result fr;
	struct window w;
	size_t ack = 0, cut;
	uint64_t before = c->failures;
	char why[PATH_LEN + 200];
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
	/* The calls that started before the cut; a torn op at k did partly
	 * happen, so calls starting at k count too. */
	cut = k + (strcmp(mode, "torn") == 0);
	memset(&w, 0, sizeof(w));
	w.bs = c->block_size;
	w.snap = &c->ev[ack].snap;
	w.ev = &c->ev[ack + 1];
	while (ack + 1 + w.nev < c->nev && !w.ev[w.nev].ack && w.ev[w.nev].at < cut)
		w.nev++;
	memset(&got, 0, sizeof(got));
	err = read_tree(fs, "/", &got, 0);
	if (err)
		fail(c, "reading the tree failed: %s", cairn_err_name(err), (long)k, mode);
	if (got.count)
		qsort(got.n, got.count, sizeof(*got.n), node_cmp);
	if (!err && !namespace_fits(&w, &got, why, sizeof(why))) {
		fail(c, "%s", why, (long)k, mode);
		debug_events(c, ack, k);
	}
	for (size_t i = 0; !err && c->failures == before && i < got.count; i++) {
		if (!got.n[i].dir && !content_fits(&w, &got.n[i], why, sizeof(why))) {
			fail(c, "%s", why, (long)k, mode);
			debug_events(c, ack, k);
		}
	}
	free(w.ov);
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
	uint64_t writes0, flushes0;
	size_t n, stride;
	err_t err;

	memcpy(c->dev.img, base, c->dev.size);
	c->dev.ops = 0;
	writes0 = c->dev.writes;
	flushes0 = c->dev.flushes;
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
	stride = budget >= n ? 1 : (n + budget - 1) / budget;
	printf("%s: round of %zu device ops (%llu writes, %llu flushes), cutting at every %s\n",
	       c->workload, c->dev.ntrace, (unsigned long long)(c->dev.writes - writes0),
	       (unsigned long long)(c->dev.flushes - flushes0),
	       stride == 1 ? "op" : stride == 2 ? "second op" : "n-th op (budget)");
	if (crash_sweep_init(&sw, &c->dev, base))
		abort();
	for (size_t k = 0; k < n && c->failures < 5; k += stride) {
		c->cut_points++;
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
	o.block_size = c->block_size;
	o.bytes_per_inode = c->block_size / 2;
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
			model_add(&c->m, p, false)->id = ++c->next_id;
		}
		if (cfs_unmount(fs))
			abort();
	}
	memcpy(base, c->dev.img, c->dev.size);
}

/* Chained random cuts: recovery itself is cut too. */
static void multicut(struct ctx *c, uint8_t *base, uint64_t budget)
{
	while (c->cut_points < budget && c->failures == 0) {
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
		c->cut_points++;
		if (!check_image(c, k, mode_name[mode]))
			return;
		/* Continue from the recovered image with the model it holds. */
		memcpy(base, c->vdev.img, c->vdev.size);
		model_free(&c->m);
		if (cfs_mount(&c->vdev.bd, NULL, &fs) == CAIRN_OK) {
			if (read_tree(fs, "/", &c->m, 0))
				fail(c, "re-reading a recovered image failed%s", "", (long)k, "-");
			for (size_t i = 0; i < c->m.count; i++)
				c->m.n[i].id = ++c->next_id;
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
		fprintf(stderr, "usage: crash <mix|append|overwrite|bigdir|fulldisk|multicut> <points> "
			"[--block-size=N] [--mutant=unlink-noop|rename-copies|rename-loses-both]\n");
		return 2;
	}
	log_set_level(LOG_LEVEL_ERROR);
	c->workload = argv[1];
	budget = strtoull(argv[2], NULL, 0);
	c->block_size = 1024;
	for (int i = 3; i < argc; i++) {
		if (strncmp(argv[i], "--block-size=", 13) == 0) {
			c->block_size = (uint32_t)strtoul(argv[i] + 13, NULL, 0);
		} else if (strncmp(argv[i], "--mutant=", 9) == 0 &&
			   (strcmp(argv[i] + 9, "unlink-noop") == 0 ||
			    strcmp(argv[i] + 9, "rename-copies") == 0 ||
			    strcmp(argv[i] + 9, "rename-loses-both") == 0)) {
			c->mutant = argv[i] + 9;
		} else {
			fprintf(stderr, "crash: unknown option '%s'\n", argv[i]);
			return 2;
		}
	}
	if (c->block_size != 1024 && c->block_size != 4096) {
		fprintf(stderr, "crash: block size must be 1024 or 4096\n");
		return 2;
	}
	c->seed = env ? strtoul(env, NULL, 0) : (unsigned long)time(NULL);
	c->rng = c->seed * 2654435761u + 1;
	printf("[ SEED     ] crash.%s: CAIRN_TEST_SEED=%lu\n", c->workload, c->seed);
	if (c->mutant)
		printf("self-test: the filesystem calls carry mutant %s; the check must fail\n",
		       c->mutant);
	/* 1 MiB (fulldisk 512 KiB) with 1 KiB blocks; twice that with 4 KiB. */
	c->blocks = strcmp(c->workload, "fulldisk") == 0 ? 1024 : 2048;
	if (c->block_size == 4096)
		c->blocks *= 2;
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
		while (c->cut_points < budget && c->failures == 0) {
			sweep(c, base, wls[w].fn, wls[w].ops, budget - c->cut_points);
			memcpy(base, c->dev.img, c->dev.size);
		}
	}
	printf("power-loss points exercised: %llu distinct cut points (%s, %u-byte blocks; "
	       "%llu images checked in-order/torn/reordered; %llu failures)\n",
	       (unsigned long long)c->cut_points, c->workload, c->block_size,
	       (unsigned long long)c->points, (unsigned long long)c->failures);
	ev_clear(c);
	free(c->ev);
	model_free(&c->m);
	free(c->img);
	free(base);
	crashdev_destroy(&c->dev);
	crashdev_destroy(&c->vdev);
	return c->failures ? 1 : 0;
}
