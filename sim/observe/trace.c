/*
 * dcisim observation taps, trace files and trace replay (include/dcisim/trace.h,
 * format in docs/trace.md).
 *
 * Why a tap never perturbs a run: it reads tables (which only grow), the
 * network through dcs_net_link_up/degraded/flows/rate/bandwidth (const, no
 * settling: dcs_net_link_bytes() would integrate the byte counters in extra
 * pieces and change their rounding), and bus notes (it subscribes last, after
 * every model, and does nothing a model could see).  dcs_tap_run() splits a
 * run into steps; the kernel runs the same events in the same order whatever
 * the split, and leaves its clock where one call would have left it.
 */
#include "dcisim/trace.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dcisim/net.h"
#include "dcisim/output.h"
#include "dcisim/results.h"
#include "dcisim/world.h"

static const char *const note_names[DCS_NOTE_KIND_COUNT] = {
    [DCS_NOTE_LINK_STATE] = "link",       [DCS_NOTE_SITE_STATE] = "site",
    [DCS_NOTE_PATHS_CHANGED] = "paths",   [DCS_NOTE_VM_MOVED] = "vm",
    [DCS_NOTE_NODE_STATE] = "node",       [DCS_NOTE_ARRAY_STATE] = "array",
    [DCS_NOTE_WITNESS_STATE] = "witness",
};

const char *dcs_note_kind_name(enum dcs_note_kind k)
{
	return (unsigned)k < DCS_NOTE_KIND_COUNT ? note_names[k] : "unknown";
}

int dcs_note_kind_from_name(const char *s)
{
	for (int i = 0; i < DCS_NOTE_KIND_COUNT; i++)
		if (!strcmp(s, note_names[i]))
			return i;
	return -1;
}

/* ---------------------------------------------------------------- taps */

struct tap_table {
	size_t seen; /* rows reported */
	int id;      /* -1 until declared to the sink */
	bool skip;   /* links.csv: link records carry it */
};

struct dcs_tap {
	struct dcs_world *w;
	struct dcs_obs_sink sink;
	struct tap_table *tabs;
	size_t n_tabs;
	int next_id;
	struct dcs_obs_link *last;
	bool first;
	dcs_time_t polled; /* the last poll of dcs_tap_run, -1 before the first */
	const char **cells;
	size_t cells_cap;
};

static void tap_on_note(void *ctx, const struct dcs_note *n)
{
	struct dcs_tap *tap = ctx;
	if (tap->sink.note)
		tap->sink.note(tap->sink.ctx, dcs_now(tap->w->k), n);
}

struct dcs_tap *dcs_tap_create(struct dcs_world *w, const struct dcs_obs_sink *sink)
{
	struct dcs_tap *tap = calloc(1, sizeof(*tap));
	if (!tap)
		return NULL;
	tap->w = w;
	tap->sink = *sink;
	tap->first = true;
	tap->polled = -1;
	tap->last = calloc(w->scn->n_links + 1, sizeof(*tap->last));
	if (!tap->last) {
		free(tap);
		return NULL;
	}
	for (int k = 0; k < DCS_NOTE_KIND_COUNT; k++) {
		if (!dcs_bus_subscribe(w->bus, (enum dcs_note_kind)k, tap_on_note, tap)) {
			/* Earlier subscriptions point at tap and cannot be undone:
			 * silence it and leave it to the bus rather than dangle. */
			tap->sink = (struct dcs_obs_sink){0};
			return NULL;
		}
	}
	return tap;
}

void dcs_tap_destroy(struct dcs_tap *tap)
{
	if (!tap)
		return;
	free(tap->tabs);
	free(tap->last);
	free(tap->cells);
	free(tap);
}

static bool obs_differ(const struct dcs_obs_link *a, const struct dcs_obs_link *b)
{
	return a->up != b->up || a->degraded != b->degraded || a->rate_Bps[0] != b->rate_Bps[0] ||
	       a->rate_Bps[1] != b->rate_Bps[1] || a->flows[0] != b->flows[0] ||
	       a->flows[1] != b->flows[1] || a->bandwidth_gbps != b->bandwidth_gbps;
}

