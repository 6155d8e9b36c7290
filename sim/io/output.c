/* sync_file_range(2): Linux's way to start a file's writeback early. */
#define _GNU_SOURCE
#include "dcisim/output.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "dcisim/buf.h"
#include "dcisim/version.h"

int dcs_mkdir_p(const char *dir)
{
	char *p = strdup(dir);
	if (!p) {
		errno = ENOMEM;
		return -1;
	}
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0777) != 0 && errno != EEXIST) {
			free(p);
			return -1;
		}
		*s = '/';
	}
	int rc = mkdir(p, 0777);
	free(p);
	if (rc != 0 && errno != EEXIST)
		return -1;
	struct stat st;
	if (stat(dir, &st) != 0)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	return 0;
}

static int write_atomic(const char *dir, const char *name, const char *data, size_t len,
			bool durable, FILE *err)
{
	size_t plen = strlen(dir) + strlen(name) + 64;
	char *final = malloc(plen), *tmp = malloc(plen);
	if (!final || !tmp) {
		free(final);
		free(tmp);
		fprintf(err, "dcisim: error: out of memory writing %s\n", name);
		return -1;
	}
	snprintf(final, plen, "%s/%s", dir, name);
	snprintf(tmp, plen, "%s/.%s.tmp.%ld", dir, name, (long)getpid());
	FILE *fp = fopen(tmp, "wb");
	int rc = -1;
	if (!fp) {
		fprintf(err, "dcisim: error: cannot write %s: %s\n", tmp, strerror(errno));
		goto out;
	}
	bool ok = fwrite(data, 1, len, fp) == len;
	ok = fflush(fp) == 0 && ok;
	ok = (!durable || fsync(fileno(fp)) == 0) && ok;
	int saved = errno;
	ok = fclose(fp) == 0 && ok;
	if (!ok) {
		fprintf(err, "dcisim: error: cannot write %s: %s\n", final,
			strerror(saved ? saved : errno));
		unlink(tmp);
		goto out;
	}
	if (rename(tmp, final) != 0) {
		fprintf(err, "dcisim: error: cannot rename %s to %s: %s\n", tmp, final,
			strerror(errno));
		unlink(tmp);
		goto out;
	}
	rc = 0;
out:
	free(final);
	free(tmp);
	return rc;
}

int dcs_write_file_atomic(const char *dir, const char *name, const char *data, size_t len,
			  FILE *err)
{
	return write_atomic(dir, name, data, len, true, err);
}

int dcs_write_file_replace(const char *dir, const char *name, const char *data, size_t len,
			   FILE *err)
{
	return write_atomic(dir, name, data, len, false, err);
}

int dcs_write_table(const char *dir, const struct dcs_table *t, FILE *err)
{
	struct dcs_buf b = {0};
	size_t nc = dcs_table_ncols(t), nr = dcs_table_nrows(t);
	const char **cells = malloc((nc ? nc : 1) * sizeof(*cells));
	if (!cells)
		b.oom = true;
	for (size_t c = 0; cells && c < nc; c++)
		cells[c] = dcs_table_col(t, c);
	if (cells)
		dcs_csv_put_row(&b, nc, cells);
	for (size_t r = dcs_table_first_held(t); cells && r < nr; r++) {
		for (size_t c = 0; c < nc; c++)
			cells[c] = dcs_table_cell(t, r, c);
		dcs_csv_put_row(&b, nc, cells);
	}
	free(cells);
	if (b.oom) {
		dcs_buf_free(&b);
		fprintf(err, "dcisim: error: out of memory writing %s\n", dcs_table_file(t));
		return -1;
	}
	int rc = dcs_write_file_atomic(dir, dcs_table_file(t), b.s, b.len, err);
	dcs_buf_free(&b);
	return rc;
}

/* ---- CSV files written as their rows come -------------------------------
 *
 * Each table goes to a temporary name in the directory (".NAME.tmp.PID"):
 * rows are put in a buffer (dcs_csv_put_row) that is written out with
 * write(2) whenever it holds TFILE_FLUSH bytes.  Commit flushes, syncs and
 * renames each into place.  An error (a full disk, no memory) is kept and
 * reported at commit, which then removes what it had not renamed. */

