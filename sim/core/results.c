#include "dcisim/results.h"

#include "dcisim/exitcode.h"
#include "dcisim/metrics.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct dcs_table {
	char *file;
	char **cols;
	size_t ncols;
	char **cells; /* row-major */
	size_t ncells, cap;
	size_t row_start; /* index of the first cell of the open row */
	bool row_open;
};

struct dcs_results {
	struct dcs_table **tables;
	size_t n;
	char **warnings;
	size_t n_warnings;
	const struct dcs_catalog *catalog; /* declarations rows are checked against */
};

/* Results that cannot be stored end the run: exit status 3 (SPEC §1). */
static void out_of_memory(void)
{
	fprintf(stderr, "dcisim: out of memory storing results\n");
	exit(DCS_EXIT_RUNTIME);
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		out_of_memory();
	return p;
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = xmalloc(n);
	memcpy(d, s, n);
	return d;
}

struct dcs_results *dcs_results_create(void)
{
	return calloc(1, sizeof(struct dcs_results));
}

static void table_free(struct dcs_table *t)
{
	for (size_t i = 0; i < t->ncells; i++)
		free(t->cells[i]);
	for (size_t i = 0; i < t->ncols; i++)
		free(t->cols[i]);
	free(t->cells);
	free(t->cols);
	free(t->file);
	free(t);
}

void dcs_results_destroy(struct dcs_results *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++)
		table_free(r->tables[i]);
	for (size_t i = 0; i < r->n_warnings; i++)
		free(r->warnings[i]);
	free(r->warnings);
	free(r->tables);
	free(r);
}

static bool same_header(const struct dcs_table *t, const char *header)
{
	const char *p = header;
	for (size_t i = 0; i < t->ncols; i++) {
		size_t n = strlen(t->cols[i]);
		if (strncmp(p, t->cols[i], n) != 0)
			return false;
		p += n;
		if (i + 1 < t->ncols) {
			if (*p != ',')
				return false;
			p++;
		}
	}
	return *p == '\0';
}

struct dcs_table *dcs_results_table(struct dcs_results *r, const char *file, const char *header)
{
	for (size_t i = 0; i < r->n; i++) {
		if (strcmp(r->tables[i]->file, file) == 0) {
			if (!same_header(r->tables[i], header)) {
				fprintf(stderr, "%s:%d: fatal: table %s asked for with another header\n",
					__FILE__, __LINE__, file);
				abort();
			}
			return r->tables[i];
		}
	}
	struct dcs_table *t = calloc(1, sizeof(*t));
	if (!t)
		out_of_memory();
	t->file = xstrdup(file);
	size_t ncols = 1;
	for (const char *p = header; *p; p++)
		ncols += *p == ',';
	t->cols = xmalloc(ncols * sizeof(char *));
	const char *p = header;
	for (size_t i = 0; i < ncols; i++) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		t->cols[i] = xmalloc(n + 1);
		memcpy(t->cols[i], p, n);
		t->cols[i][n] = '\0';
		p = e ? e + 1 : p + n;
	}
	t->ncols = ncols;
	struct dcs_table **tabs = realloc(r->tables, (r->n + 1) * sizeof(*tabs));
	if (!tabs)
		out_of_memory();
	r->tables = tabs;
	r->tables[r->n++] = t;
	return t;
}

size_t dcs_results_n_tables(const struct dcs_results *r)
{
	return r->n;
}

struct dcs_table *dcs_results_table_at(struct dcs_results *r, size_t i)
{
	return r->tables[i];
}

const char *dcs_table_file(const struct dcs_table *t)
{
	return t->file;
}

size_t dcs_table_ncols(const struct dcs_table *t)
{
	return t->ncols;
}

size_t dcs_table_nrows(const struct dcs_table *t)
{
	return (t->row_open ? t->row_start : t->ncells) / t->ncols;
}

const char *dcs_table_col(const struct dcs_table *t, size_t col)
{
	return t->cols[col];
}

const char *dcs_table_cell(const struct dcs_table *t, size_t row, size_t col)
{
	return t->cells[row * t->ncols + col];
}

void dcs_row_begin(struct dcs_table *t)
{
	if (t->row_open) {
		fprintf(stderr, "%s:%d: fatal: row of %s begun twice\n", __FILE__, __LINE__,
			t->file);
		abort();
	}
	t->row_open = true;
	t->row_start = t->ncells;
}

static void push_cell(struct dcs_table *t, char *s)
{
	if (!t->row_open || t->ncells - t->row_start >= t->ncols) {
		fprintf(stderr, "%s:%d: fatal: cell outside a row of %s\n", __FILE__, __LINE__,
			t->file);
		abort();
	}
	if (t->ncells == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 64;
		char **c = realloc(t->cells, cap * sizeof(char *));
		if (!c)
			out_of_memory();
		t->cells = c;
		t->cap = cap;
	}
	t->cells[t->ncells++] = s;
}

void dcs_cell_str(struct dcs_table *t, const char *s)
{
	push_cell(t, xstrdup(s ? s : ""));
}

void dcs_cell_fmt(struct dcs_table *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *s = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	push_cell(t, s);
}

const char *dcs_fmt_num(char *buf, size_t len, double v)
{
	if (isnan(v))
		snprintf(buf, len, "nan");
	else if (isinf(v))
		snprintf(buf, len, v > 0 ? "inf" : "-inf");
	else if (v == 0)
		snprintf(buf, len, "0");
	else
		snprintf(buf, len, "%.12g", v);
	return buf;
}