static void poll_tables(struct dcs_tap *tap, dcs_time_t now)
{
	struct dcs_results *res = tap->w->res;
	size_t n = dcs_results_n_tables(res);
	if (n > tap->n_tabs) {
		struct tap_table *t = realloc(tap->tabs, n * sizeof(*t));
		if (!t)
			return; /* seen again at the next poll */
		for (size_t i = tap->n_tabs; i < n; i++) {
			const char *file = dcs_table_file(dcs_results_table_at(res, i));
			t[i] = (struct tap_table){
			    .seen = 0, .id = -1, .skip = !strcmp(file, "links.csv")};
		}
		tap->tabs = t;
		tap->n_tabs = n;
	}
	for (size_t i = 0; i < n; i++) {
		struct tap_table *tt = &tap->tabs[i];
		if (tt->skip)
			continue;
		const struct dcs_table *t = dcs_results_table_at(res, i);
		size_t rows = dcs_table_nrows(t), ncols = dcs_table_ncols(t);
		if (rows <= tt->seen)
			continue;
		if (ncols > tap->cells_cap) {
			const char **c = realloc(tap->cells, ncols * sizeof(*c));
			if (!c)
				return;
			tap->cells = c;
			tap->cells_cap = ncols;
		}
		if (tt->id < 0) {
			tt->id = tap->next_id++;
			for (size_t c = 0; c < ncols; c++)
				tap->cells[c] = dcs_table_col(t, c);
			if (tap->sink.table)
				tap->sink.table(tap->sink.ctx, tt->id, dcs_table_file(t), ncols,
						tap->cells);
		}
		for (size_t r = tt->seen; r < rows; r++) {
			for (size_t c = 0; c < ncols; c++)
				tap->cells[c] = dcs_table_cell(t, r, c);
			if (tap->sink.row)
				tap->sink.row(tap->sink.ctx, now, tt->id, tap->cells);
		}
		tt->seen = rows;
	}
}

static void poll_links(struct dcs_tap *tap, dcs_time_t now)
{
	const struct dcs_net *net = tap->w->net;
	for (size_t l = 0; l < tap->w->scn->n_links; l++) {
		int li = (int)l;
		struct dcs_obs_link s = {
		    .up = dcs_net_link_up(net, li),
		    .degraded = dcs_net_link_degraded(net, li),
		    .rate_Bps = {dcs_net_link_rate_Bps(net, li, 0),
				 dcs_net_link_rate_Bps(net, li, 1)},
		    .flows = {dcs_net_link_flows(net, li, 0), dcs_net_link_flows(net, li, 1)},
		    .bandwidth_gbps = dcs_net_link_bandwidth_gbps(net, li),
		};
		if (tap->first || obs_differ(&s, &tap->last[l])) {
			tap->last[l] = s;
			if (tap->sink.link)
				tap->sink.link(tap->sink.ctx, now, li, &s);
		}
	}
	tap->first = false;
}

void dcs_tap_poll(struct dcs_tap *tap)
{
	dcs_time_t now = dcs_now(tap->w->k);
	poll_tables(tap, now);
	poll_links(tap, now);
}

dcs_time_t dcs_tap_next_poll(const struct dcs_tap *tap, dcs_time_t step)
{
	if (step <= 0)
		step = 1;
	return tap->polled < 0 ? 0 : (tap->polled / step + 1) * step;
}

enum dcs_stop_reason dcs_tap_run(struct dcs_tap *tap, dcs_time_t until, dcs_time_t step)
{
	struct dcs_world *w = tap->w;
	if (until > w->horizon)
		until = w->horizon;
	/* Polls fall on the multiples of step (and at the horizon), whatever
	 * the calls: how a run is cut into calls changes no record. */
	for (;;) {
		dcs_time_t g = dcs_tap_next_poll(tap, step);
		dcs_time_t next = g < until ? g : until;
		enum dcs_stop_reason r = dcs_world_run(w, next);
		if (next == g || next == w->horizon) {
			dcs_tap_poll(tap);
			tap->polled = next;
		}
		if (r != DCS_STOP_HORIZON || next >= until)
			return r;
	}
}