#define TFILE_FLUSH (32 * 1024)

/* A thread that makes written rows durable while the run goes on: every
 * FLUSH_STEP bytes the writer thread asks it to fdatasync the file it is
 * writing.  A disk (or a virtual disk's host) with a volatile write cache
 * empties all of it on each flush, so by the end only the last bytes are
 * left to the syncs at commit, instead of every byte of the run (measured in
 * docs/performance.md: the 10,000-VM evacuation's 8.5 MB took 8-12 ms to
 * sync at the end, 1-2 ms with this).  Nothing waits for it but its join. */
struct flusher {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int want;     /* descriptor to flush next; -1 */
	bool stop;    /* no more requests: finish the one taken and end */
	bool running; /* the thread was started (by the writer thread) */
	size_t since; /* bytes written since the last request (writer thread) */
};

#define FLUSH_STEP (1u << 20)

struct tfile {
	const struct dcs_table *t;
	char *tmp, *final;
	int fd;
	struct dcs_buf buf;
	int err;           /* errno of the first failure; 0 */
	size_t unsynced;   /* bytes written since writeback was last started */
	bool async;        /* written by the writer thread */
	bool synced;       /* flushed and synced to the disk: only the rename is left */
	size_t idx;        /* its table's index in the results (writer thread) */
	bool sync_started; /* synced early on sync_th, to be joined */
	pthread_t sync_th;
};

/* With a writer thread, each file's writeback starts every SYNC_STEP bytes
 * (that thread waits for nothing), so that the sync at the end has little
 * left to wait for. */
#define SYNC_STEP (1u << 20)

/* A chunk of deferred rows on its way to the writer thread. */
struct chunk {
	struct chunk *next;
	unsigned char *data;
	size_t len, cap;
	uint64_t tables; /* which tables it has rows of (bit i: table i) */
};

struct dcs_table_files {
	char *dir;
	struct tfile **f; /* each on its own: a writer thread keeps pointers */
	size_t n, cap, last;
	bool oom;
	/* With a writer thread (dcs_results_defer): the model's results send
	 * their rows' records here; the thread replays them into `mine`,
	 * whose sink is this writer.  Everything above is the thread's until
	 * it is joined. */
	struct dcs_results *res, *mine;
	struct dcs_replay *rp;
	struct dcs_csv_sink csv;
	bool threaded;
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t work, room;
	struct chunk *head, *tail;
	size_t queued;
	bool done;
	/* Buffers replayed, for the model's thread to log into again. */
	struct chunk *spare;
	size_t nspare;
	bool early; /* the files done before the last rows are being synced */
	struct flusher fl;
};

/* Spare buffers kept at most (each a chunk of rows, ~64 KiB). */
#define SPARE_MAX 16

/* Records the model's thread may run ahead of the writer by: beyond this
 * it waits, so memory stays flat when the disk is slower than the run. */
#define QUEUE_MAX (4u << 20)

static void *flusher_main(void *p)
{
	struct flusher *fl = p;
	pthread_mutex_lock(&fl->mu);
	for (;;) {
		while (fl->want < 0 && !fl->stop)
			pthread_cond_wait(&fl->cv, &fl->mu);
		if (fl->want < 0)
			break;
		int fd = fl->want;
		fl->want = -1;
		pthread_mutex_unlock(&fl->mu);
		/* An error here is the commit's to find: its fsync reports it. */
		(void)fdatasync(fd);
		pthread_mutex_lock(&fl->mu);
	}
	pthread_mutex_unlock(&fl->mu);
	return NULL;
}

/* Writer thread only (csv_row_done): n more bytes written to fd; every
 * FLUSH_STEP, a flush of fd asked for (the flusher started on the first;
 * when it cannot start, nothing). */
