/*
 * Trace file reader (dcisim/tracefile.h; the format in docs/trace.md): one
 * record a line; a table's cells are a CSV record parsed by libcsv
 * (dcs_csv_parse_record).  Errors name the file and line.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dcisim/csvread.h"
#include "dcisim/loader.h"
#include "trace_internal.h"

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

/* The CSV cells up to the end of the record (a line end outside quotes). */
static char **cur_csv(struct cursor *c, size_t *n)
{
	while (c->p < c->end && *c->p == ' ')
		c->p++;
	size_t used = 0;
	int lines = 0;
	char msg[128];
	char **cells = dcs_csv_parse_record(c->p, (size_t)(c->end - c->p), n, &used, &lines, msg,
					    sizeof(msg));
	if (!cells) {
		cur_error(c, msg);
		*n = 0;
		return NULL;
	}
	c->p += used;
	c->line += lines;
	return cells;
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
			trace_free_strs(v, n);
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
	struct trace_rec *rec = trace_new_rec(r);
	if (!rec) {
		cur_error(c, "out of memory");
		return;
	}
	rec->type = type;
	if (!parse_fields(r, c, rec)) {
		trace_free_strs(rec->str, rec->nstr);
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
	size_t len = 0;
	char *buf = dcs_read_file(path, &len);
	if (!buf) {
		if (errno == ENOMEM)
			fprintf(err, "dcisim: error: out of memory reading %s\n", path);
		else
			fprintf(err, "dcisim: error: cannot read trace %s: %s\n", path,
				strerror(errno));
		return NULL;
	}
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