dcs_time_t dcs_trace_step(const struct dcs_world *w)
{
	double s = w->scn->output.sample_s;
	if (!(s > 0) || s > 0.1)
		s = 0.1;
	dcs_time_t step = dcs_time_from_s(s);
	if (w->horizon / step > 100000)
		step = w->horizon / 100000;
	return step > 0 ? step : 1;
}

/* ------------------------------------------------------- trace writer */

/* A cell as RFC 4180 wants it: quoted when it holds a comma, a quote, a line
 * end or starts with a space (so the reader never trims). */
static void put_csv_cell(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\r\n") && s[0] != ' ') {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void put_csv_row(FILE *f, size_t n, const char *const *cells)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputc(',', f);
		put_csv_cell(f, cells[i]);
	}
	fputc('\n', f);
}

struct dcs_trace {
	struct dcs_world *w;
	struct dcs_tap *tap;
	FILE *f;
	char *path, *tmp;
	dcs_time_t step;
	size_t *ncols; /* per declared table */
	size_t n_ids;
	bool oom;
};

static void tr_table(void *ctx, int id, const char *file, size_t ncols, const char *const *cols)
{
	struct dcs_trace *tr = ctx;
	if ((size_t)id >= tr->n_ids) {
		size_t *n = realloc(tr->ncols, ((size_t)id + 1) * sizeof(*n));
		if (!n) {
			tr->oom = true;
			return;
		}
		tr->ncols = n;
		tr->n_ids = (size_t)id + 1;
	}
	tr->ncols[id] = ncols;
	fprintf(tr->f, "T %" PRId64 " %d ", dcs_now(tr->w->k), id);
	put_csv_cell(tr->f, file);
	fputc(',', tr->f);
	put_csv_row(tr->f, ncols, cols);
}

static void tr_row(void *ctx, dcs_time_t t, int id, const char *const *cells)
{
	struct dcs_trace *tr = ctx;
	if ((size_t)id >= tr->n_ids)
		return;
	fprintf(tr->f, "R %" PRId64 " %d ", t, id);
	put_csv_row(tr->f, tr->ncols[id], cells);
}

static void tr_link(void *ctx, dcs_time_t t, int link, const struct dcs_obs_link *s)
{
	struct dcs_trace *tr = ctx;
	fprintf(tr->f, "L %" PRId64 " %d %c %.9g %.9g %d %d %.9g\n", t, link,
		!s->up        ? 'd'
		: s->degraded ? 'g'
			      : 'u',
		s->rate_Bps[0], s->rate_Bps[1], s->flows[0], s->flows[1], s->bandwidth_gbps);
}

static void tr_note(void *ctx, dcs_time_t t, const struct dcs_note *n)
{
	struct dcs_trace *tr = ctx;
	fprintf(tr->f, "N %" PRId64 " %s %d %d %d %d %d %d\n", t, dcs_note_kind_name(n->kind),
		n->index, n->sub, n->from, n->to, n->up ? 1 : 0, n->degraded ? 1 : 0);
}

struct dcs_trace *dcs_trace_open(const char *path, struct dcs_world *w, FILE *err)
{
	struct dcs_trace *tr = calloc(1, sizeof(*tr));
	if (!tr)
		goto oom;
	tr->w = w;
	tr->path = strdup(path);
	size_t n = strlen(path) + 32;
	tr->tmp = malloc(n);
	if (!tr->path || !tr->tmp)
		goto oom;
	snprintf(tr->tmp, n, "%s.tmp-%ld", path, (long)getpid());
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
	tr->f = fopen(tr->tmp, "w");
	if (!tr->f) {
		fprintf(err, "dcisim: error: cannot write trace %s: %s\n", path, strerror(errno));
		dcs_trace_free(tr);
		return NULL;
	}
	struct dcs_obs_sink sink = {
	    .ctx = tr, .table = tr_table, .row = tr_row, .link = tr_link, .note = tr_note};
	tr->tap = dcs_tap_create(w, &sink);
	if (!tr->tap)
		goto oom;
	tr->step = dcs_trace_step(w);
	const struct dcs_scenario *scn = w->scn;
	fputs("dcisim-trace 1\n@scenario ", tr->f);
	put_csv_cell(tr->f, scn->name);
	fputs("\n@path ", tr->f);
	/* Absolute, so the trace replays from any directory. */
	char *abs = scn->path ? realpath(scn->path, NULL) : NULL;
	put_csv_cell(tr->f, abs ? abs : scn->path ? scn->path : "");
	free(abs);
	fprintf(tr->f,
		"\n@seed %" PRIu64 "\n@horizon_ns %" PRId64 "\n@step_ns %" PRId64
		"\n@topology %zu %zu %zu\n",
		dcs_kernel_seed(w->k), w->horizon, tr->step, scn->n_sites, scn->n_links,
		scn->n_vms);
	return tr;
oom:
	fprintf(err, "dcisim: error: out of memory opening trace %s\n", path);
	dcs_trace_free(tr);
	return NULL;
}