static void flusher_note(struct flusher *fl, int fd, size_t n)
{
	fl->since += n;
	if (fl->since < FLUSH_STEP)
		return;
	fl->since = 0;
	if (!fl->running) {
		fl->want = -1;
		pthread_mutex_init(&fl->mu, NULL);
		pthread_cond_init(&fl->cv, NULL);
		fl->running = pthread_create(&fl->th, NULL, flusher_main, fl) == 0;
		if (!fl->running) {
			pthread_mutex_destroy(&fl->mu);
			pthread_cond_destroy(&fl->cv);
			return;
		}
	}
	pthread_mutex_lock(&fl->mu);
	fl->want = fd;
	pthread_cond_signal(&fl->cv);
	pthread_mutex_unlock(&fl->mu);
}

/* Once the writer thread is joined: no more requests; the flush in hand
 * goes on beside the syncs at commit. */
static void flusher_end(struct flusher *fl)
{
	if (!fl->running)
		return;
	pthread_mutex_lock(&fl->mu);
	fl->stop = true;
	fl->want = -1;
	pthread_cond_signal(&fl->cv);
	pthread_mutex_unlock(&fl->mu);
}

/* The flusher joined, before any file it was given is closed. */
static void flusher_join(struct flusher *fl)
{
	if (!fl->running)
		return;
	flusher_end(fl);
	pthread_join(fl->th, NULL);
	pthread_mutex_destroy(&fl->mu);
	pthread_cond_destroy(&fl->cv);
	fl->running = false;
}

static void tf_flush(struct tfile *f)
{
	size_t done = 0;
	while (!f->err && !f->buf.oom && done < f->buf.len) {
		ssize_t w = write(f->fd, f->buf.s + done, f->buf.len - done);
		if (w < 0) {
			if (errno != EINTR)
				f->err = errno;
			continue;
		}
		done += (size_t)w;
	}
	f->unsynced += done;
#ifdef SYNC_FILE_RANGE_WRITE
	if (f->async && f->unsynced >= SYNC_STEP && !f->err) {
		sync_file_range(f->fd, 0, 0, SYNC_FILE_RANGE_WRITE);
		f->unsynced = 0;
	}
#endif
	if (f->buf.s) {
		f->buf.len = 0;
		f->buf.s[0] = '\0';
	}
}

static void tf_row(struct tfile *f, size_t n, const char *const *cells)
{
	if (f->err || f->buf.oom || f->fd < 0)
		return;
	dcs_csv_put_row(&f->buf, n, cells);
	if (f->buf.len >= TFILE_FLUSH)
		tf_flush(f);
}

static void tf_free(struct tfile *f)
{
	free(f->tmp);
	free(f->final);
	dcs_buf_free(&f->buf);
}

static void tf_discard_file(struct tfile *f)
{
	if (f->sync_started) {
		pthread_join(f->sync_th, NULL);
		f->sync_started = false;
	}
	if (f->fd >= 0) {
		close(f->fd);
		unlink(f->tmp);
		f->fd = -1;
	}
}

