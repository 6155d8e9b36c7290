/*
 * Trace file writer (dcisim/tracefile.h; the format in docs/trace.md): one
 * record a line, a table's file name and cells as CSV (dcs_csv_put_row), to
 * a temporary file renamed into place when finished.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dcisim/buf.h"
#include "dcisim/output.h"
#include "dcisim/tracefile.h"

struct dcs_trace_file {
	FILE *f;
	char *path, *tmp;
	struct dcs_buf line; /* the record being written */
	size_t *ncols;       /* per declared table */
	size_t n_ids;
	bool oom;
};

/* Puts the record in f->line and clears it. */
static void flush_line(struct dcs_trace_file *f)
{
	f->oom |= f->line.oom;
	if (!f->line.oom && f->line.len)
		fwrite(f->line.s, 1, f->line.len, f->f);
	f->line.len = 0;
	f->line.oom = false;
}

struct dcs_trace_file *dcs_trace_file_create(const char *path, const struct dcs_trace_meta *m,
					     FILE *err)
{
	struct dcs_trace_file *f = calloc(1, sizeof(*f));
	if (!f)
		goto oom;
	f->path = strdup(path);
	size_t n = strlen(path) + 32;
	f->tmp = malloc(n);
	if (!f->path || !f->tmp)
		goto oom;
	snprintf(f->tmp, n, "%s.tmp-%ld", path, (long)getpid());
	/* Its directory may be the --out directory, not made yet. */
	char *dir = strdup(path);
	if (!dir)
		goto oom;
	char *slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		dcs_mkdir_p(dir); /* a failure shows at fopen */
	}
	free(dir);
	f->f = fopen(f->tmp, "w");
	if (!f->f) {
		fprintf(err, "dcisim: error: cannot write trace %s: %s\n", path, strerror(errno));
		dcs_trace_file_free(f);
		return NULL;
	}
	struct dcs_buf *b = &f->line;
	dcs_buf_puts(b, "dcisim-trace 1\n@scenario ");
	dcs_csv_put_cell(b, m->scenario);
	dcs_buf_puts(b, "\n@path ");
	dcs_csv_put_cell(b, m->path ? m->path : "");
	dcs_buf_printf(b,
		       "\n@seed %" PRIu64 "\n@horizon_ns %" PRId64 "\n@step_ns %" PRId64
		       "\n@topology %zu %zu %zu\n",
		       m->seed, m->horizon, m->step, m->sites, m->links, m->vms);
	flush_line(f);
	return f;
oom:
	fprintf(err, "dcisim: error: out of memory opening trace %s\n", path);
	dcs_trace_file_free(f);
	return NULL;
}

void dcs_trace_file_table(struct dcs_trace_file *f, dcs_time_t t, int id, const char *file,
			  size_t ncols, const char *const *cols)
{
	if ((size_t)id >= f->n_ids) {
		size_t *n = realloc(f->ncols, ((size_t)id + 1) * sizeof(*n));
		if (!n) {
			f->oom = true;
			return;
		}
		f->ncols = n;
		f->n_ids = (size_t)id + 1;
	}
	f->ncols[id] = ncols;
	dcs_buf_printf(&f->line, "T %" PRId64 " %d ", t, id);
	dcs_csv_put_cell(&f->line, file);
	dcs_buf_put(&f->line, ",", 1);
	dcs_csv_put_row(&f->line, ncols, cols);
	flush_line(f);
}

void dcs_trace_file_row(struct dcs_trace_file *f, dcs_time_t t, int id, const char *const *cells)
{
	if ((size_t)id >= f->n_ids)
		return;
	dcs_buf_printf(&f->line, "R %" PRId64 " %d ", t, id);
	dcs_csv_put_row(&f->line, f->ncols[id], cells);
	flush_line(f);
}

void dcs_trace_file_link(struct dcs_trace_file *f, dcs_time_t t, int link,
			 const struct dcs_obs_link *s)
{
	fprintf(f->f, "L %" PRId64 " %d %c %.9g %.9g %d %d %.9g\n", t, link,
		!s->up        ? 'd'
		: s->degraded ? 'g'
			      : 'u',
		s->rate_Bps[0], s->rate_Bps[1], s->flows[0], s->flows[1], s->bandwidth_gbps);
}

void dcs_trace_file_note(struct dcs_trace_file *f, dcs_time_t t, const struct dcs_note *n)
{
	fprintf(f->f, "N %" PRId64 " %s %d %d %d %d %d %d\n", t, dcs_note_kind_name(n->kind),
		n->index, n->sub, n->from, n->to, n->up ? 1 : 0, n->degraded ? 1 : 0);
}

int dcs_trace_file_finish(struct dcs_trace_file *f, dcs_time_t end, bool complete, FILE *err)
{
	fprintf(f->f, "E %" PRId64 " %d\n", end, complete ? 1 : 0);
	bool bad = ferror(f->f) || f->oom;
	bad |= fflush(f->f) != 0;
	bad |= fsync(fileno(f->f)) != 0 && errno != EINVAL;
	bad |= fclose(f->f) != 0;
	f->f = NULL;
	if (bad || rename(f->tmp, f->path) != 0) {
		fprintf(err, "dcisim: error: cannot write trace %s: %s\n", f->path,
			f->oom ? "out of memory" : strerror(errno));
		unlink(f->tmp);
		return -1;
	}
	return 0;
}

void dcs_trace_file_free(struct dcs_trace_file *f)
{
	if (!f)
		return;
	if (f->f) {
		fclose(f->f);
		unlink(f->tmp);
	}
	dcs_buf_free(&f->line);
	free(f->ncols);
	free(f->path);
	free(f->tmp);
	free(f);
}