enum dcs_stop_reason dcs_trace_run(struct dcs_trace *tr, dcs_time_t until)
{
	return dcs_tap_run(tr->tap, until, tr->step);
}

int dcs_trace_finish(struct dcs_trace *tr, dcs_time_t end, bool complete, FILE *err)
{
	dcs_tap_poll(tr->tap);
	fprintf(tr->f, "E %" PRId64 " %d\n", end, complete ? 1 : 0);
	bool bad = ferror(tr->f) || tr->oom;
	bad |= fflush(tr->f) != 0;
	bad |= fsync(fileno(tr->f)) != 0 && errno != EINVAL;
	bad |= fclose(tr->f) != 0;
	tr->f = NULL;
	if (bad || rename(tr->tmp, tr->path) != 0) {
		fprintf(err, "dcisim: error: cannot write trace %s: %s\n", tr->path,
			tr->oom ? "out of memory" : strerror(errno));
		unlink(tr->tmp);
		return -1;
	}
	return 0;
}

void dcs_trace_free(struct dcs_trace *tr)
{
	if (!tr)
		return;
	if (tr->f) {
		fclose(tr->f);
		unlink(tr->tmp);
	}
	dcs_tap_destroy(tr->tap);
	free(tr->ncols);
	free(tr->path);
	free(tr->tmp);
	free(tr);
}

/* ------------------------------------------------------- trace reader */

struct trace_rec {
	char type; /* T R L N */
	dcs_time_t t;
	int id; /* table id (T, R) or link (L) */
	struct dcs_obs_link link;
	struct dcs_note note;
	char **str; /* T: file then columns; R: cells */
	size_t nstr;
};

struct dcs_trace_reader {
	char *name, *path;
	uint64_t seed;
	dcs_time_t horizon, end;
	bool complete;
	size_t sites, links, vms;
	struct trace_rec *recs;
	size_t n, cap, pos;
	size_t *ncols; /* per table id */
	size_t n_ids;
	bool oom; /* a memory reader lost a record */
};

struct cursor {
	const char *p, *end;
	const char *file;
	int line;
	FILE *err;
	bool bad;
};

static void cur_error(struct cursor *c, const char *msg)
{
	if (!c->bad)
		fprintf(c->err, "%s:%d: error: %s\n", c->file, c->line, msg);
	c->bad = true;
}

/* The next space-separated word on the line. */
static bool cur_word(struct cursor *c, char *buf, size_t len)
{
	while (c->p < c->end && *c->p == ' ')
		c->p++;
	size_t n = 0;
	while (c->p < c->end && *c->p != ' ' && *c->p != '\n') {
		if (n + 1 < len)
			buf[n++] = *c->p;
		c->p++;
	}
	buf[n] = '\0';
	return n > 0;
}

static bool cur_i64(struct cursor *c, int64_t *v)
{
	char buf[32];
	if (!cur_word(c, buf, sizeof(buf)))
		return false;
	char *e;
	errno = 0;
	long long x = strtoll(buf, &e, 10);
	if (*e || errno)
		return false;
	*v = x;
	return true;
}

static bool cur_int(struct cursor *c, int *v)
{
	int64_t x;
	if (!cur_i64(c, &x) || x < -1000000000 || x > 1000000000)
		return false;
	*v = (int)x;
	return true;
}