/* Opens t's temporary file and writes its header. */
static void tf_open(struct dcs_table_files *F, struct tfile *f, const struct dcs_table *t)
{
	*f = (struct tfile){.t = t, .fd = -1};
	const char *name = dcs_table_file(t);
	size_t plen = strlen(F->dir) + strlen(name) + 64;
	f->final = malloc(plen);
	f->tmp = malloc(plen);
	size_t nc = dcs_table_ncols(t);
	const char **cols = malloc((nc ? nc : 1) * sizeof(*cols));
	if (!f->final || !f->tmp || !cols) {
		f->buf.oom = true;
		free(cols);
		return;
	}
	snprintf(f->final, plen, "%s/%s", F->dir, name);
	snprintf(f->tmp, plen, "%s/.%s.tmp.%ld", F->dir, name, (long)getpid());
	f->fd = open(f->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (f->fd < 0)
		f->err = errno;
	else if ((f->async = F->threaded)) {
		/* An earlier run's file goes now, on this thread: freeing its
		 * blocks would otherwise hold up the rename at the end.  Its
		 * run.json went first (dcs_table_files_open). */
		unlink(f->final);
	}
	for (size_t c = 0; c < nc; c++)
		cols[c] = dcs_table_col(t, c);
	tf_row(f, nc, cols);
	free(cols);
}

/* t's file opened and listed; NULL when out of memory (F->oom). */
static struct tfile *files_add(struct dcs_table_files *F, const struct dcs_table *t)
{
	if (F->n == F->cap) {
		size_t cap = F->cap ? 2 * F->cap : 16;
		struct tfile **nf = realloc(F->f, cap * sizeof(*nf));
		if (!nf) {
			F->oom = true;
			return NULL;
		}
		F->f = nf;
		F->cap = cap;
	}
	struct tfile *f = calloc(1, sizeof(*f));
	if (!f) {
		F->oom = true;
		return NULL;
	}
	F->f[F->n++] = f;
	tf_open(F, f, t);
	return f;
}

static void sink_table(void *ctx, const struct dcs_table *t)
{
	files_add(ctx, t);
}

static void sink_row(void *ctx, const struct dcs_table *t, const char *const *cells)
{
	struct dcs_table_files *F = ctx;
	if (F->last >= F->n || F->f[F->last]->t != t) {
		F->last = 0;
		while (F->last < F->n && F->f[F->last]->t != t)
			F->last++;
		if (F->last == F->n)
			return; /* its file could not be set up: F->oom says so */
	}
	struct tfile *f = F->f[F->last];
	if (f->err || f->buf.oom || f->fd < 0)
		return;
	dcs_csv_put_row_lens(&f->buf, dcs_table_ncols(t), cells, dcs_table_row_lens(t),
			     dcs_table_row_numbers(t));
	if (f->buf.len >= TFILE_FLUSH)
		tf_flush(f);
}

/* The writer thread prints rows straight into each file's buffer
 * (dcs_replay_chunk_csv): the same bytes as sink_row puts. */
static void *csv_table(void *ctx, size_t idx, const struct dcs_table *t, struct dcs_buf **buf)
{
	struct tfile *f = files_add(ctx, t);
	*buf = f ? &f->buf : NULL;
	if (f)
		f->idx = idx;
	return f;
}

static void *sync_main(void *p);

/* The run has ended and its last records are queued (pending: the tables
 * they have rows of): every other file is whole, so its sync starts now, on
 * a thread of its own, while this thread prints the last rows (a run's
 * summary rows come last).  sync_all joins them. */
static void early_syncs(struct dcs_table_files *F, uint64_t pending)
{
	for (size_t i = 0; i < F->n; i++) {
		struct tfile *f = F->f[i];
		if (f->idx >= 64 || (pending >> f->idx & 1) || f->fd < 0 || f->err || f->buf.oom)
			continue;
		tf_flush(f);
		f->sync_started = pthread_create(&f->sync_th, NULL, sync_main, f) == 0;
	}
}

static void csv_row_done(void *ctx, void *handle)
{
	struct dcs_table_files *F = ctx;
	struct tfile *f = handle;
	if (!f)
		return;
	if (f->err || f->buf.oom || f->fd < 0) {
		f->buf.len = 0; /* nothing more goes to a file that failed */
		return;
	}
	if (f->buf.len >= TFILE_FLUSH) {
		size_t n = f->buf.len;
		tf_flush(f);
		if (!f->err)
			flusher_note(&F->fl, f->fd, n);
	}
}

static void *writer_main(void *ctx)
{
	struct dcs_table_files *F = ctx;
	pthread_mutex_lock(&F->mu);
	for (;;) {
		while (!F->head && !F->done)
			pthread_cond_wait(&F->work, &F->mu);
		if (F->done && !F->early) {
			F->early = true;
			uint64_t pending = 0;
			for (const struct chunk *q = F->head; q; q = q->next)
				pending |= q->tables;
			pthread_mutex_unlock(&F->mu);
			early_syncs(F, pending);
			pthread_mutex_lock(&F->mu);
		}
		struct chunk *c = F->head;
		if (!c)
			break;
		F->head = c->next;
		if (!F->head)
			F->tail = NULL;
		pthread_mutex_unlock(&F->mu);
		dcs_replay_chunk_csv(F->rp, c->data, c->len, &F->csv);
		pthread_mutex_lock(&F->mu);
		F->queued -= c->len;
		pthread_cond_signal(&F->room);
		if (F->nspare < SPARE_MAX) {
			c->next = F->spare;
			F->spare = c;
			F->nspare++;
		} else {
			free(c->data);
			free(c);
		}
	}
	pthread_mutex_unlock(&F->mu);
	return NULL;
}

static unsigned char *writer_recycled(void *ctx, size_t *cap)
{
	struct dcs_table_files *F = ctx;
	pthread_mutex_lock(&F->mu);
	struct chunk *c = F->spare;
	if (c) {
		F->spare = c->next;
		F->nspare--;
	}
	pthread_mutex_unlock(&F->mu);
	if (!c)
		return NULL;
	unsigned char *data = c->data;
	*cap = c->cap;
	free(c);
	return data;
}

static void writer_chunk(void *ctx, unsigned char *data, size_t len, size_t cap, uint64_t tables)
{
	struct dcs_table_files *F = ctx;
	struct chunk *c = malloc(sizeof(*c));
	if (!c) {
		fprintf(stderr, "dcisim: out of memory writing results\n");
		exit(3);
	}
	*c = (struct chunk){.data = data, .len = len, .cap = cap, .tables = tables};
	pthread_mutex_lock(&F->mu);
	while (F->queued > QUEUE_MAX)
		pthread_cond_wait(&F->room, &F->mu);
	if (F->tail)
		F->tail->next = c;
	else
		F->head = c;
	F->tail = c;
	F->queued += len;
	pthread_cond_signal(&F->work);
	pthread_mutex_unlock(&F->mu);
}

/* The writer's tables go last: the files name them in their messages. */
static void writer_free(struct dcs_table_files *F)
{
	dcs_replay_destroy(F->rp);
	dcs_results_destroy(F->mine);
	F->rp = NULL;
	F->mine = NULL;
}

/* Rows are printed and written on a thread of their own when no one reads
 * them back here (hold none: a quiet run, a sweep's runs).  False when that
 * cannot be set up: the rows then go through the sink on this thread. */
static bool writer_start(struct dcs_table_files *F, struct dcs_results *res)
{
	F->mine = dcs_results_create();
	if (!F->mine)
		return false;
	F->rp = dcs_replay_create(F->mine);
	F->csv = (struct dcs_csv_sink){
	    .table = csv_table, .text = dcs_csv_put_text, .row_done = csv_row_done, .ctx = F};
	pthread_mutex_init(&F->mu, NULL);
	pthread_cond_init(&F->work, NULL);
	pthread_cond_init(&F->room, NULL);
	F->threaded = true;
	/* The mark of the earlier run's results goes before any of them. */
	char *mark = malloc(strlen(F->dir) + sizeof("/run.json"));
	if (mark) {
		strcat(strcpy(mark, F->dir), "/run.json");
		unlink(mark);
		free(mark);
	}
	if (pthread_create(&F->th, NULL, writer_main, F) != 0) {
		F->threaded = false;
		writer_free(F);
		return false;
	}
	struct dcs_results_pipe pipe = {
	    .chunk = writer_chunk, .recycled = writer_recycled, .ctx = F};
	if (dcs_results_defer(res, &pipe)) {
		F->res = res;
		return true;
	}
	/* A row is open: no thread after all. */
	pthread_mutex_lock(&F->mu);
	F->done = true;
	pthread_cond_signal(&F->work);
	pthread_mutex_unlock(&F->mu);
	pthread_join(F->th, NULL);
	pthread_mutex_destroy(&F->mu);
	pthread_cond_destroy(&F->work);
	pthread_cond_destroy(&F->room);
	F->threaded = false;
	return false;
}

/* The last rows to the thread, and the thread joined: F is this thread's again. */
static void writer_stop(struct dcs_table_files *F)
{
	if (!F->threaded)
		return;
	if (F->res)
		dcs_results_end_defer(F->res);
	pthread_mutex_lock(&F->mu);
	F->done = true;
	pthread_cond_signal(&F->work);
	pthread_mutex_unlock(&F->mu);
	pthread_join(F->th, NULL);
	flusher_end(&F->fl);
	while (F->spare) {
		struct chunk *c = F->spare;
		F->spare = c->next;
		free(c->data);
		free(c);
	}
	F->nspare = 0;
	pthread_mutex_destroy(&F->mu);
	pthread_cond_destroy(&F->work);
	pthread_cond_destroy(&F->room);
	F->threaded = false;
}

struct dcs_table_files *dcs_table_files_open(const char *dir, struct dcs_results *res,
					     enum dcs_hold hold, FILE *err)
{
	struct dcs_table_files *F = calloc(1, sizeof(*F));
	if (F)
		F->dir = strdup(dir);
	if (!F || !F->dir) {
		free(F);
		fprintf(err, "dcisim: error: out of memory writing %s\n", dir);
		return NULL;
	}
	if (hold == DCS_HOLD_NONE && writer_start(F, res))
		return F;
	struct dcs_results_sink sink = {.table = sink_table, .row = sink_row, .ctx = F};
	dcs_results_set_sink(res, &sink, hold);
	return F;
}

void dcs_table_files_discard(struct dcs_table_files *F)
{
	if (!F)
		return;
	writer_stop(F);
	flusher_join(&F->fl);
	for (size_t i = 0; i < F->n; i++) {
		tf_discard_file(F->f[i]);
		tf_free(F->f[i]);
		free(F->f[i]);
	}
	writer_free(F);
	free(F->f);
	free(F->dir);
	free(F);
}

/* Flushes and syncs one file (errors kept for tf_commit). */
static void tf_sync(struct tfile *f)
{
	if (f->fd < 0 || f->buf.oom)
		return;
	tf_flush(f);
	if (!f->err && fsync(f->fd) != 0)
		f->err = errno;
	f->synced = true;
}

static void *sync_main(void *p)
{
	tf_sync(p);
	return NULL;
}

/* Syncs every file at once: the file system commits their metadata
 * together (one journal commit instead of one per file). */
static void sync_all(struct dcs_table_files *F)
{
	pthread_t th[16];
	bool started[16] = {false};
	size_t n = F->n < 16 ? F->n : 16;
	for (size_t i = 1; i < n; i++)
		if (!F->f[i]->sync_started)
			started[i] = pthread_create(&th[i], NULL, sync_main, F->f[i]) == 0;
	for (size_t i = 0; i < F->n; i++)
		if (!F->f[i]->sync_started && (i == 0 || i >= n || !started[i]))
			tf_sync(F->f[i]);
	for (size_t i = 1; i < n; i++)
		if (started[i])
			pthread_join(th[i], NULL);
	for (size_t i = 0; i < F->n; i++)
		if (F->f[i]->sync_started) { /* started by early_syncs */
			pthread_join(F->f[i]->sync_th, NULL);
			F->f[i]->sync_started = false;
		}
}

/* Flushes, syncs (unless sync_all did), closes and renames one file; 0, or
 * -1 with a message. */
static int tf_commit(struct tfile *f, FILE *err)
{
	if (f->buf.oom) {
		fprintf(err, "dcisim: error: out of memory writing %s\n", dcs_table_file(f->t));
		tf_discard_file(f);
		return -1;
	}
	if (f->fd < 0) {
		fprintf(err, "dcisim: error: cannot write %s: %s\n", f->tmp, strerror(f->err));
		return -1;
	}
	if (!f->synced)
		tf_sync(f);
	int fd = f->fd;
	f->fd = -1;
	if (close(fd) != 0 && !f->err)
		f->err = errno;
	if (f->err) {
		fprintf(err, "dcisim: error: cannot write %s: %s\n", f->final, strerror(f->err));
		unlink(f->tmp);
		return -1;
	}
	if (rename(f->tmp, f->final) != 0) {
		fprintf(err, "dcisim: error: cannot rename %s to %s: %s\n", f->tmp, f->final,
			strerror(errno));
		unlink(f->tmp);
		return -1;
	}
	return 0;
}

int dcs_table_files_commit(struct dcs_table_files *F, FILE *err)
{
	writer_stop(F);
	int rc = 0;
	if (F->oom) {
		fprintf(err, "dcisim: error: out of memory writing %s\n", F->dir);
		rc = -1;
	}
	if (rc == 0)
		sync_all(F);
	flusher_join(&F->fl);
	for (size_t i = 0; i < F->n; i++) {
		if (rc == 0)
			rc = tf_commit(F->f[i], err);
		else
			tf_discard_file(F->f[i]);
		tf_free(F->f[i]);
		free(F->f[i]);
	}
	writer_free(F);
	free(F->f);
	free(F->dir);
	free(F);
	return rc;
}

int dcs_write_run_json(const char *dir, const struct dcs_run_info *ri, FILE *err)
{
	cJSON *o = cJSON_CreateObject();
	/* Each add returns NULL when out of memory: a run.json with a field
	 * missing is never written. */
	bool ok = o != NULL;
	char fp[32];
	snprintf(fp, sizeof(fp), "%016llx", (unsigned long long)ri->fingerprint);
	static const char commit[] = DCISIM_COMMIT;
	size_t cl = strlen(commit);
	bool dirty = cl >= 6 && strcmp(&commit[cl - 6], "-dirty") == 0;
	char host[256] = "";
	if (gethostname(host, sizeof(host) - 1) != 0)
		host[0] = '\0';
	char started[32] = "";
	time_t t0 = (time_t)ri->started_unix;
	struct tm tm;
	if (ri->started_unix > 0 && gmtime_r(&t0, &tm))
		strftime(started, sizeof(started), "%Y-%m-%dT%H:%M:%SZ", &tm);
	ok = ok && cJSON_AddStringToObject(o, "scenario", ri->scenario);
	ok = ok && cJSON_AddStringToObject(o, "scenario_path",
					   ri->scenario_path ? ri->scenario_path : "");
	ok = ok && cJSON_AddStringToObject(o, "scenario_sha256",
					   ri->scenario_sha256 ? ri->scenario_sha256 : "");
	ok = ok && cJSON_AddNumberToObject(o, "seed", (double)ri->seed);
	ok = ok && cJSON_AddNumberToObject(o, "replication", ri->replication);
	ok = ok && cJSON_AddStringToObject(o, "version", DCISIM_VERSION);
	ok = ok && cJSON_AddStringToObject(o, "commit", DCISIM_COMMIT);
	ok = ok && cJSON_AddBoolToObject(o, "dirty", dirty);
	ok = ok && cJSON_AddStringToObject(o, "build", DCISIM_BUILD_TYPE);
	ok = ok && cJSON_AddStringToObject(o, "build_options", DCISIM_BUILD_OPTIONS);
	ok = ok && cJSON_AddNumberToObject(o, "events", (double)ri->events);
	ok = ok && cJSON_AddNumberToObject(o, "simulated_s", ri->sim_s);
	ok = ok && cJSON_AddStringToObject(o, "fingerprint", fp);
	ok = ok && cJSON_AddBoolToObject(o, "complete", ri->complete);
	if (ri->stop_note)
		ok = ok && cJSON_AddStringToObject(o, "note", ri->stop_note);
	ok = ok && cJSON_AddNumberToObject(o, "peak_pending_events", (double)ri->peak_pending);
	ok = ok && cJSON_AddStringToObject(o, "host", host);
	ok = ok && cJSON_AddStringToObject(o, "started_utc", started);
	ok = ok && cJSON_AddNumberToObject(o, "wall_s", ri->wall_s);
	ok = ok && cJSON_AddNumberToObject(o, "events_per_s",
					   ri->wall_s > 0 ? (double)ri->events / ri->wall_s : 0.0);
	char *text = ok ? cJSON_Print(o) : NULL;
	cJSON_Delete(o);
	char *with_nl = text ? malloc(strlen(text) + 2) : NULL;
	if (!with_nl) {
		free(text);
		fprintf(err, "dcisim: error: out of memory writing run.json\n");
		return -1;
	}
	size_t n = strlen(text);
	memcpy(with_nl, text, n);
	with_nl[n] = '\n';
	int rc = dcs_write_file_atomic(dir, "run.json", with_nl, n + 1, err);
	free(with_nl);
	free(text);
	return rc;
}