void dcs_cell_num(struct dcs_table *t, double v)
{
	char buf[40];
	dcs_cell_str(t, dcs_fmt_num(buf, sizeof(buf), v));
}

void dcs_cell_int(struct dcs_table *t, int64_t v)
{
	dcs_cell_fmt(t, "%lld", (long long)v);
}

void dcs_cell_time_s(struct dcs_table *t, dcs_time_t ns)
{
	/* Exact decimal seconds with nanosecond resolution, trailing zeros cut. */
	char buf[40];
	long long s = (long long)(ns / DCS_NS_PER_S);
	long long frac = (long long)(ns % DCS_NS_PER_S);
	const char *sign = "";
	if (ns < 0) {
		sign = "-";
		s = -s;
		frac = -frac;
	}
	if (frac == 0) {
		snprintf(buf, sizeof(buf), "%s%lld", sign, s);
	} else {
		snprintf(buf, sizeof(buf), "%s%lld.%09lld", sign, s, frac);
		size_t n = strlen(buf);
		while (buf[n - 1] == '0')
			buf[--n] = '\0';
	}
	dcs_cell_str(t, buf);
}

void dcs_row_end(struct dcs_table *t)
{
	if (!t->row_open || t->ncells - t->row_start != t->ncols) {
		fprintf(stderr, "%s:%d: fatal: row of %s has %zu cells, header has %zu\n",
			__FILE__, __LINE__, t->file, t->ncells - t->row_start, t->ncols);
		abort();
	}
	t->row_open = false;
}

void dcs_results_set_catalog(struct dcs_results *r, const struct dcs_catalog *c)
{
	r->catalog = c;
}

const struct dcs_catalog *dcs_results_catalog(const struct dcs_results *r)
{
	return r->catalog;
}

/* An undeclared figure is a program error (include/dcisim/metrics.h). */
static void check_metric(const struct dcs_results *r, const char *metric, const char *unit)
{
	if (!r->catalog)
		return;
	const struct dcs_metric_def *d = dcs_catalog_metric(r->catalog, metric);
	if (!d) {
		fprintf(stderr, "%s:%d: fatal: summary metric '%s' is not declared\n", __FILE__,
			__LINE__, metric);
		abort();
	}
	if (strcmp(d->unit, unit ? unit : "")) {
		fprintf(stderr, "%s:%d: fatal: summary metric '%s' written in '%s', declared in '%s'\n",
			__FILE__, __LINE__, metric, unit ? unit : "", d->unit);
		abort();
	}
}

static void check_event(const struct dcs_results *r, const char *kind)
{
	if (r->catalog && !dcs_catalog_event(r->catalog, "events.csv", kind)) {
		fprintf(stderr, "%s:%d: fatal: event kind '%s' is not declared\n", __FILE__, __LINE__,
			kind);
		abort();
	}
}

static const char *const summary_header = "metric,entity,value,unit";
static const char *const events_header = "time_s,kind,entity,detail";

void dcs_summary(struct dcs_results *r, const char *metric, const char *entity, double value,
		 const char *unit)
{
	char buf[40];
	dcs_summary_text(r, metric, entity, dcs_fmt_num(buf, sizeof(buf), value), unit);
}

void dcs_summary_text(struct dcs_results *r, const char *metric, const char *entity,
		      const char *value, const char *unit)
{
	check_metric(r, metric, unit);
	struct dcs_table *t = dcs_results_table(r, "summary.csv", summary_header);
	dcs_row_begin(t);
	dcs_cell_str(t, metric);
	dcs_cell_str(t, entity);
	dcs_cell_str(t, value);
	dcs_cell_str(t, unit);
	dcs_row_end(t);
}

static char *vformat(const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	char *s = xmalloc((size_t)n + 1);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

static void event_row(struct dcs_results *r, dcs_time_t t, const char *kind, const char *entity,
		      const char *detail)
{
	check_event(r, kind);
	struct dcs_table *tab = dcs_results_table(r, "events.csv", events_header);
	dcs_row_begin(tab);
	dcs_cell_time_s(tab, t);
	dcs_cell_str(tab, kind);
	dcs_cell_str(tab, entity);
	dcs_cell_str(tab, detail);
	dcs_row_end(tab);
}

void dcs_event(struct dcs_results *r, dcs_time_t t, const char *kind, const char *entity,
	       const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *detail = vformat(fmt, ap);
	va_end(ap);
	event_row(r, t, kind, entity, detail);
	free(detail);
}

void dcs_warn(struct dcs_results *r, dcs_time_t t, const char *entity, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *detail = vformat(fmt, ap);
	va_end(ap);
	event_row(r, t, "warning", entity, detail);
	char **w = realloc(r->warnings, (r->n_warnings + 1) * sizeof(char *));
	if (!w)
		out_of_memory();
	r->warnings = w;
	size_t n = strlen(entity) + strlen(detail) + 3;
	char *line = xmalloc(n);
	snprintf(line, n, "%s: %s", entity, detail);
	r->warnings[r->n_warnings++] = line;
	free(detail);
}

size_t dcs_results_n_warnings(const struct dcs_results *r)
{
	return r->n_warnings;
}

const char *dcs_results_warning(const struct dcs_results *r, size_t i)
{
	return r->warnings[i];
}