static bool cur_num(struct cursor *c, double *v)
{
	char buf[40];
	if (!cur_word(c, buf, sizeof(buf)))
		return false;
	char *e;
	*v = strtod(buf, &e);
	return !*e && *v == *v;
}

static void cur_skip_line(struct cursor *c)
{
	while (c->p < c->end && *c->p != '\n')
		c->p++;
	if (c->p < c->end)
		c->p++;
	c->line++;
}

/* RFC 4180 cells up to the end of the record (a line end outside quotes). */
static char **cur_csv(struct cursor *c, size_t *n)
{
	while (c->p < c->end && *c->p == ' ')
		c->p++;
	char **cells = NULL;
	size_t nc = 0;
	for (;;) {
		size_t cap = 16, len = 0;
		char *s = malloc(cap);
		if (!s)
			goto oom;
		bool quoted = c->p < c->end && *c->p == '"';
		if (quoted)
			c->p++;
		for (;;) {
			if (c->p >= c->end) {
				if (quoted)
					cur_error(c, "unterminated quoted cell");
				break;
			}
			char ch = *c->p;
			if (quoted && ch == '"') {
				if (c->p + 1 < c->end && c->p[1] == '"') {
					c->p += 2;
				} else {
					c->p++;
					quoted = false;
					continue;
				}
			} else if (!quoted && (ch == ',' || ch == '\n')) {
				break;
			} else {
				if (ch == '\n')
					c->line++;
				c->p++;
			}
			if (len + 2 > cap) {
				cap *= 2;
				char *t = realloc(s, cap);
				if (!t) {
					free(s);
					goto oom;
				}
				s = t;
			}
			s[len++] = ch;
		}
		s[len] = '\0';
		char **t = realloc(cells, (nc + 1) * sizeof(*t));
		if (!t) {
			free(s);
			goto oom;
		}
		cells = t;
		cells[nc++] = s;
		if (c->p < c->end && *c->p == ',') {
			c->p++;
			continue;
		}
		break;
	}
	*n = nc;
	return cells;
oom:
	cur_error(c, "out of memory");
	for (size_t i = 0; i < nc; i++)
		free(cells[i]);
	free(cells);
	*n = 0;
	return NULL;
}

static void free_strs(char **s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(s[i]);
	free(s);
}

static struct trace_rec *new_rec(struct dcs_trace_reader *r)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 256;
		struct trace_rec *t = realloc(r->recs, cap * sizeof(*t));
		if (!t)
			return NULL;
		r->recs = t;
		r->cap = cap;
	}
	struct trace_rec *rec = &r->recs[r->n];
	memset(rec, 0, sizeof(*rec));
	return rec;
}

static void parse_meta(struct dcs_trace_reader *r, struct cursor *c)
{
	char key[32];
	cur_word(c, key, sizeof(key));
	if (!strcmp(key, "@scenario") || !strcmp(key, "@path")) {
		size_t n;
		char **v = cur_csv(c, &n);
		if (!v || n != 1) {
			cur_error(c, "expected one text value");
			free_strs(v, n);
			return;
		}
		char **dst = key[1] == 's' ? &r->name : &r->path;
		free(*dst);
		*dst = v[0];
		free(v);
	} else if (!strcmp(key, "@seed")) {
		int64_t s;
		if (!cur_i64(c, &s))
			cur_error(c, "bad seed");
		r->seed = (uint64_t)s;
	} else if (!strcmp(key, "@horizon_ns")) {
		if (!cur_i64(c, &r->horizon))
			cur_error(c, "bad horizon");
	} else if (!strcmp(key, "@topology")) {
		int s, l, v;
		if (!cur_int(c, &s) || !cur_int(c, &l) || !cur_int(c, &v) || s < 0 || l < 0 ||
		    v < 0)
			cur_error(c, "bad topology counts");
		else
			r->sites = (size_t)s, r->links = (size_t)l, r->vms = (size_t)v;
	}
	/* Unknown metadata (@step_ns, later additions) is skipped. */
	if (!c->bad)
		cur_skip_line(c);
}

static bool parse_fields(struct dcs_trace_reader *r, struct cursor *c, struct trace_rec *rec);

static void parse_record(struct dcs_trace_reader *r, struct cursor *c, char type)
{
	struct trace_rec *rec = new_rec(r);
	if (!rec) {
		cur_error(c, "out of memory");
		return;
	}
	rec->type = type;
	if (!parse_fields(r, c, rec)) {
		free_strs(rec->str, rec->nstr);
		return;
	}
	r->n++;
	/* Whatever follows on the line (fields added by later versions) is skipped. */
	cur_skip_line(c);
}

static bool parse_fields(struct dcs_trace_reader *r, struct cursor *c, struct trace_rec *rec)
{
	char type = rec->type;
	c->p++;
	if (!cur_i64(c, &rec->t) || rec->t < 0) {
		cur_error(c, "bad time");
		return false;
	}
	if (r->n && rec->t < r->recs[r->n - 1].t) {
		cur_error(c, "time goes backwards");
		return false;
	}
	char w[16];
	switch (type) {
	case 'T':
	case 'R': {
		if (!cur_int(c, &rec->id) || rec->id < 0 || rec->id > 4096) {
			cur_error(c, "bad table id");
			return false;
		}
		rec->str = cur_csv(c, &rec->nstr);
		if (c->bad)
			return false;
		size_t id = (size_t)rec->id;
		if (type == 'T') {
			if (rec->nstr < 2) {
				cur_error(c, "table declaration without columns");
				return false;
			}
			if (id >= r->n_ids) {
				size_t *n = realloc(r->ncols, (id + 1) * sizeof(*n));
				if (!n) {
					cur_error(c, "out of memory");
					return false;
				}
				for (size_t i = r->n_ids; i <= id; i++)
					n[i] = 0;
				r->ncols = n;
				r->n_ids = id + 1;
			}
			r->ncols[id] = rec->nstr - 1;
		} else if (id >= r->n_ids || r->ncols[id] != rec->nstr) {
			cur_error(c, "row of an undeclared table, or with the wrong cell count");
			return false;
		}
		break;
	}
	case 'L': {
		double rate0, rate1, bw;
		int f0, f1;
		if (!cur_int(c, &rec->id) || rec->id < 0 || (size_t)rec->id >= r->links ||
		    !cur_word(c, w, sizeof(w)) || !strchr("udg", w[0]) || w[1] ||
		    !cur_num(c, &rate0) || !cur_num(c, &rate1) || !cur_int(c, &f0) ||
		    !cur_int(c, &f1) || !cur_num(c, &bw)) {
			cur_error(c, "bad link record");
			return false;
		}
		rec->link = (struct dcs_obs_link){.up = w[0] != 'd',
						  .degraded = w[0] == 'g',
						  .rate_Bps = {rate0, rate1},
						  .flows = {f0, f1},
						  .bandwidth_gbps = bw};
		break;
	}
	case 'N': {
		int kind, up, deg;
		struct dcs_note *n = &rec->note;
		if (!cur_word(c, w, sizeof(w)) || (kind = dcs_note_kind_from_name(w)) < 0 ||
		    !cur_int(c, &n->index) || !cur_int(c, &n->sub) || !cur_int(c, &n->from) ||
		    !cur_int(c, &n->to) || !cur_int(c, &up) || !cur_int(c, &deg)) {
			cur_error(c, "bad note record");
			return false;
		}
		n->kind = (enum dcs_note_kind)kind;
		n->up = up != 0;
		n->degraded = deg != 0;
		break;
	}
	}
	return true;
}

struct dcs_trace_reader *dcs_trace_load(const char *path, FILE *err)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(err, "dcisim: error: cannot read trace %s: %s\n", path, strerror(errno));
		return NULL;
	}
	char *buf = NULL;
	size_t len = 0, cap = 0;
	for (;;) {
		if (len + 65536 > cap) {
			cap = cap ? 2 * cap : 1 << 20;
			char *b = realloc(buf, cap);
			if (!b) {
				free(buf);
				fclose(f);
				fprintf(err, "dcisim: error: out of memory reading %s\n", path);
				return NULL;
			}
			buf = b;
		}
		size_t got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
	}
	fclose(f);
	struct dcs_trace_reader *r = calloc(1, sizeof(*r));
	struct cursor c = {.p = buf, .end = buf + len, .file = path, .line = 1, .err = err};
	if (!r) {
		cur_error(&c, "out of memory");
		goto done;
	}
	r->end = -1;
	static const char magic[] = "dcisim-trace 1\n";
	if (len < sizeof(magic) - 1 || memcmp(buf, magic, sizeof(magic) - 1) != 0) {
		cur_error(&c, "not a dcisim trace (version 1): the first line should be "
			      "'dcisim-trace 1'");
		goto done;
	}
	c.p += sizeof(magic) - 1;
	c.line++;
	while (c.p < c.end && !c.bad) {
		char type = *c.p;
		if (type == '\n' || type == '#') {
			cur_skip_line(&c);
		} else if (type == '@') {
			parse_meta(r, &c);
		} else if (type == 'E') {
			int64_t t = 0;
			int complete = 0;
			c.p++;
			if (!cur_i64(&c, &t) || !cur_int(&c, &complete))
				cur_error(&c, "bad end record");
			r->end = t;
			r->complete = complete != 0;
			cur_skip_line(&c);
		} else if (strchr("TRLN", type) && c.p + 1 < c.end && c.p[1] == ' ') {
			parse_record(r, &c, type);
		} else {
			cur_error(&c, "unknown record type");
		}
	}
	if (!c.bad && !r->name)
		cur_error(&c, "no @scenario line");
	if (!c.bad && r->end < 0) {
		/* A trace cut short (a crash while writing cannot leave one under its
		 * name, but a copy can be truncated): replay what is there. */
		r->end = r->n ? r->recs[r->n - 1].t : 0;
		r->complete = false;
	}
done:
	free(buf);
	if (c.bad) {
		dcs_trace_reader_free(r);
		return NULL;
	}
	return r;
}

void dcs_trace_reader_free(struct dcs_trace_reader *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++)
		free_strs(r->recs[i].str, r->recs[i].nstr);
	free(r->recs);
	free(r->ncols);
	free(r->name);
	free(r->path);
	free(r);
}

const char *dcs_trace_scenario_name(const struct dcs_trace_reader *r)
{
	return r->name;
}

const char *dcs_trace_scenario_path(const struct dcs_trace_reader *r)
{
	return r->path && *r->path ? r->path : NULL;
}

uint64_t dcs_trace_seed(const struct dcs_trace_reader *r)
{
	return r->seed;
}

dcs_time_t dcs_trace_horizon(const struct dcs_trace_reader *r)
{
	return r->horizon;
}

void dcs_trace_topology(const struct dcs_trace_reader *r, size_t *sites, size_t *links, size_t *vms)
{
	*sites = r->sites;
	*links = r->links;
	*vms = r->vms;
}

dcs_time_t dcs_trace_end(const struct dcs_trace_reader *r, bool *complete)
{
	if (complete)
		*complete = r->complete;
	return r->end;
}

size_t dcs_trace_n_records(const struct dcs_trace_reader *r)
{
	return r->n;
}

dcs_time_t dcs_trace_next_time(const struct dcs_trace_reader *r)
{
	return r->pos < r->n ? r->recs[r->pos].t : DCS_TIME_NEVER;
}

void dcs_trace_rewind(struct dcs_trace_reader *r)
{
	r->pos = 0;
}

dcs_time_t dcs_trace_replay(struct dcs_trace_reader *r, dcs_time_t until,
			    const struct dcs_obs_sink *sink)
{
	return dcs_trace_replay_at(r, &r->pos, until, sink);
}

dcs_time_t dcs_trace_replay_at(const struct dcs_trace_reader *r, size_t *pos, dcs_time_t until,
			       const struct dcs_obs_sink *sink)
{
	while (*pos < r->n && r->recs[*pos].t <= until) {
		const struct trace_rec *rec = &r->recs[(*pos)++];
		switch (rec->type) {
		case 'T':
			if (sink->table)
				sink->table(sink->ctx, rec->id, rec->str[0], rec->nstr - 1,
					    (const char *const *)rec->str + 1);
			break;
		case 'R':
			if (sink->row)
				sink->row(sink->ctx, rec->t, rec->id,
					  (const char *const *)rec->str);
			break;
		case 'L':
			if (sink->link)
				sink->link(sink->ctx, rec->t, rec->id, &rec->link);
			break;
		case 'N':
			if (sink->note)
				sink->note(sink->ctx, rec->t, &rec->note);
			break;
		}
	}
	return *pos < r->n ? r->recs[*pos].t : DCS_TIME_NEVER;
}

/* ------------------------------------------------------ memory reader */

struct dcs_trace_reader *dcs_trace_memory(const char *scenario, size_t sites, size_t links,
					  size_t vms, dcs_time_t horizon)
{
	struct dcs_trace_reader *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->name = strdup(scenario ? scenario : "");
	if (!r->name) {
		free(r);
		return NULL;
	}
	r->sites = sites;
	r->links = links;
	r->vms = vms;
	r->horizon = horizon;
	r->end = -1;
	return r;
}

bool dcs_trace_memory_ok(const struct dcs_trace_reader *r)
{
	return !r->oom;
}

/* Appends a record of type T or R with copies of n strings; false when out
 * of memory (the record is not added). */
static bool mem_add_strs(struct dcs_trace_reader *r, char type, dcs_time_t t, int id,
			 const char *first, size_t n, const char *const *strs)
{
	struct trace_rec *rec = new_rec(r);
	if (!rec)
		return false;
	size_t total = n + (first ? 1 : 0);
	rec->type = type;
	rec->t = t;
	rec->id = id;
	rec->str = calloc(total + 1, sizeof(char *));
	if (!rec->str)
		return false;
	for (size_t i = 0; i < total; i++) {
		const char *src = first ? (i ? strs[i - 1] : first) : strs[i];
		if (!(rec->str[i] = strdup(src ? src : ""))) {
			free_strs(rec->str, i);
			rec->str = NULL;
			return false;
		}
	}
	rec->nstr = total;
	r->n++;
	return true;
}

static void mem_table(void *ctx, int id, const char *file, size_t ncols, const char *const *cols)
{
	struct dcs_trace_reader *r = ctx;
	if (id < 0 || id > 4096) {
		r->oom = true;
		return;
	}
	size_t u = (size_t)id;
	if (u >= r->n_ids) {
		size_t *n = realloc(r->ncols, (u + 1) * sizeof(*n));
		if (!n) {
			r->oom = true;
			return;
		}
		for (size_t i = r->n_ids; i <= u; i++)
			n[i] = 0;
		r->ncols = n;
		r->n_ids = u + 1;
	}
	r->ncols[u] = ncols;
	/* A table is declared when its first row is seen: stamp it then. */
	dcs_time_t t = r->n ? r->recs[r->n - 1].t : 0;
	if (!mem_add_strs(r, 'T', t, id, file, ncols, cols))
		r->oom = true;
}

static void mem_row(void *ctx, dcs_time_t t, int id, const char *const *cells)
{
	struct dcs_trace_reader *r = ctx;
	if (id < 0 || (size_t)id >= r->n_ids ||
	    !mem_add_strs(r, 'R', t, id, NULL, r->ncols[id], cells))
		r->oom = true;
}

static void mem_link(void *ctx, dcs_time_t t, int link, const struct dcs_obs_link *s)
{
	struct dcs_trace_reader *r = ctx;
	struct trace_rec *rec = new_rec(r);
	if (!rec) {
		r->oom = true;
		return;
	}
	rec->type = 'L';
	rec->t = t;
	rec->id = link;
	rec->link = *s;
	r->n++;
}

static void mem_note(void *ctx, dcs_time_t t, const struct dcs_note *n)
{
	struct dcs_trace_reader *r = ctx;
	struct trace_rec *rec = new_rec(r);
	if (!rec) {
		r->oom = true;
		return;
	}
	rec->type = 'N';
	rec->t = t;
	rec->note = *n;
	r->n++;
}

struct dcs_obs_sink dcs_trace_memory_sink(struct dcs_trace_reader *r)
{
	return (struct dcs_obs_sink){
	    .ctx = r, .table = mem_table, .row = mem_row, .link = mem_link, .note = mem_note};
}
